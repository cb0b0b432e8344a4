package httpapi

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

const (
	abuseAdminKey  = "abuse-admin-key-0123456789"
	abuseSearchKey = "abuse-search-key-0123456789"
)

// abuseCase is one hostile request and the answer it must get.
type abuseCase struct {
	name   string
	method string
	path   string            // with query; a full URL is used as is
	header []string          // name, value, …
	body   func() io.Reader  // nil: no body
	length int64             // Content-Length; 0: from body, -1: chunked
	auth   string            // Bearer key ("" none)
	status int               // 0: any 4xx
	code   string            // "" any
	check  func(reply) error // extra check
}

// TestAbuse sends malformed and abusive requests to a real server (own
// listener on 127.0.0.1, search key and admin key set, 1 MiB body limit)
// and asserts that each gets its 4xx with a JSON error body
// {"error":{"code","message"}} — never a 5xx, never a hang — and that the
// server is healthy after all of them. Odd but valid queries (wildcards,
// markup) must answer 200 quickly without markup in highlights.
func TestAbuse(t *testing.T) {
	base, _ := startHardened(t, Config{AdminKey: abuseAdminKey, SearchKey: abuseSearchKey,
		MaxBodyBytes: 1 << 20, RateLimit: -1}, sampleDeps(t))
	q := func(v string) string { return "/api/search?q=" + url.QueryEscape(v) }
	str := func(s string) func() io.Reader { return func() io.Reader { return strings.NewReader(s) } }
	big := func() io.Reader { return io.LimitReader(zeros{}, 20<<20) }
	deep := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)
	deepObj := `{"id":"d","title":` + strings.Repeat(`{"a":`, 20_000) + "1" + strings.Repeat("}", 20_000) + "}"
	var manyDocs strings.Builder
	manyDocs.WriteString("[")
	for i := range 1001 {
		if i > 0 {
			manyDocs.WriteString(",")
		}
		fmt.Fprintf(&manyDocs, `{"id":"m%d","title":"t","body":"b"}`, i)
	}
	manyDocs.WriteString("]")
	noMarkup := func(r reply) error {
		var res struct {
			Hits []struct{ TitleHTML, SnippetHTML string } `json:"hits"`
		}
		if err := json.Unmarshal(r.body, &res); err != nil {
			return err
		}
		for _, h := range res.Hits {
			for _, s := range []string{h.TitleHTML, h.SnippetHTML} {
				if strings.Contains(strings.ReplaceAll(strings.ReplaceAll(s, "<mark>", ""), "</mark>", ""), "<") {
					return fmt.Errorf("markup in a highlight: %q", s)
				}
			}
		}
		return nil
	}
	S, A := abuseSearchKey, abuseAdminKey
	cases := []abuseCase{
		// Keys.
		{name: "search without key", path: q("注销"), status: 401, code: "missing_key"},
		{name: "search wrong key", path: q("注销"), auth: "wrong-key", status: 403, code: "wrong_key"},
		{name: "search Basic auth", path: q("注销"), header: []string{"Authorization", "Basic dXNlcjpwYXNz"}, status: 401, code: "missing_key"},
		{name: "search empty Bearer", path: q("注销"), header: []string{"Authorization", "Bearer "}, status: 401, code: "missing_key"},
		{name: "key in URL not accepted", path: q("注销") + "&key=" + S, status: 401, code: "missing_key"},
		{name: "key prefix", path: q("注销"), auth: S[:len(S)-1], status: 403, code: "wrong_key"},
		{name: "10 KB key", path: q("注销"), auth: strings.Repeat("k", 10_000), status: 403, code: "wrong_key"},
		{name: "suggest without key", path: "/api/suggest?q=a", status: 401, code: "missing_key"},
		{name: "document without key", path: "/api/docs/article-1000", status: 401, code: "missing_key"},
		{name: "stats wrong key", path: "/api/stats", auth: "nope", status: 403, code: "wrong_key"},
		{name: "push with the search key", method: "POST", path: "/api/docs", auth: S, body: str(`{"id":"x","title":"t"}`), status: 403, code: "wrong_key"},
		{name: "delete without key", method: "DELETE", path: "/api/docs/article-1000", status: 401, code: "missing_key"},
		{name: "admin route with the search key", method: "POST", path: "/api/admin/reindex", auth: S, status: 403, code: "wrong_key"},
		// Queries.
		{name: "10,000-character query", path: q(strings.Repeat("a", 10_000)), auth: S, status: 400, code: "query_too_long"},
		{name: "10,000 CJK characters (90 KB URI)", path: q(strings.Repeat("长", 10_000)), auth: S, status: 414, code: "uri_too_long"},
		{name: "300 CJK characters", path: q(strings.Repeat("长", 300)), auth: S, status: 400, code: "query_too_long"},
		{name: "NUL byte", path: "/api/search?q=a%00b", auth: S, status: 400, code: "bad_query"},
		{name: "only NULs", path: "/api/search?q=%00%00%00", auth: S, status: 400, code: "bad_query"},
		{name: "invalid UTF-8", path: "/api/search?q=%ff%fe%fd", auth: S, status: 400, code: "bad_query"},
		{name: "overlong UTF-8", path: "/api/search?q=%C0%AF", auth: S, status: 400, code: "bad_query"},
		{name: "lone surrogate", path: "/api/search?q=%ED%A0%80", auth: S, status: 400, code: "bad_query"},
		{name: "terminal escape", path: "/api/search?q=%1b%5b31m", auth: S, status: 400, code: "bad_query"},
		{name: "malformed percent-encoding", path: "/api/search?q=%zz", auth: S, status: 400, code: "empty_query"},
		{name: "empty q", path: "/api/search?q=", auth: S, status: 400, code: "empty_query"},
		{name: "17 terms", path: q(strings.Repeat("词 ", 17)), auth: S, status: 200},
		{name: "40 distinct terms", path: q(strings.Repeat("词语 文件 注销 网贷 账户 ", 8) + "a b c d e f g h i j k l m n o p q r s t"), auth: S, status: 200},
		{name: "only exclusions", path: q("-a -b"), auth: S, status: 400, code: "only_exclusions"},
		{name: "size 1000", path: q("a") + "&size=1000", auth: S, status: 400, code: "bad_size"},
		{name: "size -1", path: q("a") + "&size=-1", auth: S, status: 400, code: "bad_size"},
		{name: "size hex", path: q("a") + "&size=0x10", auth: S, status: 400, code: "bad_size"},
		{name: "page -1", path: q("a") + "&page=-1", auth: S, status: 400, code: "bad_page"},
		{name: "page 1.5", path: q("a") + "&page=1.5", auth: S, status: 400, code: "bad_page"},
		{name: "page beyond int64", path: q("a") + "&page=99999999999999999999", auth: S, status: 400, code: "bad_page"},
		{name: "page*size overflows int64", path: q("a") + "&page=9223372036854775807&size=100", auth: S, status: 400, code: "too_deep"},
		{name: "page*size default size overflows", path: q("a") + "&page=922337203685477581", auth: S, status: 400, code: "too_deep"},
		{name: "page*size over the window", path: q("a") + "&page=101&size=100", auth: S, status: 400, code: "too_deep"},
		{name: "kind markup", path: q("a") + "&kind=%3Cscript%3E", auth: S, status: 400, code: "bad_filter"},
		{name: "impossible date", path: q("a") + "&from=9999-99-99", auth: S, status: 400, code: "bad_filter"},
		{name: "sort traversal", path: q("a") + "&sort=../../etc/passwd", auth: S, status: 400, code: "bad_filter"},
		{name: "suggest prefix too long", path: "/api/suggest?q=" + url.QueryEscape(strings.Repeat("长", 65)), auth: S, status: 400, code: "query_too_long"},
		{name: "suggest NUL", path: "/api/suggest?q=%00", auth: S, status: 400, code: "bad_query"},
		{name: "suggest size 1000", path: "/api/suggest?q=a&size=1000", auth: S, status: 400, code: "bad_size"},
		{name: "related size -1", path: "/api/docs/article-1000/related?size=-1", auth: S, status: 400, code: "bad_size"},
		{name: "related of nothing", path: "/api/docs/no-such/related", auth: S, status: 404, code: "not_found"},
		{name: "5,000-character id", path: "/api/docs/" + strings.Repeat("x", 5000), auth: S, status: 404, code: "not_found"},
		{name: "analyze too long", path: "/api/analyze?text=" + strings.Repeat("a", 3000), auth: S, status: 400},
		// Methods and routes.
		{name: "PUT search", method: "PUT", path: q("a"), auth: S, status: 405, code: "method_not_allowed"},
		{name: "DELETE search", method: "DELETE", path: q("a"), auth: S, status: 405, code: "method_not_allowed"},
		{name: "POST healthz", method: "POST", path: "/healthz", status: 405, code: "method_not_allowed"},
		{name: "PATCH docs", method: "PATCH", path: "/api/docs", auth: A, status: 405, code: "method_not_allowed"},
		{name: "made-up method", method: "FROB", path: q("a"), auth: S, status: 405, code: "method_not_allowed"},
		{name: "unknown route", path: "/nope", status: 404, code: "no_route"},
		{name: "api root", path: "/api", status: 404, code: "no_route"},
		{name: "below search", path: "/api/search/extra", auth: S, status: 404, code: "no_route"},
		{name: "encoded traversal", path: "/%2e%2e/%2e%2e/etc/passwd", status: 404, code: "no_route"},
		{name: "php probe", path: "/wp-login.php?action=register", status: 404, code: "no_route"},
		// Bodies.
		{name: "bad JSON", method: "POST", path: "/api/docs", auth: A, body: str("{"), status: 400, code: "bad_body"},
		{name: "broken array", method: "POST", path: "/api/docs", auth: A, body: str("[{]"), status: 400, code: "bad_body"},
		{name: "document without text", method: "POST", path: "/api/docs", auth: A, body: str(`{"id":"e","title":"","body":""}`), status: 400, code: "bad_body"},
		{name: "title of the wrong type", method: "POST", path: "/api/docs", auth: A, body: str(`{"id":"w","title":["t"]}`), status: 400, code: "bad_body"},
		{name: "null document", method: "POST", path: "/api/docs", auth: A, body: str("null"), status: 400, code: "bad_body"},
		{name: "binary body", method: "POST", path: "/api/docs", auth: A, body: str("\x00\x01\x02\xff\xfe"), status: 400, code: "bad_body"},
		{name: "100,000-deep array", method: "POST", path: "/api/docs", auth: A, body: str(deep), status: 400, code: "bad_body"},
		{name: "20,000-deep object", method: "POST", path: "/api/docs", auth: A, body: str(deepObj), status: 400, code: "bad_body"},
		{name: "1001 documents", method: "POST", path: "/api/docs", auth: A, body: str(manyDocs.String()), status: 400, code: "too_many_documents"},
		{name: "20 MB body declared", method: "POST", path: "/api/docs", auth: A, body: big, length: 20 << 20, status: 413, code: "body_too_large"},
		{name: "20 MB body chunked", method: "POST", path: "/api/docs", auth: A, body: big, length: -1, status: 413, code: "body_too_large"},
		{name: "20 MB body on a GET", path: q("a"), auth: S, body: big, length: 20 << 20, status: 413, code: "body_too_large"},
		{name: "20 MB body without the key", method: "POST", path: "/api/docs", body: big, length: 20 << 20, status: 413, code: "body_too_large"},
		// Headers.
		{name: "100 KB header", path: q("a"), auth: S, header: []string{"X-Junk", strings.Repeat("j", 100_000)}, status: 431, code: "headers_too_large"},
		{name: "70 KB cookie", path: "/healthz", header: []string{"Cookie", "a=" + strings.Repeat("c", 70_000)}, status: 431, code: "headers_too_large"},
		// Odd but valid: answered, quickly, without markup in highlights.
		{name: "spoofed X-Forwarded-For", path: q("注销"), auth: S, header: []string{"X-Forwarded-For", "1.2.3.4, 5.6.7.8", "X-Real-IP", "9.9.9.9"}, status: 200},
		{name: "the admin key reads too", path: q("注销"), auth: A, status: 200},
		{name: "star", path: q("*"), auth: S, status: 200, check: noMarkup},
		{name: "question mark", path: q("?"), auth: S, status: 200, check: noMarkup},
		{name: "star colon star", path: q("*:*"), auth: S, status: 200, check: noMarkup},
		{name: "prefix wildcard", path: q("租*"), auth: S, status: 200, check: noMarkup},
		{name: "one-letter wildcard", path: q("a*"), auth: S, status: 200, check: noMarkup},
		{name: "field wildcard", path: q("title:*"), auth: S, status: 200, check: noMarkup},
		{name: "percent and underscore", path: q("% _ %%"), auth: S, status: 200, check: noMarkup},
		{name: "script query", path: q("<script>alert(1)</script> 注销"), auth: S, status: 200, check: noMarkup},
		{name: "markup query", path: q(`"><img src=x onerror=alert(1)> 租机`), auth: S, status: 200, check: noMarkup},
		{name: "unclosed quote", path: q(`"注销`), auth: S, status: 200, check: noMarkup},
		{name: "zero-width and RTL", path: q("注\u200b销\u202e"), auth: S, status: 200, check: noMarkup},
	}
	var fourxx int
	client := &http.Client{Timeout: 10 * time.Second}
	for _, tc := range cases {
		method := tc.method
		if method == "" {
			method = "GET"
		}
		var body io.Reader
		if tc.body != nil {
			body = tc.body()
		}
		req := newReq(t, method, base+tc.path, body, tc.header...)
		if tc.length != 0 {
			req.ContentLength = tc.length
		}
		if tc.auth != "" {
			req.Header.Set("Authorization", "Bearer "+tc.auth)
		}
		start := time.Now()
		r := send(t, client, req)
		took := time.Since(start)
		switch {
		case r.status >= 500:
			t.Errorf("%s: %d %s", tc.name, r.status, r.body)
		case !r.isJSON:
			t.Errorf("%s: %d, not a JSON body: %.200q", tc.name, r.status, r.body)
		case tc.status == 0 && (r.status < 400 || r.status > 499):
			t.Errorf("%s: %d, want a 4xx", tc.name, r.status)
		case tc.status != 0 && r.status != tc.status:
			t.Errorf("%s: %d %s, want %d", tc.name, r.status, r.body, tc.status)
		case r.status >= 400 && (r.err.Code == "" || r.err.Message == "" || r.err.RequestID == ""):
			t.Errorf("%s: error body lacks code, message or request_id: %s", tc.name, r.body)
		case tc.code != "" && r.err.Code != tc.code:
			t.Errorf("%s: code %q (%s), want %q", tc.name, r.err.Code, r.err.Message, tc.code)
		case took > 3*time.Second:
			t.Errorf("%s: took %v", tc.name, took)
		}
		if tc.check != nil {
			if err := tc.check(r); err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		if r.status == 429 || r.status == 503 {
			if r.header.Get("Retry-After") == "" {
				t.Errorf("%s: %d without Retry-After", tc.name, r.status)
			}
		}
		if r.status >= 400 && r.status < 500 {
			fourxx++
		}
	}
	if fourxx < 50 {
		t.Errorf("%d requests answered 4xx, want at least 50", fourxx)
	}
	t.Logf("%d hostile requests, %d answered with a 4xx JSON error, the rest 200", len(cases), fourxx)

	// Below the router: what net/http itself refuses (in plain text, before
	// any handler can run) must still be a 4xx and leave the server up.
	raw := []struct{ name, request string }{
		{"2 MB header (net/http's own limit)", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + strings.Repeat("b", 2<<20) + "\r\n\r\n"},
		{"malformed request line", "GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"NUL in the path", "GET /api/\x00search HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"bad escape in the path", "GET /api/%zz HTTP/1.1\r\nHost: x\r\n\r\n"},
		{"no Host", "GET /healthz HTTP/1.1\r\n\r\n"},
		{"bad Content-Length", "POST /api/docs HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"},
		{"two Content-Lengths", "POST /api/docs HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"},
	}
	addr := strings.TrimPrefix(base, "http://")
	for _, rc := range raw {
		status := rawStatus(t, addr, rc.request)
		if status < 400 || status > 499 {
			t.Errorf("raw %s: status %d, want 4xx", rc.name, status)
		}
	}
	healthy(t, base, 10*time.Second)
}

// rawStatus writes request on a new connection and returns the response's
// status code.
func rawStatus(t *testing.T, addr, request string) int {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	go func() { _, _ = io.WriteString(conn, request) }()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("raw request: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestHostileDocumentNoMarkup pushes a document whose title and body are
// full of markup (as a scraped hostile page might carry it as text) and
// checks that the highlights escape all of it: the only tags in
// title_html and snippet_html are <mark> and </mark>.
func TestHostileDocumentNoMarkup(t *testing.T) {
	base, _ := startHardened(t, Config{AdminKey: abuseAdminKey, RateLimit: -1}, sampleDeps(t))
	client := &http.Client{Timeout: 10 * time.Second}
	doc := `{"id":"hostile-1","title":"<img src=x onerror=alert(1)>押金退还<script>alert(2)</script>",
	 "body":"</mark><script>document.cookie</script> 押金退还 <a href=\"javascript:alert(3)\">押金</a> &lt;b&gt; <mark>押金退还</mark> <!-- 押金退还 -->"}`
	req := newReq(t, "POST", base+"/api/docs", strings.NewReader(doc), "Authorization", "Bearer "+abuseAdminKey)
	if r := send(t, client, req); r.status != 200 {
		t.Fatalf("push: %d %s", r.status, r.body)
	}
	defer send(t, client, newReq(t, "DELETE", base+"/api/docs/hostile-1", nil, "Authorization", "Bearer "+abuseAdminKey))
	for _, query := range []string{"押金退还", "script", "img", "mark", "alert"} {
		r := send(t, client, newReq(t, "GET", base+"/api/search?q="+url.QueryEscape(query), nil))
		var res struct {
			Hits []struct {
				ID string `json:"id"`
				T  string `json:"title_html"`
				S  string `json:"snippet_html"`
			} `json:"hits"`
		}
		if err := json.Unmarshal(r.body, &res); err != nil || r.status != 200 {
			t.Fatalf("search %s: %d %s", query, r.status, r.body)
		}
		found := false
		for _, h := range res.Hits {
			if h.ID != "hostile-1" {
				continue
			}
			found = true
			for _, s := range []string{h.T, h.S} {
				rest := strings.ReplaceAll(strings.ReplaceAll(s, "<mark>", ""), "</mark>", "")
				if strings.ContainsAny(rest, "<>") {
					t.Errorf("search %s: markup in a highlight: %q", query, s)
				}
			}
		}
		if query == "押金退还" && !found {
			t.Errorf("search %s: the hostile document is not found", query)
		}
	}
}

package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/wensou/wensou/search"
)

// getPage fetches a page of the real server and returns status, headers
// and body.
func getPage(t *testing.T, path string, header ...string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read: %v", path, err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

func pq(s string) string { return url.QueryEscape(s) }

func TestSearchPage(t *testing.T) {
	const title = `如何<mark>注销</mark>网贷账户?完整的步骤解析`
	tests := []struct {
		name   string
		path   string
		status int
		want   []string // substrings of the body
		not    []string // substrings that must not appear
	}{
		{"home", "/", 200,
			[]string{`<body class="home">`, `id="wq"`, "autofocus", "大家都在搜", "已收录 100 条内容", `role="search"`},
			[]string{`class="result"`, "文搜为您找到"}},
		{"blank query is home", "/?q=%20%20", 200, []string{`<body class="home">`}, []string{`class="notice`}},
		{"marked title", "/?q=" + pq("注销"), 200,
			[]string{"<title>注销 - 文搜</title>", title, `<b id="total">1</b>`, `<span class="date">2025年6月22日</span>`,
				`<mark>注销</mark>账户`, `<span class="badge badge-article">文章</span>`, `www.example.cn/article/1000.html`,
				`value="注销"`, `2025年6月`, `<span class="sub-h">相关阅读</span>`},
			[]string{`class="pager"`}},
		{"script in query is escaped", "/?q=" + pq(`<script>alert(1)</script>`), 200,
			[]string{`&lt;script&gt;alert(1)&lt;/script&gt;`, "抱歉，没有找到"},
			[]string{"<script>alert"}},
		{"quote in query is escaped", "/?q=" + pq(`"><img src=x onerror=alert(1)>`), 200,
			[]string{`&#34;&gt;&lt;img src=x onerror=alert(1)&gt;`}, []string{"<img src=x"}},
		{"no results helps", "/?q=" + pq("喵喵喵呜"), 200,
			[]string{"抱歉，没有找到与“<em>喵喵喵呜</em>”相关的结果", "建议您", "拼音", "大家都在搜",
				`href="/?q=` + pq("租机") + `"`},
			[]string{`class="result"`, `class="tabs"`, `class="tools"`}},
		{"page 2", "/?q=" + pq("租机") + "&page=2", 200,
			[]string{`<strong aria-current="page">2</strong>`, `class="prev"`, `class="next"`,
				`href="/?q=` + pq("租机") + `&amp;page=3"`, `href="/?q=` + pq("租机") + `"`},
			nil},
		{"relaxed", "/?q=" + pq("注销 喵喵"), 200, []string{"没有同时包含全部搜索词的结果", title}, nil},
		{"corrected", "/?q=" + pq("注消"), 200, []string{"您要找的是", `href="/?q=` + pq("注销") + `"`,
			`href="/?q=` + pq("注消") + `&amp;exact=1"`, "<mark>注销</mark>"}, nil},
		{"as typed", "/?q=" + pq("注消") + "&exact=1", 200, nil, []string{"您要找的是", "<mark>注销</mark>"}},
		{"past the last page", "/?q=" + pq("注销") + "&page=5", 200, []string{"这一页已经没有结果了", "回到第 1 页"}, nil},
		{"kind filter", "/?q=" + pq("支付宝") + "&kind=related", 200,
			[]string{`data-kind="related"`, `相关条目<span class="n">8</span>`, `文章<span class="n">1</span>`,
				`全部<span class="n">9</span>`, `<input type="hidden" name="kind" value="related">`},
			[]string{`<li class="result" data-kind="article"`}},
		{"date sort", "/?q=" + pq("支付宝") + "&sort=date", 200,
			[]string{`class="on" aria-current="true" data-sort>按时间`, `name="sort" value="date"`}, nil},
		{"month filter", "/?q=" + pq("注销") + "&from=2025-06-01&to=2025-06-30", 200,
			[]string{title, `2025-06-01 至 2025-06-30`}, nil},
		{"filter finds nothing", "/?q=" + pq("注销") + "&from=2025-07-01", 200,
			[]string{"抱歉，没有找到", "去掉筛选条件", `class="tabs"`, `class="zero" data-kind="related"`}, []string{title}},
		// Bad parameters: the page with a friendly message, status 400
		// like the API, never an error dump.
		{"page not a number", "/?q=" + pq("注销") + "&page=abc", 400,
			[]string{"页码不正确", `href="/?q=` + pq("注销") + `">查看第 1 页`, `value="注销"`}, nil},
		{"page zero", "/?q=" + pq("注销") + "&page=0", 400, []string{"页码不正确"}, nil},
		{"size too big", "/?q=" + pq("注销") + "&size=1000", 400, []string{"每页条数不正确"}, nil},
		{"too deep", "/?q=" + pq("注销") + "&page=2000&size=10", 400, []string{"最多只能查看前 10000 条"}, nil},
		{"bad kind", "/?q=" + pq("注销") + "&kind=video", 400, []string{"筛选或排序条件不正确", "清除筛选条件"}, nil},
		{"bad date", "/?q=" + pq("注销") + "&from=2025-13-01", 400, []string{"日期请写成"}, nil},
		{"bad sort", "/?q=" + pq("注销") + "&sort=hot", 400, []string{"筛选或排序条件不正确"}, nil},
		{"only exclusions", "/?q=" + pq("-注销"), 400, []string{"不能只有以“-”开头的排除词"}, nil},
		// Since 2a0b345 the engine keeps a long query's longest clauses
		// (repeated ones once) instead of refusing it with too_many_terms.
		{"many words", "/?q=" + pq(strings.Repeat("词 ", 20)), 200, nil, []string{"搜索词太多了"}},
		// (A q over 256 characters is refused as JSON by guardPage in
		// limits.go before the page sees it; the box's maxlength is 200.)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, h, body := getPage(t, tt.path)
			if status != tt.status {
				t.Errorf("status %d, want %d", status, tt.status)
			}
			if ct := h.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'self'") {
				t.Errorf("no CSP: %q", h.Get("Content-Security-Policy"))
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("body lacks %q", w)
				}
			}
			for _, n := range append(tt.not, "goroutine ", "panic", ".go:") {
				if strings.Contains(body, n) {
					t.Errorf("body contains %q", n)
				}
			}
			if t.Failed() {
				t.Logf("body:\n%s", body)
			}
		})
	}
}

// TestNoResultsSuggestions: when a query finds nothing but the suggester
// knows titles close to it (zhux: a pinyin prefix of 注销), the page offers
// them. Skipped if the engine learns to find zhux itself.
func TestNoResultsSuggestions(t *testing.T) {
	var res search.Result
	get(t, "/api/search?q=zhux", &res)
	var sug struct{ Suggestions []search.Suggestion }
	get(t, "/api/suggest?q=zhux&size=8", &sug)
	if res.Total > 0 || len(sug.Suggestions) == 0 {
		t.Skipf("zhux: %d hits, %d suggestions: not a no-results query with suggestions any more", res.Total, len(sug.Suggestions))
	}
	_, _, body := getPage(t, "/?q=zhux")
	first := sug.Suggestions[0]
	for _, w := range []string{"您是不是要找", `<a href="` + first.URL + `">` + first.Text + `</a>`} {
		if !strings.Contains(body, w) {
			t.Errorf("no-results page lacks %q", w)
		}
	}
}

// TestPageFail: errors that middleware may raise for a page request get
// the page with a friendly message and the API's status, not JSON.
func TestPageFail(t *testing.T) {
	srv, err := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, Deps{Searcher: remoteSearcher{base: base}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		err    error
		status int
		want   string
	}{
		{errRateLimited, 429, "搜索太频繁了"},
		{errOverloaded, 503, "搜索的人太多了"},
		{fmt.Errorf("%w: size 1000", search.ErrBadSize), 400, "每页条数不正确"},
		{fmt.Errorf("%w: page 99999", search.ErrTooDeep), 400, "最多只能查看前 10000 条"},
		{search.ErrQueryTooLong, 400, "搜索词太长了"},
		{errors.New("disk on fire"), 500, "错误编号"},
	}
	for _, tt := range tests {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodGet, "/?q="+pq("注销")+"&size=1000", nil)
		c.Writer.Header()[requestIDHeader] = []string{"rid-1"}
		srv.pageFail(c, tt.err)
		body := w.Body.String()
		if w.Code != tt.status || !strings.Contains(body, tt.want) || !strings.Contains(body, `value="注销"`) ||
			!strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") || !c.IsAborted() {
			t.Errorf("%v: %d %q aborted=%v, want %d with %q", tt.err, w.Code, w.Header().Get("Content-Type"), c.IsAborted(), tt.status, tt.want)
		}
		if strings.Contains(body, "disk on fire") {
			t.Errorf("%v: the page shows the internal error", tt.err)
		}
	}
}

func TestPageHead(t *testing.T) {
	resp, err := http.Head(base + "/?q=" + pq("注销"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("HEAD / = %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

func TestPageStateURL(t *testing.T) {
	tests := []struct {
		st   pageState
		want string
	}{
		{pageState{Page: 1, Size: 10}, "/"},
		{pageState{Q: "注销", Page: 1, Size: 10}, "/?q=" + pq("注销")},
		{pageState{Q: "注销", Page: 2, Kind: "article", Size: 10}, "/?q=" + pq("注销") + "&page=2&kind=article"},
		{pageState{Q: "a b&c", Page: 3, Sort: "date", From: "2025-06-01", To: "2025-06-30", Size: 20},
			"/?q=a+b%26c&page=3&sort=date&from=2025-06-01&to=2025-06-30&size=20"},
		{pageState{Q: "x", Sort: "relevance", Page: 1, Size: 10}, "/?q=x"},
	}
	for _, tt := range tests {
		if got := tt.st.URL(); got != tt.want {
			t.Errorf("%+v.URL() = %q, want %q", tt.st, got, tt.want)
		}
	}
}

func TestPager(t *testing.T) {
	st := pageState{Q: "x", Page: 1, Size: 10}
	if pages, prev, next := pager(st, 7); pages != nil || prev != "" || next != "" {
		t.Errorf("one page: %v %q %q", pages, prev, next)
	}
	pages, prev, next := pager(st.withPage(12), 1000)
	if len(pages) != pagerSpan || pages[0].Label != "7" || !pages[5].Active || prev != "/?q=x&page=11" || next != "/?q=x&page=13" {
		t.Errorf("page 12 of 100: %+v %q %q", pages, prev, next)
	}
	pages, _, next = pager(st.withPage(1000), 100000)
	if last := pages[len(pages)-1]; last.Label != "1000" || next != "" {
		t.Errorf("window end: last %+v next %q", last, next)
	}
}

func TestAssets(t *testing.T) {
	for _, tt := range []struct{ path, ctype, cache string }{
		{"/static/search.css", "text/css; charset=utf-8", "max-age=300"},
		{"/widget.js", "text/javascript; charset=utf-8", "max-age=300"},
		{"/widget.css", "text/css; charset=utf-8", "max-age=300"},
		{assetURL("widget.js"), "text/javascript; charset=utf-8", "immutable"},
	} {
		status, h, body := getPage(t, tt.path)
		if status != 200 || h.Get("Content-Type") != tt.ctype || !strings.Contains(h.Get("Cache-Control"), tt.cache) || body == "" {
			t.Errorf("%s: %d %q %q (%d bytes)", tt.path, status, h.Get("Content-Type"), h.Get("Cache-Control"), len(body))
		}
		if status, _, _ := getPage(t, tt.path, "If-None-Match", h.Get("ETag")); status != http.StatusNotModified {
			t.Errorf("%s with its ETag: %d, want 304", tt.path, status)
		}
	}
	var e struct{ Error APIError }
	if code := get(t, "/static/nope.js", &e); code != 404 || e.Error.Code != "no_route" {
		t.Errorf("missing asset: %d %+v", code, e)
	}
	_, _, page := getPage(t, "/")
	if !strings.Contains(page, `src="`+assetURL("widget.js")+`"`) || !strings.Contains(page, `data-wensou-input="#wq"`) {
		t.Errorf("page does not load the widget with its hash")
	}
}

// remoteSearcher serves search and suggest from the test server over HTTP,
// so a second Server (with other settings) answers from the same index.
type remoteSearcher struct {
	Searcher // nil: the other methods are not used
	base     string
}

func (r remoteSearcher) fetch(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.base+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func (r remoteSearcher) Search(ctx context.Context, req search.Request) (*search.Result, error) {
	var res search.Result
	err := r.fetch(ctx, "/api/search?q="+url.QueryEscape(req.Query)+"&page="+strconv.Itoa(req.Page)+"&size="+strconv.Itoa(req.Size)+"&kind="+req.Kind, &res)
	return &res, err
}

func (r remoteSearcher) Stats(ctx context.Context) (search.Stats, error) {
	var st search.Stats
	err := r.fetch(ctx, "/api/stats", &st)
	return st, err
}

func (r remoteSearcher) Suggest(ctx context.Context, prefix string, size int) ([]search.Suggestion, error) {
	var res struct{ Suggestions []search.Suggestion }
	err := r.fetch(ctx, "/api/suggest?q="+url.QueryEscape(prefix)+"&size="+strconv.Itoa(size), &res)
	return res.Suggestions, err
}

// newCORSServer is a second service over the test index that lets origins
// call the API from a browser.
func newCORSServer(t *testing.T, origins ...string) *httptest.Server {
	t.Helper()
	srv, err := New(Config{CORSOrigins: origins, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
		Deps{Searcher: remoteSearcher{base: base}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

func TestCORS(t *testing.T) {
	const site = "https://site.example"
	cors := newCORSServer(t, site, "https://other.example/")
	do := func(srv, method, path, origin string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, srv+path, nil)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if method == http.MethodOptions {
			req.Header.Set("Access-Control-Request-Method", "GET")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	suggest := "/api/suggest?q=" + pq("注销")
	tests := []struct {
		name, srv, method, path, origin string
		status                          int
		allow                           string
	}{
		{"allowed origin", cors.URL, "GET", suggest, site, 200, site},
		{"allowed with trailing slash in config", cors.URL, "GET", suggest, "https://other.example", 200, "https://other.example"},
		{"allowed search", cors.URL, "GET", "/api/search?q=" + pq("注销"), site, 200, site},
		{"other origin", cors.URL, "GET", suggest, "https://evil.example", 200, ""},
		{"no origin", cors.URL, "GET", suggest, "", 200, ""},
		{"not a CORS route", cors.URL, "GET", "/api/stats", site, 0, ""},
		{"preflight allowed", cors.URL, "OPTIONS", suggest, site, 204, site},
		{"preflight other origin", cors.URL, "OPTIONS", suggest, "https://evil.example", 403, ""},
		{"preflight no origin", cors.URL, "OPTIONS", "/api/search", "", 403, ""},
		{"default: same origin only", base, "GET", suggest, site, 200, ""},
		{"default preflight", base, "OPTIONS", suggest, site, 403, ""},
	}
	for _, tt := range tests {
		resp := do(tt.srv, tt.method, tt.path, tt.origin)
		if tt.status != 0 && resp.StatusCode != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, resp.StatusCode, tt.status)
		}
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tt.allow {
			t.Errorf("%s: Access-Control-Allow-Origin %q, want %q", tt.name, got, tt.allow)
		}
		if tt.status == 204 && !strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), "GET") {
			t.Errorf("%s: Allow-Methods %q", tt.name, resp.Header.Get("Access-Control-Allow-Methods"))
		}
		if tt.status != 0 && tt.method == "GET" && !slices.Contains(resp.Header.Values("Vary"), "Origin") {
			t.Errorf("%s: Vary %q, want Origin among them", tt.name, resp.Header.Values("Vary"))
		}
	}
}

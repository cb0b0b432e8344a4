package httpapi

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wensou/wensou/search"
)

func do(t *testing.T, method, path, key, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s %s: not JSON: %s", method, path, b)
	}
	return resp.StatusCode, v
}

func errCode(v map[string]any) string {
	e, _ := v["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func TestWriteAuth(t *testing.T) {
	doc := `{"id":"auth-1","title":"鉴权测试","body":"正文"}`
	tests := []struct {
		name, method, path, key, body string
		status                        int
		code                          string
	}{
		{"post without key", "POST", "/api/docs", "", doc, 401, "missing_key"},
		{"post wrong key", "POST", "/api/docs", "nope", doc, 403, "wrong_key"},
		{"delete without key", "DELETE", "/api/docs/article-1000", "", "", 401, "missing_key"},
		{"delete wrong key", "DELETE", "/api/docs/article-1000", "x", "", 403, "wrong_key"},
		{"bad json", "POST", "/api/docs", testAdminKey, "{", 400, "bad_body"},
		{"empty body", "POST", "/api/docs", testAdminKey, "", 400, "bad_body"},
		{"empty array", "POST", "/api/docs", testAdminKey, "[]", 400, "bad_body"},
		{"too large", "POST", "/api/docs", testAdminKey, `{"id":"big","title":"t","body":"` + strings.Repeat("长", 400_000) + `"}`, 413, "body_too_large"},
		{"delete missing", "DELETE", "/api/docs/no-such-doc", testAdminKey, "", 404, "not_found"},
	}
	for _, tt := range tests {
		status, v := do(t, tt.method, tt.path, tt.key, tt.body)
		if status != tt.status || errCode(v) != tt.code {
			t.Errorf("%s: %d %v, want %d %s", tt.name, status, v, tt.status, tt.code)
		}
	}
}

func TestPushSearchDelete(t *testing.T) {
	body := `[{"id":"push-1","title":"微粒贷提前还款指南","body":"微粒贷可以提前还款。","published":"2025-07-01 10:00:00"},
	          {"id":"push-2","title":"借呗额度说明","body":"借呗的额度。"}]`
	status, v := do(t, "POST", "/api/docs", testAdminKey, body)
	if status != 200 || v["indexed"] != float64(2) {
		t.Fatalf("push = %d %v, want 200 indexed 2", status, v)
	}
	var res search.Result
	get(t, "/api/search?q="+url.QueryEscape("微粒贷 还款"), &res)
	if len(res.Hits) == 0 || res.Hits[0].ID != "push-1" {
		t.Fatalf("pushed document not searchable at once: %+v", res.Hits)
	}
	if status, v := do(t, "DELETE", "/api/docs/push-1", testAdminKey, ""); status != 200 {
		t.Fatalf("delete = %d %v", status, v)
	}
	get(t, "/api/search?q="+url.QueryEscape("微粒贷 还款"), &res)
	for _, h := range res.Hits {
		if h.ID == "push-1" {
			t.Fatal("deleted document still found")
		}
	}
	do(t, "DELETE", "/api/docs/push-2", testAdminKey, "")
}

func TestSuggestAndRelated(t *testing.T) {
	var sug struct{ Suggestions []search.Suggestion }
	get(t, "/api/suggest?q="+url.QueryEscape("注销"), &sug)
	if len(sug.Suggestions) == 0 || sug.Suggestions[0].Text != "如何注销网贷账户?完整的步骤解析" {
		t.Errorf("suggest 注销 = %+v", sug.Suggestions)
	}
	get(t, "/api/suggest?q=zfb", &sug)
	if len(sug.Suggestions) == 0 || !strings.Contains(sug.Suggestions[0].Text, "支付宝") {
		t.Errorf("suggest zfb = %+v, want 支付宝 titles", sug.Suggestions)
	}
	var rel struct{ Hits []search.Hit }
	get(t, "/api/docs/article-1000/related?size=5", &rel)
	want := []string{"分期手机转售注意事项及在成都的交易指南", "租机押金退款流程与注意事项"}
	if len(rel.Hits) != 5 || rel.Hits[0].Title != want[0] || rel.Hits[1].Title != want[1] {
		t.Errorf("related = %+v, want the article's own list first", rel.Hits)
	}
	for _, q := range []string{"/api/suggest?q=", "/api/suggest?q=a&size=0", "/api/suggest?q=a&size=x", "/api/docs/article-1000/related?size=0"} {
		var e struct{ Error APIError }
		if code := get(t, q, &e); code != 400 {
			t.Errorf("%s = %d %+v, want 400", q, code, e)
		}
	}
}

func TestFiltersAndFacets(t *testing.T) {
	var res search.Result
	get(t, "/api/search?q="+url.QueryEscape("注销")+"&kind=related", &res)
	for _, h := range res.Hits {
		if h.Kind != "related" {
			t.Errorf("kind=related returned %s %s", h.Kind, h.ID)
		}
	}
	get(t, "/api/search?q="+url.QueryEscape("网贷"), &res)
	if res.Facets.Kind["article"] != 1 || res.Facets.Month["2025-06"] != 1 {
		t.Errorf("facets = %+v", res.Facets)
	}
	get(t, "/api/search?q="+url.QueryEscape("网贷")+"&from=2025-06-22&to=2025-06-22&sort=date", &res)
	if res.Total != 1 || res.Hits[0].ID != "article-1000" {
		t.Errorf("date range on the publish day = %d hits", res.Total)
	}
	get(t, "/api/search?q="+url.QueryEscape("网贷")+"&from=2025-06-23", &res)
	if res.Total != 0 {
		t.Errorf("date range after the publish day = %d hits, want 0", res.Total)
	}
	for _, q := range []string{"kind=book", "sort=random", "from=2025-13-01", "from=yesterday", "from=2025-06-23&to=2025-06-01"} {
		var e struct{ Error APIError }
		if code := get(t, "/api/search?q=a&"+q, &e); code != 400 || e.Error.Code != "bad_filter" {
			t.Errorf("%s = %d %+v, want 400 bad_filter", q, code, e)
		}
	}
}

func TestZeroResultQueries(t *testing.T) {
	var res search.Result
	get(t, "/api/search?q="+url.QueryEscape("绝对找不到的东西"), &res)
	if status, v := do(t, "GET", "/api/admin/queries/zero", "", ""); status != 401 {
		t.Fatalf("without key: %d %v", status, v)
	}
	status, v := do(t, "GET", "/api/admin/queries/zero", testAdminKey, "")
	qs, _ := v["queries"].([]any)
	if status != 200 || len(qs) == 0 {
		t.Fatalf("zero-result queries = %d %v", status, v)
	}
	for _, q := range qs {
		if m, _ := q.(map[string]any); m["query"] == "绝对找不到的东西" && m["terms"] != nil {
			return
		}
	}
	t.Errorf("zero-result queries %v lack the query with its terms", qs)
}

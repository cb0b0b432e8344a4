package httpapi

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wensou/wensou/search"
)

// pushOne pushes one document and returns the status and error code.
func pushOne(t *testing.T, id, title, published string) (int, string) {
	t.Helper()
	body := fmt.Sprintf(`{"id":%q,"title":%q,"body":"正文","published":%q}`, id, title, published)
	status, v := do(t, "POST", "/api/docs", testAdminKey, body)
	return status, errCode(v)
}

// deleteIDs removes test documents, whatever state the test left.
func deleteIDs(t *testing.T, ids ...string) {
	t.Helper()
	for _, id := range ids {
		do(t, "DELETE", "/api/docs/"+url.PathEscape(id), testAdminKey, "")
	}
}

// TestExtremeDates: publish times the index cannot hold are refused at
// push (400 bad_date); every accepted one sorts and filters right; date
// filters at any year answer 200 or 400, never 500, on the API and the
// page.
func TestExtremeDates(t *testing.T) {
	const word = "极端日期测验"
	accepted := []struct{ id, published string }{
		{"date-1700", "1700-03-01"}, {"date-2025", "2025-06-01 10:00:00"}, {"date-2261", "2261-12-31T23:00:00Z"},
	}
	t.Cleanup(func() { deleteIDs(t, "date-1700", "date-2025", "date-2261") })
	for _, d := range accepted {
		if status, code := pushOne(t, d.id, word+d.id, d.published); status != 200 {
			t.Fatalf("push %s = %d %s, want 200", d.published, status, code)
		}
	}
	for _, p := range []string{"0001-01-01", "1500-01-01", "1677-09-21", "2262-04-12", "2500-01-01", "9999-12-31T23:59:59Z"} {
		if status, code := pushOne(t, "date-bad", word, p); status != 400 || code != "bad_date" {
			t.Errorf("push published %s = %d %s, want 400 bad_date", p, status, code)
		}
	}
	tests := []struct {
		params string
		want   []string // ids, in order for sort=date
	}{
		{"sort=date", []string{"date-2261", "date-2025", "date-1700"}},
		{"sort=date&from=2025-01-01", []string{"date-2261", "date-2025"}},
		{"sort=date&from=0001-01-01", []string{"date-2261", "date-2025", "date-1700"}},
		{"sort=date&from=1600-01-01&to=1800-01-01", []string{"date-1700"}},
		{"sort=date&to=2300-01-01", []string{"date-2261", "date-2025", "date-1700"}},
		{"sort=date&from=2263-01-01", nil},
		{"sort=date&from=9999-12-31", nil},
		{"sort=date&to=1677-09-21", nil},
		{"sort=date&from=1677-09-21&to=2263-01-01", []string{"date-2261", "date-2025", "date-1700"}},
		{"sort=date&from=0000-01-01&to=9999-12-31", []string{"date-2261", "date-2025", "date-1700"}},
	}
	for _, tt := range tests {
		var res search.Result
		path := "/api/search?q=" + url.QueryEscape(word) + "&" + tt.params
		if code := get(t, path, &res); code != 200 {
			t.Errorf("%s = %d, want 200", tt.params, code)
			continue
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%s = %v, want %v", tt.params, got, tt.want)
		}
		if status, _, _ := getPage(t, "/?q="+url.QueryEscape(word)+"&"+tt.params); status != 200 {
			t.Errorf("page %s = %d, want 200", tt.params, status)
		}
	}
}

// addressableIDs are ids that once could be pushed but not addressed.
var addressableIDs = []string{"news/2025/1", "../x", "a/../b", "注销/1", "a/", "/a", "a b", "a+b", "a%2Fb", "q?x=1#f", "...", "a/related"}

// TestAddressableIDs: every id a push accepts can be read, related and
// deleted at /api/docs/{url.PathEscape(id)}; ids that cannot be
// addressed are refused at push with 400 bad_id.
func TestAddressableIDs(t *testing.T) {
	t.Cleanup(func() { deleteIDs(t, addressableIDs...) })
	for _, id := range addressableIDs {
		if status, code := pushOne(t, id, "可寻址编号"+id, "2025-01-01"); status != 200 {
			t.Errorf("push %q = %d %s, want 200", id, status, code)
			continue
		}
		p := "/api/docs/" + url.PathEscape(id)
		var d struct{ ID string }
		if code := get(t, p, &d); code != 200 || d.ID != id {
			t.Errorf("GET %s = %d id %q, want 200 %q", p, code, d.ID, id)
		}
		if code := get(t, p+"/related?size=3", nil); code != 200 {
			t.Errorf("GET %s/related = %d, want 200", p, code)
		}
		if status, v := do(t, "DELETE", p, testAdminKey, ""); status != 200 || v["deleted"] != id {
			t.Errorf("DELETE %s = %d %v, want 200 deleted %q", p, status, v, id)
		}
		if code := get(t, p, nil); code != http.StatusNotFound {
			t.Errorf("GET %s after delete = %d, want 404", p, code)
		}
	}
	for _, id := range []string{".", "..", " .. ", strings.Repeat("x", 513)} {
		if status, code := pushOne(t, id, "不可寻址", ""); status != 400 || code != "bad_id" {
			t.Errorf("push %q = %d %s, want 400 bad_id", id, status, code)
		}
	}
}

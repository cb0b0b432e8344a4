package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
	"github.com/wensou/wensou/search"
	"github.com/wensou/wensou/segment"
)

const testAdminKey = "test-admin-key"

// base is the address of the server every test in this package talks to:
// the real service over the embedded sample corpus on 127.0.0.1.
var base string

func TestMain(m *testing.M) {
	ctx, cancel := context.WithCancel(context.Background())
	stop, err := startServer(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "start server:", err)
		os.Exit(1)
	}
	rec, restore := installSpecRecorder()
	code := m.Run()
	restore()
	code = max(code, rec.report(os.Stderr))
	cancel()
	if err := stop(); err != nil {
		fmt.Fprintln(os.Stderr, "server shutdown:", err)
		code = 1
	}
	os.Exit(code)
}

func startServer(ctx context.Context) (func() error, error) {
	seg, err := segment.New(segment.Config{})
	if err != nil {
		return nil, err
	}
	docs, err := corpus.Sample()
	if err != nil {
		return nil, err
	}
	ch := make(chan corpus.Document, len(docs))
	for _, d := range docs {
		ch <- d
	}
	close(ch)
	w, _, err := indexer.Memory(ctx, ch, seg, indexer.Options{})
	if err != nil {
		return nil, err
	}
	x, err := indexer.NewMemoryWritable(w, func() indexer.Analyzers { return seg })
	if err != nil {
		return nil, err
	}
	readers := x.Readers()
	engine := search.New(readers, func() search.Analysis { return seg }, search.Config{})
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := New(Config{AdminKey: testAdminKey, MaxBodyBytes: 1 << 20, Logger: quiet,
		Popular: PopularConfig{Seed: []string{"注销账户", "网贷", "租机"}}},
		Deps{Searcher: engine, Writer: x, Admin: testAdmin{engine}, Generation: readers.Name})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	base = "http://" + ln.Addr().String()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ctx, ln) }()
	return func() error {
		return errors.Join(<-errc, x.Close())
	}, nil
}

func get(t *testing.T, path string, v any) int {
	t.Helper()
	resp, err := http.Get(base + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read: %v", path, err)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("GET %s: Content-Type %q, want JSON", path, ct)
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: decode %s: %v", path, body, err)
		}
	}
	return resp.StatusCode
}

func TestSearchContract(t *testing.T) {
	var res struct {
		Query  string   `json:"query"`
		Total  int      `json:"total"`
		Page   int      `json:"page"`
		Size   int      `json:"size"`
		TookMS *float64 `json:"took_ms"`
		Hits   []struct {
			ID          string   `json:"id"`
			Kind        string   `json:"kind"`
			Title       string   `json:"title"`
			URL         string   `json:"url"`
			Published   string   `json:"published"`
			Score       *float64 `json:"score"`
			TitleHTML   string   `json:"title_html"`
			SnippetHTML string   `json:"snippet_html"`
		} `json:"hits"`
	}
	if code := get(t, "/api/search?q="+url.QueryEscape("注销"), &res); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if res.Query != "注销" || res.Page != 1 || res.Size != 10 || res.TookMS == nil || res.Total < 1 {
		t.Fatalf("envelope = %+v", res)
	}
	first := res.Hits[0]
	if first.Kind != "article" || first.Title != "如何注销网贷账户?完整的步骤解析" {
		t.Fatalf("first hit = %+v, want the sample article", first)
	}
	if first.URL != "https://www.example.cn/article/1000.html" || first.Score == nil {
		t.Errorf("first hit url/score = %q/%v", first.URL, first.Score)
	}
	if _, err := time.Parse(time.RFC3339, first.Published); err != nil || first.Published != "2025-06-22T16:15:29+08:00" {
		t.Errorf("published = %q, want 2025-06-22T16:15:29+08:00", first.Published)
	}
	if first.TitleHTML != "如何<mark>注销</mark>网贷账户?完整的步骤解析" {
		t.Errorf("title_html = %q", first.TitleHTML)
	}
	if !strings.Contains(first.SnippetHTML, "<mark>注销</mark>") {
		t.Errorf("snippet_html = %q, want <mark>注销</mark>", first.SnippetHTML)
	}
}

func TestSearchPaging(t *testing.T) {
	var p1, p2 search.Result
	get(t, "/api/search?q="+url.QueryEscape("租机")+"&size=3", &p1)
	get(t, "/api/search?q="+url.QueryEscape("租机")+"&size=3&page=2", &p2)
	if p1.Total < 6 || len(p1.Hits) != 3 || len(p2.Hits) != 3 || p2.Page != 2 {
		t.Fatalf("paging: total %d, page1 %d hits, page2 %d hits", p1.Total, len(p1.Hits), len(p2.Hits))
	}
	for _, a := range p1.Hits {
		for _, b := range p2.Hits {
			if a.ID == b.ID {
				t.Errorf("hit %s on both pages", a.ID)
			}
		}
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		query string
		code  string
	}{
		{"", "empty_query"},
		{"q=", "empty_query"},
		{"q=%20%20", "empty_query"},
		{"q=a&size=0", "bad_size"},
		{"q=a&size=101", "bad_size"},
		{"q=a&size=-1", "bad_size"},
		{"q=a&size=x", "bad_size"},
		{"q=a&page=0", "bad_page"},
		{"q=a&page=-3", "bad_page"},
		{"q=a&page=abc", "bad_page"},
		{"q=a&page=1.5", "bad_page"},
		{"q=a&page=101&size=100", "too_deep"},
		{"q=a&page=99999999999999999999", "bad_page"},
		{"q=-a", "only_exclusions"},
		{"q=" + strings.Repeat("长", 300), "query_too_long"},
	}
	for _, tt := range tests {
		var body struct {
			Error APIError `json:"error"`
		}
		code := get(t, "/api/search?"+tt.query, &body)
		if code != http.StatusBadRequest || body.Error.Code != tt.code || body.Error.Message == "" {
			t.Errorf("?%s: %d %+v, want 400 %s", tt.query, code, body.Error, tt.code)
		}
	}
}

func TestStatsAndHealth(t *testing.T) {
	var st search.Stats
	if code := get(t, "/api/stats", &st); code != http.StatusOK {
		t.Fatalf("stats status %d", code)
	}
	if st.Documents != 100 || st.Articles != 1 || st.Related != 99 || st.Generation != "memory" {
		t.Errorf("stats = %+v, want 100 documents: 1 article + 99 related", st)
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if code := get(t, p, nil); code != http.StatusOK {
			t.Errorf("%s = %d", p, code)
		}
	}
	var e struct{ Error APIError }
	if code := get(t, "/no/such/route", &e); code != http.StatusNotFound || e.Error.Code != "no_route" {
		t.Errorf("unknown route = %d %+v", code, e)
	}
}

func TestDocument(t *testing.T) {
	var d corpus.Document
	if code := get(t, "/api/docs/article-1000", &d); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if d.Title != "如何注销网贷账户?完整的步骤解析" || len(d.Related) != 99 || d.Body == "" {
		t.Errorf("document = %q with %d related links", d.Title, len(d.Related))
	}
	var e struct{ Error APIError }
	if code := get(t, "/api/docs/nope", &e); code != http.StatusNotFound || e.Error.Code != "not_found" {
		t.Errorf("missing document = %d %+v", code, e)
	}
}

// testAdmin serves the admin routes of the test server: no reindex sources,
// the engine's zero-result log.
type testAdmin struct{ e *search.Engine }

func (testAdmin) Reindex(bool) (indexer.Job, error)      { return indexer.Job{}, indexer.ErrNoSources }
func (testAdmin) ReloadDictionary() (indexer.Job, error) { return indexer.Job{}, indexer.ErrNoSources }
func (testAdmin) Job(string) (indexer.Job, bool)         { return indexer.Job{}, false }
func (testAdmin) WaitJob(context.Context, string) (indexer.Job, error) {
	return indexer.Job{}, indexer.ErrNoSources
}
func (a testAdmin) ZeroResults(n int) []search.QueryCount { return a.e.ZeroResults(n) }

// TestSearchBodyReadable: highlights are not \u003c-escaped in the JSON, so
// `curl '/api/search?q=注销'` shows <mark>注销</mark> as it is.
func TestSearchBodyReadable(t *testing.T) {
	resp, err := http.Get(base + "/api/search?q=" + url.QueryEscape("注销"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), `"snippet_html":"`) || !strings.Contains(string(body), "<mark>注销</mark>") {
		t.Errorf("body does not show <mark>注销</mark> literally: %.300s", body)
	}
}

package httpapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/search"
)

// stubSearcher answers every search with one fixed page, so that the
// benchmarks below measure the service around the engine: gin, the
// middleware (request id, logging, metrics, rate limit, in-flight slots,
// key check, limits) and JSON encoding.
type stubSearcher struct{ res *search.Result }

func (s stubSearcher) Search(_ context.Context, req search.Request) (*search.Result, error) {
	out := *s.res
	out.Query = req.Query
	return &out, nil
}
func (stubSearcher) Stats(context.Context) (search.Stats, error) { return search.Stats{}, nil }
func (stubSearcher) Document(context.Context, string) (corpus.Document, error) {
	return corpus.Document{}, nil
}
func (stubSearcher) Suggest(context.Context, string, int) ([]search.Suggestion, error) {
	return nil, nil
}
func (stubSearcher) Related(context.Context, string, int) ([]search.Hit, error) { return nil, nil }
func (stubSearcher) Analyze(string) []search.FieldTokens                        { return nil }

// benchResult is a typical page: ten poems with marked titles and snippets.
func benchResult() *search.Result {
	res := &search.Result{Total: 514, Page: 1, Size: 10, TookMS: 0.3,
		Facets: search.Facets{Kind: map[string]uint64{"article": 514}, Month: map[string]uint64{}}}
	for range 10 {
		res.Hits = append(res.Hits, search.Hit{ID: "poem-000123", Kind: "article", Title: "静夜思",
			URL: "https://example.com/poems/123", Score: 3.25, TitleHTML: "<mark>静夜</mark>思",
			SnippetHTML: "床前明月光，疑是地上霜。举头望<mark>明月</mark>，低头思故乡。床前明月光，疑是地上霜。举头望明月，低头思故乡。"})
	}
	return res
}

// BenchmarkHTTPSearch serves GET /api/search through the whole handler
// (httptest, no network): "nolog" with logging off, "info" with the
// request log of `wensou serve` (a text handler at info level) written to
// io.Discard.
func BenchmarkHTTPSearch(b *testing.B) {
	for _, c := range []struct {
		name string
		log  *slog.Logger
	}{{"nolog", slog.New(slog.DiscardHandler)}, {"info", slog.New(slog.NewTextHandler(io.Discard, nil))}} {
		b.Run(c.name, func(b *testing.B) {
			srv, err := New(Config{Logger: c.log}, Deps{Searcher: stubSearcher{benchResult()}})
			if err != nil {
				b.Fatal(err)
			}
			h := srv.Handler()
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				req := httptest.NewRequest(http.MethodGet, "/api/search?q=%E6%98%8E%E6%9C%88&page=1&size=10", nil)
				req.RemoteAddr = "127.0.0.1:40000"
				w := &discardWriter{h: http.Header{}}
				for pb.Next() {
					clear(w.h)
					w.code = 0
					h.ServeHTTP(w, req)
					if w.code != http.StatusOK {
						b.Fatalf("status %d", w.code)
					}
				}
			})
		})
	}
}

// discardWriter is a reusable http.ResponseWriter that keeps only the
// status (httptest.ResponseRecorder would dominate the allocations).
type discardWriter struct {
	h    http.Header
	code int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return len(p), nil
}
func (w *discardWriter) WriteHeader(code int) { w.code = code }

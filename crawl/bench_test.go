package crawl

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/wensou/wensou/corpus"
)

// benchSite serves n variants of the UTF-8 seed page listed in one sitemap.
func benchSite(b *testing.B, n int) (*httptest.Server, []Entry) {
	page := seed(b, "how-to-close-online-loan-account.html")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(bytes.Replace(page, []byte("<title>"), []byte("<title>"+r.URL.Path+" "), 1))
	}))
	b.Cleanup(srv.Close)
	entries := make([]Entry, n)
	for i := range entries {
		entries[i] = Entry{Loc: fmt.Sprintf("%s/a/%d.html", srv.URL, i)}
	}
	return srv, entries
}

type nullSink struct{}

func (nullSink) Emit(corpus.Document) error        { return nil }
func (nullSink) Keep(string)                       {}
func (nullSink) KeepListed(string)                 {}
func (nullSink) Previous(string) corpus.CrawlState { return corpus.CrawlState{} }
func (nullSink) Skip(string, error)                {}

// BenchmarkCrawl reports pages/s over loopback at the default rate (2/s,
// few pages) and unlimited.
func BenchmarkCrawl(b *testing.B) {
	for _, tt := range []struct {
		name  string
		rate  float64
		pages int
	}{{"default-rate", DefaultRate, 6}, {"unlimited", -1, 500}} {
		b.Run(tt.name, func(b *testing.B) {
			_, entries := benchSite(b, tt.pages)
			for b.Loop() {
				c := New(Options{Rate: tt.rate, Hosts: []string{"127.0.0.1"}})
				start := time.Now()
				if err := c.crawlEntries(context.Background(), entries, nullSink{}); err != nil {
					b.Fatal(err)
				}
				if st := c.Stats(); st.Fetched != int64(tt.pages) {
					b.Fatalf("fetched %d of %d pages: %+v", st.Fetched, tt.pages, st)
				}
				b.ReportMetric(float64(tt.pages)/time.Since(start).Seconds(), "pages/s")
			}
		})
	}
}

// BenchmarkParsePage is the parse + analysis share of a page (corpus).
func BenchmarkParsePage(b *testing.B) {
	page := seed(b, "how-to-close-online-loan-account.html")
	for b.Loop() {
		if _, err := parse("text/html", page, "x"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSitemap100k parses a 100k-URL sitemap and reports the heap it holds.
func BenchmarkSitemap100k(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("<urlset>")
	for i := range 100_000 {
		fmt.Fprintf(&buf, "<url><loc>https://www.example.cn/article/%d.html</loc><lastmod>2025-06-22</lastmod></url>", i)
	}
	buf.WriteString("</urlset>")
	data := buf.Bytes()
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		sm, err := ParseSitemap(bytes.NewReader(data))
		if err != nil || len(sm.URLs) != 100_000 {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/1e6, "MB-held")
		b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/1e6, "MB-allocated")
		runtime.KeepAlive(sm)
	}
	b.ReportMetric(float64(len(data))/1e6, "MB-sitemap")
}

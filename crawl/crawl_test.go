package crawl

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wensou/wensou/corpus"
)

// recorder is a Sink that keeps what it is given.
type recorder struct {
	mu       sync.Mutex
	docs     map[string]corpus.Document
	kept     []string
	listed   []string // sitemaps whose pages are kept
	skips    map[string]string
	previous map[string]corpus.CrawlState
}

func newRecorder() *recorder {
	return &recorder{docs: map[string]corpus.Document{}, skips: map[string]string{}}
}

func (r *recorder) Emit(d corpus.Document) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.docs[d.ID] = d
	return nil
}
func (r *recorder) Keep(s string)       { r.mu.Lock(); r.kept = append(r.kept, s); r.mu.Unlock() }
func (r *recorder) KeepListed(s string) { r.mu.Lock(); r.listed = append(r.listed, s); r.mu.Unlock() }
func (r *recorder) Previous(s string) corpus.CrawlState {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.previous[s]
}
func (r *recorder) Skip(s string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.skips[s] = err.Error()
}

func (r *recorder) ids() []string {
	var out []string
	for id := range r.docs {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// testSite serves pages generated from the seed: see the cases below.
type testSite struct {
	srv       *httptest.Server
	flakyHits atomic.Int32
	mu        sync.Mutex
	times     []time.Time
}

func seed(t testing.TB, name string) []byte {
	b, err := fs.ReadFile(corpus.SampleFS(), name) // the project's copies of ../shared/corpus/seed
	if err != nil {
		t.Fatalf("seed page: %v", err)
	}
	return b
}

// variant gives a seed page its own title and canonical URL (ASCII edits:
// safe in GBK too).
func variant(page []byte, n, canonical string) []byte {
	page = bytes.Replace(page, []byte("<title>"), []byte("<title>"+n+" "), 1)
	return bytes.Replace(page, []byte("https://www.example.cn/article/1000.html"), []byte(canonical), 1)
}

func newTestSite(t testing.TB) *testSite {
	s := &testSite{}
	utf := seed(t, "how-to-close-online-loan-account.html")
	gbk := seed(t, "how-to-close-online-loan-account.gbk.html")
	txt := seed(t, "how-to-close-online-loan-account.txt")
	mux := http.NewServeMux()
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.times = append(s.times, time.Now())
		s.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(s.srv.Close)
	base := s.srv.URL
	html := func(ct string, body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", ct)
			w.Write(body)
		}
	}
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
	})
	mux.HandleFunc("/sitemap.xml", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><sitemapindex><sitemap><loc>%[1]s/sitemap-1.xml</loc></sitemap><sitemap><loc>%[1]s/sitemap-2.xml</loc></sitemap></sitemapindex>`, base)
	})
	urlset := func(paths ...string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/xml")
			fmt.Fprint(w, `<urlset>`)
			for _, p := range paths {
				fmt.Fprintf(w, `<url><loc>%s%s</loc><lastmod>2025-07-01</lastmod></url>`, base, p)
			}
			fmt.Fprint(w, `</urlset>`)
		}
	}
	mux.HandleFunc("/sitemap-1.xml", urlset("/a/1.html", "/a/1-print.html", "/a/2.html", "/a/3.html", "/private/secret.html", "/r/1"))
	mux.HandleFunc("/sitemap-2.xml", urlset("/a/noindex.html", "/a/noindex-header.html", "/a/flaky.html", "/a/slow.html", "/a/big.html", "/a/t.txt", "/a/gone.html", "/a/image.png"))
	mux.Handle("/a/1.html", html("text/html; charset=utf-8", variant(utf, "1", base+"/a/1.html")))
	mux.Handle("/a/1-print.html", html("text/html; charset=utf-8", variant(utf, "1", base+"/a/1.html")))
	mux.Handle("/a/2.html", html("text/html; charset=gbk", variant(gbk, "2", base+"/a/2.html")))
	mux.Handle("/a/3.html", html("text/html; charset=utf-8", variant(gbk, "3", base+"/a/3.html"))) // the header lies
	mux.Handle("/private/secret.html", html("text/html", variant(utf, "secret", base+"/private/secret.html")))
	mux.Handle("/r/1", http.RedirectHandler("/r/2", http.StatusFound))
	mux.Handle("/r/2", http.RedirectHandler("/a/4.html", http.StatusMovedPermanently))
	mux.Handle("/a/4.html", html("text/html", variant(utf, "4", "")))
	mux.Handle("/a/noindex.html", html("text/html", bytes.Replace(variant(utf, "n", base+"/a/noindex.html"), []byte("<head>"), []byte(`<head><meta name="robots" content="noindex, follow">`), 1)))
	mux.HandleFunc("/a/noindex-header.html", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Robots-Tag", "noindex")
		w.Write(variant(utf, "nh", base+"/a/noindex-header.html"))
	})
	mux.HandleFunc("/a/flaky.html", func(w http.ResponseWriter, _ *http.Request) {
		if s.flakyHits.Add(1) == 1 {
			http.Error(w, "busy", http.StatusInternalServerError)
			return
		}
		w.Write(variant(utf, "f", base+"/a/flaky.html"))
	})
	mux.HandleFunc("/a/slow.html", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/a/big.html", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		chunk := bytes.Repeat([]byte("<p>大</p>"), 1<<17)
		for n := 0; n < 50<<20; n += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	mux.Handle("/a/t.txt", html("text/plain; charset=utf-8", txt))
	mux.Handle("/a/image.png", html("image/png", []byte("\x89PNG")))
	return s
}

func testOptions() Options {
	return Options{Rate: -1, Timeout: 300 * time.Millisecond, Retries: 1, Backoff: 10 * time.Millisecond, UserAgent: "wensou/test (+https://example.invalid)"}
}

func TestCrawlSite(t *testing.T) {
	site := newTestSite(t)
	c := New(testOptions())
	rec := newRecorder()
	if err := c.ReadURL(context.Background(), site.srv.URL+"/sitemap.xml", rec); err != nil {
		t.Fatal(err)
	}
	want := []string{"a-1", "a-2", "a-3", "a-4", "a-flaky", "a-t.txt"}
	if got := rec.ids(); !slices.Equal(got, want) {
		t.Fatalf("ids %v, want %v; skips %v", got, want, rec.skips)
	}
	one := rec.docs["a-1"]
	for _, id := range []string{"a-2", "a-3"} { // GBK: declared right, and with a lying header
		if d := rec.docs[id]; d.Body != one.Body || strings.TrimPrefix(d.Title, id[2:]+" ") != strings.TrimPrefix(one.Title, "1 ") {
			t.Errorf("%s parsed unlike the UTF-8 page: title %q", id, d.Title)
		}
	}
	if got := rec.docs["a-4"].URL; got != site.srv.URL+"/a/4.html" {
		t.Errorf("redirected page URL %q", got)
	}
	if rec.docs["a-t.txt"].Published.IsZero() {
		t.Error("lastmod not used for the text page")
	}
	if !slices.Equal(rec.kept, []string{site.srv.URL + "/a/slow.html"}) {
		t.Errorf("kept %v, want the slow page only", rec.kept)
	}
	st := c.Stats()
	wantFailed := map[string]int{ReasonTimeout: 1, ReasonTooLarge: 1, ReasonContentType: 1}
	if fmt.Sprint(st.Failed) != fmt.Sprint(wantFailed) || st.SkippedRobots != 1 || st.Noindex != 2 || st.Gone != 1 {
		t.Errorf("stats %+v", st)
	}
	if st.Listed == 0 || st.Done() != st.Listed {
		t.Errorf("listed %d, done %d: every listed page must be counted once", st.Listed, st.Done())
	}
	if st.Bytes > DefaultMaxBytes+10<<20 {
		t.Errorf("read %d bytes: the size limit did not stop the big page", st.Bytes)
	}
}

func TestRateLimit(t *testing.T) {
	tests := []struct {
		name string
		rate float64
		gap  time.Duration // least gap between requests
	}{
		{"10/s", 10, 95 * time.Millisecond},
		{"25/s", 25, 38 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := newTestSite(t)
			o := testOptions()
			o.Rate = tt.rate
			c := New(o)
			entries := []Entry{}
			for _, p := range []string{"/a/1.html", "/a/2.html", "/a/3.html", "/a/4.html", "/a/t.txt", "/a/gone.html"} {
				entries = append(entries, Entry{Loc: site.srv.URL + p})
			}
			if err := c.crawlEntries(context.Background(), entries, newRecorder()); err != nil {
				t.Fatal(err)
			}
			site.mu.Lock()
			defer site.mu.Unlock()
			for i := 1; i < len(site.times); i++ {
				if gap := site.times[i].Sub(site.times[i-1]); gap < tt.gap {
					t.Errorf("request %d came %v after the one before, want ≥ %v", i, gap, tt.gap)
				}
			}
		})
	}
}

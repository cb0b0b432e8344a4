package crawl

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/wensou/wensou/corpus"
)

// validatorSite serves two pages with an ETag and a Last-Modified and
// answers a matching conditional request with 304; it logs each page
// request's conditional headers.
type validatorSite struct {
	srv   *httptest.Server
	mu    sync.Mutex
	conds map[string][2]string // path → If-None-Match, If-Modified-Since
	child map[string]int       // child sitemap path → forced status
}

const testLastMod = "Tue, 01 Jul 2025 08:00:00 GMT"

func newValidatorSite(t *testing.T) *validatorSite {
	s := &validatorSite{conds: map[string][2]string{}, child: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *validatorSite) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch p := r.URL.Path; p {
	case "/sitemap.xml":
		fmt.Fprintf(w, `<?xml version="1.0"?><sitemapindex><sitemap><loc>%[1]s/s1.xml</loc></sitemap><sitemap><loc>%[1]s/s2.xml</loc></sitemap></sitemapindex>`, s.srv.URL)
	case "/s1.xml", "/s2.xml":
		if code := s.child[p]; code != 0 {
			http.Error(w, "no", code)
			return
		}
		fmt.Fprintf(w, `<?xml version="1.0"?><urlset><url><loc>%s/a/%s.html</loc></url></urlset>`, s.srv.URL, p[2:3])
	case "/a/1.html", "/a/2.html":
		s.conds[p] = [2]string{r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since")}
		etag := `"v1-` + p[3:4] + `"`
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", testLastMod)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<html><head><title>第%s篇</title></head><body><p>正文%s</p></body></html>`, p[3:4], p[3:4])
	default:
		http.NotFound(w, r)
	}
}

// TestConditionalRequests: a run with the validators of the one before
// sends If-None-Match and If-Modified-Since for every page, gets 304s and
// keeps the pages without emitting them; the first run stores the
// validators and the sitemap that listed each page.
func TestConditionalRequests(t *testing.T) {
	site := newValidatorSite(t)
	first := newRecorder()
	c := New(testOptions())
	if err := c.ReadURL(context.Background(), site.srv.URL+"/sitemap.xml", first); err != nil {
		t.Fatal(err)
	}
	d := first.docs["a-1"]
	want := corpus.CrawlState{ETag: `"v1-1"`, LastModified: testLastMod, Sitemap: site.srv.URL + "/s1.xml"}
	if d.Crawl != want {
		t.Fatalf("crawl state %+v, want %+v", d.Crawl, want)
	}
	second := newRecorder()
	second.previous = map[string]corpus.CrawlState{}
	for _, d := range first.docs {
		second.previous[d.Source] = d.Crawl
	}
	c = New(testOptions())
	if err := c.ReadURL(context.Background(), site.srv.URL+"/sitemap.xml", second); err != nil {
		t.Fatal(err)
	}
	for p, h := range site.conds {
		if h[0] != `"v1-`+p[3:4]+`"` || h[1] != testLastMod {
			t.Errorf("%s: conditional headers %q", p, h)
		}
	}
	slices.Sort(second.kept)
	if len(second.docs) != 0 || len(second.kept) != 2 || c.Stats().NotModified != 2 || c.Stats().Fetched != 0 {
		t.Errorf("second run: docs %v, kept %v, stats %+v", second.ids(), second.kept, c.Stats())
	}
}

// TestChildSitemapFails: a child sitemap failing transiently is reported
// and its pages are kept, the other child's pages are crawled; a child
// that is gone keeps nothing.
func TestChildSitemapFails(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		wantListed bool
	}{
		{"503 keeps what it listed", http.StatusServiceUnavailable, true},
		{"500 keeps what it listed", http.StatusInternalServerError, true},
		{"404 is gone", http.StatusNotFound, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := newValidatorSite(t)
			site.child["/s2.xml"] = tt.status
			rec := newRecorder()
			c := New(testOptions())
			if err := c.ReadURL(context.Background(), site.srv.URL+"/sitemap.xml", rec); err != nil {
				t.Fatalf("a failing child sitemap failed the crawl: %v", err)
			}
			s2 := site.srv.URL + "/s2.xml"
			if got := rec.ids(); !slices.Equal(got, []string{"a-1"}) {
				t.Errorf("ids %v", got)
			}
			if _, ok := rec.skips[s2]; !ok || c.Stats().SitemapsFailed != 1 {
				t.Errorf("failed sitemap not reported: skips %v, stats %+v", rec.skips, c.Stats())
			}
			if got := slices.Contains(rec.listed, s2); got != tt.wantListed {
				t.Errorf("kept listed %v, want %v", rec.listed, tt.wantListed)
			}
		})
	}
}

package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// liveSite is a loopback site whose pages and sitemap a test edits.
type liveSite struct {
	mu     sync.Mutex
	pages  map[string]string // path → HTML
	status map[string]int    // path → forced status
	srv    *httptest.Server
}

func newLiveSite(t *testing.T) *liveSite {
	s := &liveSite{pages: map[string]string{}, status: map[string]int{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	for i, title := range []string{"网贷账户注销步骤", "信用卡分期手续费", "借呗提前还款"} {
		p := fmt.Sprintf("/article/%d.html", i+1)
		s.pages[p] = fmt.Sprintf(`<html><head><meta charset="utf-8"><title>%s</title><link rel="canonical" href="%s%s"></head><body><article><p>%s的正文，第%d篇。</p></article></body></html>`, title, s.srv.URL, p, title, i+1)
	}
	return s
}

func (s *liveSite) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code := s.status[r.URL.Path]; code != 0 {
		http.Error(w, "unavailable", code)
		return
	}
	if r.URL.Path == "/sitemap.xml" {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, "<urlset>")
		for p := range s.pages {
			fmt.Fprintf(w, "<url><loc>%s%s</loc></url>", s.srv.URL, p)
		}
		fmt.Fprint(w, "</urlset>")
		return
	}
	page, ok := s.pages[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, page)
}

func crawlRun(t *testing.T, dir, sitemap string) summary {
	t.Helper()
	out, stderr, err := runCLI(t, "index", "--json", "--index", dir, "--crawl-rate", "-1", "--crawl-timeout", "2s", sitemap)
	if err != nil {
		t.Fatalf("index: %v\n%s%s", err, out, stderr)
	}
	var s summary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("summary %q: %v", out, err)
	}
	return s
}

// TestCrawlIncremental: a full crawl, a run over the unchanged site, then
// an edit, a removal from the sitemap and a 503 in one run.
func TestCrawlIncremental(t *testing.T) {
	site := newLiveSite(t)
	dir := t.TempDir()
	sitemap := site.srv.URL + "/sitemap.xml"
	if s := crawlRun(t, dir, sitemap); s.Added != 3 || s.Documents != 3 || s.Crawl == nil || s.Crawl.Fetched != 3 {
		t.Fatalf("first run: %+v", s)
	}
	if s := crawlRun(t, dir, sitemap); s.Unchanged != 3 || s.Added+s.Updated+s.Deleted != 0 || s.Generation != "" && s.Documents != 3 {
		t.Fatalf("second run changed something: %+v", s)
	}
	site.mu.Lock()
	site.pages["/article/1.html"] = strings.Replace(site.pages["/article/1.html"], "正文", "修订后的正文", 1)
	delete(site.pages, "/article/2.html")
	site.status["/article/3.html"] = http.StatusServiceUnavailable
	site.mu.Unlock()
	s := crawlRun(t, dir, sitemap)
	if s.Updated != 1 || s.Deleted != 1 || s.Documents != 2 || s.Crawl.Kept != 1 || s.Crawl.Failed["server_error"] != 1 {
		t.Fatalf("edit, removal and 503: %+v %+v", s, s.Crawl)
	}
}

package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wensou/wensou/crawl"
	"github.com/wensou/wensou/indexer"
)

// liveSite is a loopback site whose pages and sitemap a test edits.
type liveSite struct {
	mu     sync.Mutex
	pages  map[string]string // path → HTML
	status map[string]int    // path → forced status
	srv    *httptest.Server
	log    []request // page requests
}

// request is one logged page request: its conditional headers and the
// status answered.
type request struct {
	path, ifNoneMatch, ifModifiedSince, userAgent string
	status                                        int
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
		s.logRequest(r, code)
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
	etag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(page)))
	w.Header().Set("ETag", etag)
	w.Header().Set("Last-Modified", "Tue, 01 Jul 2025 08:00:00 GMT")
	if r.Header.Get("If-None-Match") == etag {
		s.logRequest(r, http.StatusNotModified)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	s.logRequest(r, http.StatusOK)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, page)
}

func (s *liveSite) logRequest(r *http.Request, status int) {
	if strings.HasPrefix(r.URL.Path, "/article/") {
		s.log = append(s.log, request{r.URL.Path, r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since"), r.UserAgent(), status})
	}
}

// takeLog returns the page requests so far and empties the log.
func (s *liveSite) takeLog() []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.log
	s.log = nil
	return l
}

func crawlRun(t *testing.T, dir, sitemap string, flags ...string) summary {
	t.Helper()
	args := append([]string{"index", "--json", "--index", dir, "--crawl-rate", "-1", "--crawl-timeout", "2s"}, flags...)
	out, stderr, err := runCLI(t, append(args, sitemap)...)
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
	site.takeLog()
	if s := crawlRun(t, dir, sitemap); s.Unchanged != 3 || s.Added+s.Updated+s.Deleted != 0 || s.Generation != "" && s.Documents != 3 ||
		s.Crawl.NotModified != 3 || s.Crawl.Fetched != 0 || s.Articles != 0 {
		t.Fatalf("second run changed or re-analysed something: %+v %+v", s, s.Crawl)
	}
	log := site.takeLog()
	if len(log) != 3 {
		t.Errorf("second run: %d page requests, want 3: %+v", len(log), log)
	}
	for _, r := range log { // only conditional requests, all answered 304
		if r.ifNoneMatch == "" || r.ifModifiedSince == "" || r.status != http.StatusNotModified {
			t.Errorf("second run request %+v: not conditional, or not 304", r)
		}
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

// TestCrawlConfigKeys: the crawl keys of --config FILE tune the crawl of
// `wensou index`, and a --crawl-* flag overrides its key.
func TestCrawlConfigKeys(t *testing.T) {
	site := newLiveSite(t)
	site.status["/article/3.html"] = http.StatusServiceUnavailable
	cfg := filepath.Join(t.TempDir(), "wensou.yaml")
	if err := os.WriteFile(cfg, []byte("crawl:\n  user_agent: site-bot/1 (+https://example.invalid)\n  retries: -1\n  timeout: 2s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	sitemap := site.srv.URL + "/sitemap.xml"
	s := crawlRun(t, t.TempDir(), sitemap, "--config", cfg, "--full")
	if s.Added != 2 || s.Crawl.Failed["server_error"] != 1 {
		t.Fatalf("run: %+v %+v", s, s.Crawl)
	}
	var failing int
	for _, r := range site.takeLog() {
		if r.userAgent != "site-bot/1 (+https://example.invalid)" {
			t.Errorf("request %+v: User-Agent is not crawl.user_agent", r)
		}
		if r.path == "/article/3.html" {
			failing++
		}
	}
	if failing != 1 { // crawl.retries: -1, no retry
		t.Errorf("the 503 page was requested %d times, want 1 (no retries)", failing)
	}
	crawlRun(t, t.TempDir(), sitemap, "--config", cfg, "--full", "--crawl-user-agent", "flag-bot/2")
	for _, r := range site.takeLog() {
		if r.userAgent != "flag-bot/2" {
			t.Errorf("request %+v: --crawl-user-agent did not override crawl.user_agent", r)
		}
	}
}

// TestCrawlFullKeepsTransient: a --full run during which a page answers
// 503 keeps its previous version (copied over, not deleted); its
// requests are unconditional.
func TestCrawlFullKeepsTransient(t *testing.T) {
	site := newLiveSite(t)
	dir := t.TempDir()
	sitemap := site.srv.URL + "/sitemap.xml"
	crawlRun(t, dir, sitemap)
	site.takeLog()
	site.mu.Lock()
	site.status["/article/3.html"] = http.StatusServiceUnavailable
	site.mu.Unlock()
	s := crawlRun(t, dir, sitemap, "--full")
	if s.Documents != 3 || s.Deleted != 0 || s.Crawl.Kept != 1 || s.Crawl.Fetched != 2 {
		t.Fatalf("full run with a 503: %+v %+v", s, s.Crawl)
	}
	for _, r := range site.takeLog() {
		if r.ifNoneMatch != "" || r.ifModifiedSince != "" {
			t.Errorf("full run sent a conditional request: %+v", r)
		}
	}
	out, _, err := runCLI(t, "search", "--index", dir, "--json", "借呗提前还款")
	if err != nil || !strings.Contains(out, "/article/3.html") {
		t.Errorf("kept page not searchable after the full run: %v %s", err, out)
	}
}

// TestReindexJobCrawls: a server's reindex job reads its URL source with
// the configured crawl options (config.CrawlOptions): the User-Agent of
// crawl.user_agent, and an edit of the site lands in the served index.
func TestReindexJobCrawls(t *testing.T) {
	site := newLiveSite(t)
	dir := t.TempDir()
	sitemap := site.srv.URL + "/sitemap.xml"
	crawlRun(t, dir, sitemap)
	site.takeLog()
	ctx := context.Background()
	b, err := openBackendWith(ctx, backendConfig{dir: dir, writable: true, sources: []string{sitemap},
		crawl: crawl.Options{Rate: -1, UserAgent: "reindex-bot/1", Timeout: 2 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	site.mu.Lock()
	site.pages["/article/1.html"] = strings.Replace(site.pages["/article/1.html"], "正文", "修订后的正文", 1)
	site.mu.Unlock()
	job, err := b.Reindex(false)
	if err != nil {
		t.Fatal(err)
	}
	if job, err = b.jobs.Wait(ctx, job.ID); err != nil || job.State != indexer.JobDone {
		t.Fatalf("job %+v: %v", job, err)
	}
	if job.Changes == nil || job.Changes.Updated != 1 || job.Changes.Unchanged != 2 {
		t.Errorf("job changes %+v, want 1 updated and 2 unchanged", job.Changes)
	}
	log := site.takeLog()
	if len(log) != 3 {
		t.Fatalf("%d page requests, want 3: %+v", len(log), log)
	}
	for _, r := range log {
		if r.userAgent != "reindex-bot/1" {
			t.Errorf("request %+v: not the configured User-Agent", r)
		}
	}
}

package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/wensou/wensou/corpus"
)

// TestCrawl100kNumbers measures issue 17's memory number: a real `wensou
// index` process crawling a loopback site of WENSOU_CRAWL_PAGES pages
// (default 100,000) listed by a sitemap index of 50,000-URL sitemaps, at
// an unlimited rate; then the incremental run over the unchanged site
// (all conditional requests, answered 304). It reports pages/s, CPU-s and
// the peak RSS of each run (opt-in: WENSOU_CRAWL_BENCH=1).
func TestCrawl100kNumbers(t *testing.T) {
	if os.Getenv("WENSOU_CRAWL_BENCH") == "" {
		t.Skip("set WENSOU_CRAWL_BENCH=1 (WENSOU_CRAWL_PAGES pages, default 100000)")
	}
	pages := 100_000
	if s := os.Getenv("WENSOU_CRAWL_PAGES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatal(err)
		}
		pages = n
	}
	site := newBigSite(t, pages)
	dir := t.TempDir()
	for _, run := range []string{"full", "incremental"} {
		before := site.served.Load()
		args := []string{"index", "--json", "--index", dir, "--crawl-rate", "-1", "--crawl-concurrency", "4", site.srv.URL + "/sitemap.xml"}
		if run == "full" {
			args = append(args, "--full")
		}
		r := runMeasured(t, args...)
		var s summary
		if err := json.Unmarshal(r.out, &s); err != nil {
			t.Fatalf("%s: summary %q: %v", run, r.out, err)
		}
		c := s.Crawl
		if c == nil || c.Listed != int64(pages) || c.Done() != int64(pages) {
			t.Fatalf("%s: crawl %+v, want %d pages listed and done", run, c, pages)
		}
		t.Logf("%s run: %d pages in %.1f s (%.0f pages/s; fetched %d, 304 %d; %d page bodies served), %.1f CPU-s (%.2f ms per page), peak RSS %d MB (anon %d, file %d); %d documents, %d added, %d unchanged",
			run, pages, r.wall.Seconds(), float64(pages)/r.wall.Seconds(), c.Fetched, c.NotModified, site.served.Load()-before,
			r.cpu.Seconds(), r.cpu.Seconds()*1000/float64(pages), r.maxRSS>>20, r.anon>>20, r.file>>20, s.Documents, s.Added, s.Unchanged)
	}
}

// measured is a finished process: its stdout, wall time, CPU and peak RSS.
type measured struct {
	out    []byte
	wall   time.Duration
	cpu    time.Duration
	maxRSS int64 // bytes
	// anon and file are the largest RssAnon and RssFile seen (sampled
	// every 50 ms): the heap, and the index's mapped files, which the
	// kernel can drop.
	anon, file int64
}

// samplePeak polls /proc/PID/status until the returned func is called,
// which gives the largest RssAnon and RssFile seen, in bytes.
func samplePeak(pid int) func() (anon, file int64) {
	var maxAnon, maxFile atomic.Int64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
				for _, line := range strings.Split(string(b), "\n") {
					k, v, _ := strings.Cut(line, ":")
					n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
					switch k {
					case "RssAnon":
						maxAnon.Store(max(maxAnon.Load(), n<<10))
					case "RssFile":
						maxFile.Store(max(maxFile.Load(), n<<10))
					}
				}
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() (int64, int64) { close(done); <-stopped; return maxAnon.Load(), maxFile.Load() }
}

// runMeasured runs the built binary with args.
func runMeasured(t *testing.T, args ...string) measured {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Stderr = os.Stderr
	var stdout strings.Builder
	cmd.Stdout = &stdout
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	peak := samplePeak(cmd.Process.Pid)
	err := cmd.Wait()
	m := measured{out: []byte(stdout.String()), wall: time.Since(start)}
	m.anon, m.file = peak()
	if err != nil {
		t.Fatalf("wensou %s: %v\n%s", strings.Join(args, " "), err, m.out)
	}
	m.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.maxRSS = ru.Maxrss << 10 // KiB on Linux
	}
	return m
}

// bigSite serves n generated article pages (ETag and Last-Modified, 304
// on a match) listed by a sitemap index of sitemaps of 50,000 URLs.
type bigSite struct {
	srv    *httptest.Server
	n      int
	text   []rune
	served atomic.Int64 // page bodies sent (not 304s)
}

const urlsPerSitemap = 50_000

func newBigSite(t *testing.T, n int) *bigSite {
	raw, err := fs.ReadFile(corpus.SampleFS(), "how-to-close-online-loan-account.txt")
	if err != nil {
		t.Fatal(err)
	}
	s := &bigSite{n: n, text: []rune(strings.Join(strings.Fields(string(raw)), ""))}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *bigSite) serve(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/sitemap.xml":
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><sitemapindex>`)
		for i := 0; i*urlsPerSitemap < s.n; i++ {
			fmt.Fprintf(w, "<sitemap><loc>%s/sitemap-%d.xml</loc></sitemap>", s.srv.URL, i)
		}
		fmt.Fprint(w, "</sitemapindex>")
	case strings.HasPrefix(p, "/sitemap-"):
		i, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(p, "/sitemap-"), ".xml"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><urlset>`)
		for k := i * urlsPerSitemap; k < min(s.n, (i+1)*urlsPerSitemap); k++ {
			fmt.Fprintf(w, "<url><loc>%s/a/%d.html</loc><lastmod>2025-07-01</lastmod></url>", s.srv.URL, k)
		}
		fmt.Fprint(w, "</urlset>")
	case strings.HasPrefix(p, "/a/"):
		k, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(p, "/a/"), ".html"))
		if err != nil || k < 0 || k >= s.n {
			http.NotFound(w, r)
			return
		}
		s.page(w, r, k)
	default:
		http.NotFound(w, r)
	}
}

// page k: a title and about 600 characters of the seed's text from an
// offset of its own, so pages differ.
func (s *bigSite) page(w http.ResponseWriter, r *http.Request, k int) {
	etag := fmt.Sprintf(`"p%d"`, k)
	w.Header().Set("ETag", etag)
	w.Header().Set("Last-Modified", "Tue, 01 Jul 2025 08:00:00 GMT")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	s.served.Add(1)
	off := (k * 37) % (len(s.text) - 700)
	body := string(s.text[off : off+600])
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!DOCTYPE html><html><head><meta charset="utf-8"><title>第%d篇：%s</title><link rel="canonical" href="%s/a/%d.html"></head>`+
		`<body><article><h1>第%d篇：%s</h1><p>发布时间：2025-07-01</p><p>%s</p><p>编号%d。</p></article></body></html>`,
		k, string(s.text[off:off+12]), s.srv.URL, k, k, string(s.text[off:off+12]), body, k)
}

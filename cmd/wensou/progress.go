package main

import (
	"github.com/wensou/wensou/crawl"

	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// progress reports an index run. On a terminal it redraws one line (a
// bar, documents, MB/s, ETA) at most every redrawEvery and ends it with a
// newline, so the summary starts on a line of its own; otherwise it logs
// a line every logEvery. The total is the sources' size on disk, the
// progress the text analysed: the bar and the ETA are estimates, held
// below 100% until the run ends.
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	terminal bool
	logger   *slog.Logger
	now      func() time.Time
	total    int64
	start    time.Time
	last     time.Time // of the last redraw or log line
	docs     int
	bytes    int64
	drawn    bool               // a bar line is on screen, not yet ended
	crawl    func() crawl.Stats // a URL crawl's live counts; nil: none
}

const (
	redrawEvery = 100 * time.Millisecond
	logEvery    = 2 * time.Second
	barWidth    = 24
)

// newProgress reports on w (a bar when terminal) or through logger.
func newProgress(w io.Writer, terminal bool, logger *slog.Logger, now func() time.Time, total int64) *progress {
	t := now()
	return &progress{w: w, terminal: terminal, logger: logger, now: now, total: total, start: t, last: t}
}

// watchCrawl adds a crawl's counts to the report and refreshes it while
// pages are fetched but no document comes (a slow site, 304s) until stop
// is called.
func (p *progress) watchCrawl(stats func() crawl.Stats) (stop func()) {
	p.mu.Lock()
	p.crawl = stats
	p.mu.Unlock()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(redrawEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				p.tick()
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// tick reports the crawl's counts when due, with no new document.
func (p *progress) tick() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.report()
}

// update is an indexer.Options.Progress callback.
func (p *progress) update(docs int, bytes int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.docs, p.bytes = docs, bytes
	p.report()
}

// report redraws the bar, or logs a line, when it is due.
func (p *progress) report() {
	t := p.now()
	if p.terminal {
		if !p.drawn || t.Sub(p.last) >= redrawEvery {
			p.last = t
			p.draw(t, false)
		}
		return
	}
	if t.Sub(p.last) >= logEvery {
		p.last = t
		secs := t.Sub(p.start).Seconds()
		attrs := []any{"documents", p.docs, "docs_per_s", int(float64(p.docs) / secs),
			"mb_per_s", fmt.Sprintf("%.2f", float64(p.bytes)/1e6/secs)}
		if p.crawl != nil {
			st := p.crawl()
			attrs = append(attrs, "pages_done", st.Done(), "pages_listed", st.Listed, "fetched", st.Fetched,
				"not_modified", st.NotModified, "skipped_by_robots", st.SkippedRobots, "failed", failedCount(st),
				"requests_per_s", fmt.Sprintf("%.1f", st.RequestsPerS))
		}
		p.logger.Info("indexing", attrs...)
	}
}

// failedCount sums a crawl's failures over their reasons.
func failedCount(st crawl.Stats) int {
	n := 0
	for _, f := range st.Failed {
		n += f
	}
	return n
}

// finish ends the report: on a terminal the bar is drawn complete (ok) or
// erased (the run failed), and the line is ended.
func (p *progress) finish(ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.terminal {
		return
	}
	if !ok {
		if p.drawn {
			fmt.Fprint(p.w, "\r\x1b[K")
		}
		return
	}
	p.draw(p.now(), true)
	fmt.Fprintln(p.w)
}

// draw writes the bar line over the previous one.
func (p *progress) draw(t time.Time, done bool) {
	p.drawn = true
	elapsed := t.Sub(p.start)
	var st *crawl.Stats
	if p.crawl != nil {
		s := p.crawl()
		st = &s
	}
	frac := 1.0
	if !done {
		frac = p.fraction(st)
	}
	fill := int(frac * barWidth)
	bar := "[" + strings.Repeat("=", fill) + strings.Repeat(" ", barWidth-fill) + "]"
	line := fmt.Sprintf("indexing %3.0f%% %s %s  %s", frac*100, bar, plural(p.docs, "doc", "docs"), rate(p.bytes, elapsed))
	if st != nil {
		line += fmt.Sprintf("  pages %d/%d (304 %d, robots %d, failed %d) %.1f req/s",
			st.Done(), st.Listed, st.NotModified, st.SkippedRobots, failedCount(*st), st.RequestsPerS)
	}
	switch {
	case done:
		line += "  " + clock(elapsed)
	case frac > 0:
		line += "  ETA " + clock(time.Duration(float64(elapsed)*(1-frac)/frac))
	}
	fmt.Fprint(p.w, "\r\x1b[K"+line)
}

// fraction estimates how far the run is, below 1: by the bytes of the
// source files, else by the crawl's pages.
func (p *progress) fraction(st *crawl.Stats) float64 {
	switch {
	case p.total > 0:
		return min(float64(p.bytes)/float64(p.total), 0.99)
	case st != nil && st.Listed > 0:
		return min(float64(st.Done())/float64(st.Listed), 0.99)
	}
	return 0
}

// rate is bytes per elapsed as MB/s.
func rate(bytes int64, elapsed time.Duration) string {
	if elapsed <= 0 {
		return "– MB/s"
	}
	return fmt.Sprintf("%.1f MB/s", float64(bytes)/1e6/elapsed.Seconds())
}

// clock formats d as m:ss.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// sourceBytes sums the sizes of the files under sources.
func sourceBytes(sources []string) int64 {
	var total int64
	for _, s := range sources {
		if crawl.IsURL(s) {
			continue
		}
		_ = filepath.WalkDir(s, func(_ string, e fs.DirEntry, err error) error {
			if err == nil && !e.IsDir() {
				if info, ierr := e.Info(); ierr == nil {
					total += info.Size()
				}
			}
			return nil // an unreadable entry only makes the estimate smaller
		})
	}
	return total
}

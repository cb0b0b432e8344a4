package main

import (
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"
)

// progress reports an index run: a bar (documents, MB/s, ETA) on a
// terminal, a log line every few seconds otherwise. The ETA is an estimate:
// the total is the sources' size on disk, the progress the text analysed.
type progress struct {
	mu    sync.Mutex
	bar   *progressbar.ProgressBar
	start time.Time
	last  time.Time
}

func newProgress(w io.Writer, sources []string) *progress {
	p := &progress{start: time.Now(), last: time.Now()}
	if f, ok := w.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		p.bar = progressbar.NewOptions64(sourceBytes(sources), progressbar.OptionSetWriter(w),
			progressbar.OptionShowBytes(true), progressbar.OptionSetDescription("indexing"),
			progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
	}
	return p
}

// update is an indexer.Options.Progress callback.
func (p *progress) update(docs int, bytes int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("indexing %d docs", docs))
		_ = p.bar.Set64(bytes) // the bar only fails on a closed writer; the run goes on
		return
	}
	if time.Since(p.last) >= 2*time.Second {
		p.last = time.Now()
		secs := time.Since(p.start).Seconds()
		slog.Info("indexing", "documents", docs, "docs_per_s", int(float64(docs)/secs),
			"mb_per_s", fmt.Sprintf("%.2f", float64(bytes)/1e6/secs))
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish() // see update
	}
}

// sourceBytes sums the sizes of the files under sources.
func sourceBytes(sources []string) int64 {
	var total int64
	for _, s := range sources {
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

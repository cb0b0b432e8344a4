// Command bleve indexes a wensou JSONL corpus (id, title, author, body per
// line) with Bleve v2's cjk analyzer, in batches, and prints one JSON line
// with documents, seconds, CPU seconds and documents per second. It is the
// peer of issue 12's side-by-side: scripts/bench.sh runs it when BLEVE=1 and
// it has its own go.mod, so the wensou module does not depend on Bleve.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/mapping"
)

type doc struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Author string `json:"author"`
	Body   string `json:"body"`
}

func main() {
	dir := flag.String("index", "", "index directory (must not exist)")
	batch := flag.Int("batch", 1000, "documents per batch")
	defaults := flag.Bool("defaults", false, "keep Bleve's default mapping options (_all field, doc values, dynamic fields)")
	flag.Parse()
	if *dir == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: bleve --index DIR FILE.jsonl...")
		os.Exit(2)
	}
	if err := run(*dir, *batch, *defaults, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "bleve:", err)
		os.Exit(1)
	}
}

// newMapping is the cjk mapping of title, author and body; defaults keeps
// Bleve's own defaults (an _all field, doc values, dynamic fields).
func newMapping(defaults bool) *mapping.IndexMappingImpl {
	m := bleve.NewIndexMapping()
	m.DefaultAnalyzer = cjk.AnalyzerName
	if defaults {
		return m
	}
	// What wensou does too: title, author and body stored, with term
	// vectors for highlighting; no _all field, no doc values on text, no
	// dynamic fields (the id is the document id, not a field).
	m.IndexDynamic, m.StoreDynamic, m.DocValuesDynamic = false, false, false
	dm := bleve.NewDocumentMapping()
	dm.Dynamic = false
	for _, f := range []string{"title", "author", "body"} {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = cjk.AnalyzerName
		fm.IncludeInAll = false
		fm.DocValues = false
		dm.AddFieldMappingsAt(f, fm)
	}
	m.DefaultMapping = dm
	return m
}

func run(dir string, batchSize int, defaults bool, files []string) error {
	start := time.Now()
	idx, err := bleve.New(dir, newMapping(defaults))
	if err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	n, bytes := 0, 0
	b := idx.NewBatch()
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return fmt.Errorf("open %s: %w", name, err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			var d doc
			if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
				f.Close()
				return fmt.Errorf("%s: %w", name, err)
			}
			bytes += len(d.Title) + len(d.Author) + len(d.Body)
			if err := b.Index(d.ID, d); err != nil {
				f.Close()
				return fmt.Errorf("index %s: %w", d.ID, err)
			}
			n++
			if b.Size() >= batchSize {
				if err := idx.Batch(b); err != nil {
					f.Close()
					return fmt.Errorf("batch: %w", err)
				}
				b = idx.NewBatch()
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
	}
	if b.Size() > 0 {
		if err := idx.Batch(b); err != nil {
			return fmt.Errorf("batch: %w", err)
		}
	}
	if err := idx.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	secs := time.Since(start).Seconds()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return fmt.Errorf("getrusage: %w", err)
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	return json.NewEncoder(os.Stdout).Encode(map[string]any{
		"documents": n, "bytes": bytes, "seconds": secs, "cpu_seconds": cpu,
		"docs_per_s": float64(n) / secs, "peak_rss_mb": ru.Maxrss / 1024,
	})
}

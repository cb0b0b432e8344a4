package indexer

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/segment"
)

// Benchmarks of the indexing path with the real Chinese analysis. The
// end-to-end figures (full rebuilds of the bench corpora, peak RSS) come
// from `wensou bench`; see docs/BENCHMARKS.md.

var benchSeg = sync.OnceValues(func() (*segment.Segmenter, error) { return segment.New(segment.Config{}) })

func benchSegmenter(b *testing.B) *segment.Segmenter {
	b.Helper()
	s, err := benchSeg()
	if err != nil {
		b.Fatalf("segment.New: %v", err)
	}
	return s
}

// benchDocs returns the embedded sample (the article and its 99 related
// entries) repeated to n documents with fresh ids.
func benchDocs(b *testing.B, n int) ([]corpus.Document, int64) {
	b.Helper()
	sample, err := corpus.Sample()
	if err != nil {
		b.Fatal(err)
	}
	out := make([]corpus.Document, n)
	var bytes int64
	for i := range out {
		d := sample[i%len(sample)]
		d.ID = fmt.Sprintf("%s-%d", d.ID, i)
		out[i] = d
		bytes += int64(len(d.Title) + len(d.Body))
	}
	return out, bytes
}

func docBytes(docs []corpus.Document) int64 {
	var n int64
	for _, d := range docs {
		n += int64(len(d.Title) + len(d.Body) + len(d.Headings))
	}
	return n
}

// BenchmarkNewDocumentAnalyze maps and analyses one document (what a
// pipeline worker does per document): the sample article (long body) and
// a related entry (title only).
func BenchmarkNewDocumentAnalyze(b *testing.B) {
	s := benchSegmenter(b)
	sample, err := corpus.Sample()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		doc  corpus.Document
	}{{"article", sample[0]}, {"related", sample[1]}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(docBytes([]corpus.Document{c.doc}))
			b.ReportAllocs()
			for b.Loop() {
				bd, err := NewDocument(c.doc, s)
				if err != nil {
					b.Fatal(err)
				}
				bd.Analyze()
			}
		})
	}
}

// BenchmarkBuild writes a full generation of n sample documents into a
// temporary data directory (analysis, batches, fsync, verify, switch).
func BenchmarkBuild(b *testing.B) {
	s := benchSegmenter(b)
	for _, n := range []int{1000, 5000} {
		docs, bytes := benchDocs(b, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.SetBytes(bytes)
			b.ReportAllocs()
			for b.Loop() {
				b.StopTimer()
				d, err := OpenDir(b.TempDir())
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, _, err := d.Build(context.Background(), feed(docs), s, Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "docs/s")
		})
	}
}

// BenchmarkMemory is the same write into an in-memory index (no fsync):
// analysis plus bluge's segment building.
func BenchmarkMemory(b *testing.B) {
	s := benchSegmenter(b)
	docs, bytes := benchDocs(b, 5000)
	b.SetBytes(bytes)
	b.ReportAllocs()
	for b.Loop() {
		w, _, err := Memory(context.Background(), feed(docs), s, Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		w.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkBuildPoetry rebuilds the first 20,000 poems of the bench corpus
// (WENSOU_BENCH_CORPUS, default /tmp/wensou-bench/corpus; skipped when
// absent; WENSOU_BENCH_POEMS=N for another count) with 1 and 2 batch writers: the profile target for the real
// indexing mix. cpu-s/op (user+system time of the process) is less
// sensitive than ns/op to other load on the machine.
func BenchmarkBuildPoetry(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("WENSOU_BENCH_POEMS")); err == nil && v > 0 {
		n = v // the whole corpus: 80000
	}
	docs := readPoetry(b, benchCorpus("poetry.jsonl"), n)
	s := benchSegmenter(b)
	for _, opt := range []Options{{SegmentBytes: -1, Writers: 1}, {SegmentBytes: -1, Writers: 2}, {}, {SegmentBytes: 1 << 30}} {
		name := fmt.Sprintf("batches-writers=%d", opt.Writers)
		if opt.SegmentBytes >= 0 {
			name = fmt.Sprintf("accumulated-%dMiB", opt.withDefaults().SegmentBytes>>20)
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(docBytes(docs))
			b.ReportAllocs()
			cpu0 := cpuSeconds()
			resetPeakRSS()
			for b.Loop() {
				b.StopTimer()
				d, err := OpenDir(b.TempDir())
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, _, err := d.Build(context.Background(), feed(docs), s, opt); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "docs/s")
			b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
			b.ReportMetric(peakRSS(), "peak-RSS-MB")
		})
	}
}

// benchCorpusDir is WENSOU_BENCH_CORPUS, default /tmp/wensou-bench/corpus.
func benchCorpusDir() string {
	if dir := os.Getenv("WENSOU_BENCH_CORPUS"); dir != "" {
		return dir
	}
	return "/tmp/wensou-bench/corpus"
}

// resetPeakRSS resets the process's VmHWM (Linux: clear_refs 5), so that
// peakRSS reports the peak of what follows.
func resetPeakRSS() {
	runtime.GC()
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSS is VmHWM in MB (0 where /proc is missing).
func peakRSS() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

// cpuSeconds is the user+system CPU time of this process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func readPoetry(b testing.TB, path string, limit int) []corpus.Document {
	b.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.Skipf("bench corpus: %v (build it with scripts/bench.sh)", err)
	}
	defer f.Close()
	var out []corpus.Document
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() && len(out) < limit {
		var j struct{ ID, Title, Body string }
		if err := json.Unmarshal(sc.Bytes(), &j); err != nil {
			b.Fatal(err)
		}
		out = append(out, corpus.Document{ID: j.ID, Kind: corpus.KindArticle, Title: j.Title, Body: j.Body})
	}
	return out
}

// TestParallelWriters checks a build with several batch writers: every
// document once, repeated ids skipped, the same count as with one writer.
func TestParallelWriters(t *testing.T) {
	docs := append(testDocs(503, "w"), testDocs(20, "w")...) // 20 repeated ids
	for _, writers := range []int{1, 3} {
		d, err := OpenDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		_, ch, err := d.Build(context.Background(), feed(docs), plainAnalyzers{}, Options{BatchSize: 7, Writers: writers})
		if err != nil {
			t.Fatalf("writers=%d: %v", writers, err)
		}
		if ch.Documents != 503 {
			t.Errorf("writers=%d: %d documents, want 503", writers, ch.Documents)
		}
		h, err := d.OpenReaders()
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, h); n != 503 {
			t.Errorf("writers=%d: index holds %d documents, want 503", writers, n)
		}
		h.Close()
	}
}

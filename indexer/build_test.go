package indexer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"testing"
	"time"

	"github.com/wensou/wensou/corpus"
)

func TestBuildSwitchesGenerations(t *testing.T) {
	d, err := OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Current(); !errors.Is(err, ErrNoGeneration) {
		t.Fatalf("Current on an empty dir = %v, want ErrNoGeneration", err)
	}
	g1 := build(t, d, testDocs(20, "a"))
	h, err := d.OpenReaders()
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if got := count(t, h); got != 20 {
		t.Fatalf("count = %d, want 20", got)
	}
	g2 := build(t, d, testDocs(30, "b"))
	if g1 == g2 {
		t.Fatalf("second build reused generation name %s", g1)
	}
	switched, err := d.Refresh(h)
	if err != nil || !switched {
		t.Fatalf("Refresh = %v, %v; want switch", switched, err)
	}
	if got := count(t, h); got != 30 {
		t.Fatalf("after switch count = %d, want 30", got)
	}
	build(t, d, testDocs(5, "c"))
	gens, _ := d.Generations()
	if want := []string{g2, "gen-000003"}; !reflect.DeepEqual(gens, want) {
		t.Errorf("generations after prune = %v, want %v (current and previous)", gens, want)
	}
}

func TestBuildDuplicateIDsKeepFirst(t *testing.T) {
	d, _ := OpenDir(t.TempDir())
	docs := append(testDocs(3, "a"), testDocs(3, "a")...)
	name, ch, err := d.Build(context.Background(), feed(docs), plainAnalyzers{}, Options{})
	if err != nil || ch.Documents != 3 {
		t.Fatalf("Build = %s, %+v, %v; want 3 documents", name, ch, err)
	}
}

func TestEmptyBuildSwitchesNothing(t *testing.T) {
	d, _ := OpenDir(t.TempDir())
	g1 := build(t, d, testDocs(4, "a"))
	_, _, err := d.Build(context.Background(), feed(nil), plainAnalyzers{}, Options{})
	if !errors.Is(err, ErrEmptyBuild) {
		t.Fatalf("empty Build error = %v, want ErrEmptyBuild", err)
	}
	if cur, _ := d.Current(); cur != g1 {
		t.Fatalf("current = %s after empty build, want %s", cur, g1)
	}
	assertNoTemp(t, d)
}

func TestCancelledBuildKeepsServedGeneration(t *testing.T) {
	d, _ := OpenDir(t.TempDir())
	g1 := build(t, d, testDocs(4, "a"))
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan corpus.Document)
	go func() {
		for _, doc := range testDocs(50, "b") {
			ch <- doc
		}
		cancel()
		time.Sleep(10 * time.Millisecond)
		close(ch)
	}()
	if _, _, err := d.Build(ctx, ch, plainAnalyzers{}, Options{BatchSize: 10}); err == nil {
		t.Fatal("cancelled Build succeeded")
	}
	if cur, _ := d.Current(); cur != g1 {
		t.Fatalf("current = %s after cancelled build, want %s", cur, g1)
	}
	assertNoTemp(t, d)
}

func TestLeftoverTempIsCleaned(t *testing.T) {
	d, _ := OpenDir(t.TempDir())
	junk := d.GenPath("gen-000009" + tmpSuffix)
	if err := os.MkdirAll(junk, 0o755); err != nil {
		t.Fatal(err)
	}
	if name := build(t, d, testDocs(2, "a")); name != "gen-000001" {
		t.Errorf("new generation %s, want gen-000001", name)
	}
	assertNoTemp(t, d)
}

func assertNoTemp(t *testing.T, d *Dir) {
	t.Helper()
	left, _ := filepath.Glob(filepath.Join(d.Path(), "*"+tmpSuffix))
	if len(left) > 0 {
		t.Errorf("temporary generations left behind: %v", left)
	}
}

func TestReadersSwapWaitsForInFlight(t *testing.T) {
	d, _ := OpenDir(t.TempDir())
	build(t, d, testDocs(3, "a"))
	h, err := d.OpenReaders()
	if err != nil {
		t.Fatal(err)
	}
	r, release, _ := h.Acquire()
	build(t, d, testDocs(6, "b"))
	if _, err := d.Refresh(h); err != nil {
		t.Fatal(err)
	}
	if n, err := r.Count(); err != nil || n != 3 {
		t.Fatalf("in-flight reader after swap: count %d, %v; want 3 from the old generation", n, err)
	}
	release()
	if got := count(t, h); got != 6 {
		t.Fatalf("new searches see %d, want 6", got)
	}
	h.Close()
	if _, _, err := h.Acquire(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Acquire after Close = %v, want ErrClosed", err)
	}
}

func TestRollback(t *testing.T) {
	d, _ := OpenDir(t.TempDir())
	g1 := build(t, d, testDocs(3, "a"))
	if _, err := d.Rollback(); !errors.Is(err, ErrNoPrevious) {
		t.Fatalf("rollback of the first generation = %v, want ErrNoPrevious", err)
	}
	g2 := build(t, d, testDocs(5, "b"))
	if prev, err := d.Rollback(); err != nil || prev != g1 {
		t.Fatalf("Rollback = %s, %v; want %s", prev, err, g1)
	}
	h, err := d.OpenReaders()
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if got := count(t, h); got != 3 {
		t.Fatalf("after rollback %d documents, want 3", got)
	}
	if gens, _ := d.Generations(); len(gens) != 2 || gens[1] != g2 {
		t.Errorf("generations %v: the rolled-back-from one is kept", gens)
	}
}

// TestBadDocumentFailsTheRun: a document the schema refuses (no id) fails
// the run instead of being dropped, with one worker or many, on disk and in
// memory; nothing is switched.
func TestBadDocumentFailsTheRun(t *testing.T) {
	docs := withSourcesForBad(testDocs(30, "a"))
	docs[7].ID = ""
	for _, workers := range []int{1, 2} {
		d, _ := OpenDir(t.TempDir())
		g1 := build(t, d, testDocs(3, "x"))
		for _, run := range []func(context.Context, <-chan corpus.Document, Analyzers, Options) (string, Changes, error){d.Build, d.Update} {
			if _, _, err := run(context.Background(), feed(docs), plainAnalyzers{}, Options{Workers: workers, BatchSize: 4}); err == nil {
				t.Fatalf("workers=%d: a run with a document without id succeeded", workers)
			}
			if cur, _ := d.Current(); cur != g1 {
				t.Fatalf("workers=%d: a failed run switched to %s", workers, cur)
			}
		}
		if _, n, err := Memory(context.Background(), feed(docs), plainAnalyzers{}, Options{Workers: workers}); err == nil {
			t.Fatalf("workers=%d: Memory dropped the bad document silently (%d written)", workers, n)
		}
	}
}

func withSourcesForBad(docs []corpus.Document) []corpus.Document {
	for i := range docs {
		docs[i].Source, docs[i].Hash = "src", fmt.Sprint(i)
	}
	return docs
}

// TestRunAfterRollbackKeepsTheGoodGeneration: after a rollback, the next
// run keeps the generation it replaced (the good one) for the next
// rollback, not the one rolled back from.
func TestRunAfterRollbackKeepsTheGoodGeneration(t *testing.T) {
	d, _ := OpenDir(t.TempDir())
	good := build(t, d, testDocs(3, "a"))
	build(t, d, testDocs(4, "bad"))
	if _, err := d.Rollback(); err != nil {
		t.Fatal(err)
	}
	g3 := build(t, d, testDocs(5, "c"))
	if gens, _ := d.Generations(); !reflect.DeepEqual(gens, []string{good, g3}) {
		t.Fatalf("generations %v, want %v", gens, []string{good, g3})
	}
	if prev, err := d.Rollback(); err != nil || prev != good {
		t.Fatalf("Rollback = %s, %v; want %s", prev, err, good)
	}
}

// TestOneRunBuildsAtATime: a second run on the same directory while one
// is building fails at once and leaves the first one's work alone.
func TestOneRunBuildsAtATime(t *testing.T) {
	d, _ := OpenDir(t.TempDir())
	build(t, d, testDocs(3, "a"))
	slow := make(chan corpus.Document)
	first := make(chan error, 1)
	go func() {
		_, _, err := d.Build(context.Background(), slow, plainAnalyzers{}, Options{})
		first <- err
	}()
	slow <- testDocs(1, "slow")[0] // the first run is building now
	_, _, err := d.Update(context.Background(), feed(testDocs(2, "b")), plainAnalyzers{}, Options{})
	if !errors.Is(err, ErrBuilding) {
		t.Fatalf("concurrent run: %v, want ErrBuilding", err)
	}
	close(slow)
	if err := <-first; err != nil {
		t.Fatalf("the first run failed: %v", err)
	}
}

// A new index starts as an empty generation (AllowEmpty); documents
// pushed into it survive a re-analysis, which reads no stored sources.
func TestEmptyGenerationTakesPushes(t *testing.T) {
	ctx := context.Background()
	d, _ := OpenDir(t.TempDir())
	name, ch, err := d.Build(ctx, feed(nil), plainAnalyzers{}, Options{AllowEmpty: true})
	if err != nil || name == "" || ch.Documents != 0 {
		t.Fatalf("empty Build = %q, %+v, %v; want a generation of 0 documents", name, ch, err)
	}
	if cur, _ := d.Current(); cur != name {
		t.Fatalf("current = %q, want %q", cur, name)
	}
	x, err := d.OpenWritable(func() Analyzers { return plainAnalyzers{} })
	if err != nil {
		t.Fatalf("OpenWritable on the empty generation: %v", err)
	}
	defer x.Close()
	if err := x.Put(ctx, testDocs(3, "p")); err != nil {
		t.Fatalf("Put: %v", err)
	}
	ch, err = x.Reanalyze(ctx, Options{})
	if err != nil || ch.Documents != 3 {
		t.Fatalf("Reanalyze of pushed documents = %+v, %v; want 3 documents", ch, err)
	}
}

// TestMemoryLimit: an accumulating full run's soft memory limit leaves
// room above its accumulator (a limit below the live heap makes the
// collector run back to back); batch runs keep fullRunMemoryLimit.
func TestMemoryLimit(t *testing.T) {
	for _, c := range []struct {
		name       string
		opt        Options
		accumulate bool
		want       int64
	}{
		{"batch segments", Options{}, false, fullRunMemoryLimit},
		{"default accumulator", Options{}, true, 896 << 20},
		{"a small accumulator", Options{SegmentBytes: 64 << 20}, true, fullRunMemoryLimit},
		{"a large accumulator", Options{SegmentBytes: 1 << 30}, true, 1792 << 20},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := memoryLimit(c.opt, c.accumulate)
			if got != c.want {
				t.Errorf("memoryLimit = %d MiB, want %d MiB", got>>20, c.want>>20)
			}
			if c.accumulate && got < int64(c.opt.withDefaults().SegmentBytes)*3/2 {
				t.Errorf("limit %d MiB leaves less than half the accumulator as room", got>>20)
			}
		})
	}
}

// TestRoomAbove: after a segment is written the limit rises to the live
// heap plus the room asked for, never above the process's own limit, and
// restore puts both settings back.
func TestRoomAbove(t *testing.T) {
	pct := debug.SetGCPercent(100)
	defer debug.SetGCPercent(pct)
	own := debug.SetMemoryLimit(8 << 30)
	defer debug.SetMemoryLimit(own)
	g := raiseGC(200, 1<<20)
	if got := debug.SetMemoryLimit(-1); got != 1<<20 {
		t.Fatalf("limit %d, want 1 MiB", got)
	}
	g.roomAbove(64 << 20)
	if got := debug.SetMemoryLimit(-1); got < 64<<20 || got >= 8<<30 {
		t.Errorf("after roomAbove(64 MiB): limit %d", got)
	}
	g.roomAbove(16 << 30)
	if got := debug.SetMemoryLimit(-1); got != 8<<30 {
		t.Errorf("room past GOMEMLIMIT: limit %d, want the process's 8 GiB", got)
	}
	g.restore()
	if got, p := debug.SetMemoryLimit(-1), debug.SetGCPercent(100); got != 8<<30 || p != 100 {
		t.Errorf("restored: limit %d, GC %d%%; want 8 GiB, 100%%", got, p)
	}
}

package indexer

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// fullRunGCPercent is the GC target of a full run: a build allocates at a
// high rate, and at the default 100 the collector took 12% of its CPU
// (docs/BENCHMARKS.md). fullRunMemoryLimit caps the heap the higher
// target may grow to, so that peak RSS stays within 1 GB.
const (
	fullRunGCPercent   = 200
	fullRunMemoryLimit = 700 << 20
)

// memoryLimit is the soft memory limit a full run starts with:
// fullRunMemoryLimit for batch segments; for an accumulating run,
// accumulatorRoom (896 MiB at the default SegmentBytes: peak RSS 945 MB
// on the 1x corpus). A limit at or below the live heap makes the
// collector run back to back: with 700 MiB under the default accumulator
// the collector took most of the CPU of every run past one accumulator,
// and three times the corpus took 4.3 times as long (docs/BENCHMARKS.md).
func memoryLimit(o Options, accumulate bool) int64 {
	if !accumulate {
		return fullRunMemoryLimit
	}
	return max(fullRunMemoryLimit, accumulatorRoom(o))
}

// accumulatorRoom is what an accumulating run needs above the heap it
// keeps for the whole run (the ids and content keys of the documents
// seen): its accumulator, live until written, and three quarters of it
// again for the garbage of analysis.
func accumulatorRoom(o Options) int64 {
	b := int64(o.withDefaults().SegmentBytes)
	return b + b*3/4
}

// gcTuning is a full run's setting of the collector, and what it replaced.
type gcTuning struct {
	active    bool // false: GOGC was already higher or off; nothing changed
	prevPct   int
	prevLimit int64 // the process's own limit (GOMEMLIMIT), never exceeded
	limit     int64
}

// raiseGC sets the GC percentage to at least pct (a GOGC already higher, or
// off, is kept) under a soft memory limit of at most limit (a lower
// GOMEMLIMIT is kept). restore undoes both.
func raiseGC(pct int, limit int64) *gcTuning {
	prev := debug.SetGCPercent(pct)
	if prev < 0 || prev >= pct {
		debug.SetGCPercent(prev)
		return &gcTuning{}
	}
	g := &gcTuning{active: true, prevPct: prev, prevLimit: debug.SetMemoryLimit(-1)}
	g.setLimit(limit)
	return g
}

func (g *gcTuning) setLimit(limit int64) {
	g.limit = min(g.prevLimit, limit)
	debug.SetMemoryLimit(g.limit)
}

// restore puts back the GC percentage and memory limit raiseGC replaced.
func (g *gcTuning) restore() {
	if !g.active {
		return
	}
	debug.SetGCPercent(g.prevPct)
	debug.SetMemoryLimit(g.prevLimit)
}

// roomAbove, called once an accumulator was written (its memory is
// garbage now), collects and raises the limit to the live heap plus room
// where that is higher: what a run keeps per document (ids, content keys)
// grows with the corpus, and at ten times the bench corpus it had pushed
// the live heap past a fixed limit.
func (g *gcTuning) roomAbove(room int64) {
	if !g.active {
		return
	}
	runtime.GC()
	if live := liveHeap(); live+room > g.limit {
		g.setLimit(live + room)
	}
}

// liveHeap is the heap the last collection marked live.
func liveHeap() int64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}

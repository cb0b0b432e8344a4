package segment

import (
	"runtime"
	"testing"
)

// BenchmarkNew is the dictionary load that every process pays at start
// (`wensou serve` before /readyz, `wensou index` before the first
// document): time, allocations and the live heap the Segmenter keeps.
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	var live float64
	for b.Loop() {
		b.StopTimer()
		before := liveHeap()
		b.StartTimer()
		s, err := New(Config{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		live = liveHeap() - before
		runtime.KeepAlive(s)
		b.StartTimer()
	}
	b.ReportMetric(live/1e6, "live-MB")
}

func liveHeap() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc)
}

package segment

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// BenchmarkNew is the dictionary load that every process pays at start
// (`wensou serve` before /readyz, `wensou index` before the first
// document): time, allocations and the live heap the Segmenter keeps.
// "embedded" uses the prebuilt dictionary in place; "userDict" adds a
// small user dictionary, which rebuilds the word dictionary (what
// `--user-dict` and a dictionary reload cost); "userDictCached" loads that
// build from Config.CacheDir (what a restart costs).
func BenchmarkNew(b *testing.B) {
	user := filepath.Join(b.TempDir(), "user.txt")
	if err := os.WriteFile(user, []byte("征信 5\n花呗借呗 99999\nＸＹＺ公司 300\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		cfg  Config
	}{
		{"embedded", Config{}},
		{"userDict", Config{UserDict: user}},
		{"userDictCached", Config{UserDict: user, CacheDir: b.TempDir()}},
	} {
		b.Run(bc.name, func(b *testing.B) { benchmarkNew(b, bc.cfg) })
	}
}

func benchmarkNew(b *testing.B, cfg Config) {
	b.ReportAllocs()
	var live float64
	for b.Loop() {
		b.StopTimer()
		before := liveHeap()
		b.StartTimer()
		s, err := New(cfg)
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

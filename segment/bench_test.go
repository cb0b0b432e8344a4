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
// "build" builds the base dictionary from the embedded words (the first
// start without a cache directory); "cached" loads it from
// Config.CacheDir (every later start); "userDict" adds a small user
// dictionary, which rebuilds the word dictionary (what `--user-dict` and a
// dictionary reload cost); "userDictCached" loads that build from
// Config.CacheDir.
func BenchmarkNew(b *testing.B) {
	user := filepath.Join(b.TempDir(), "user.txt")
	if err := os.WriteFile(user, []byte("征信 5\n花呗借呗 99999\nＸＹＺ公司 300\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		cfg  Config
	}{
		{"cached", Config{CacheDir: b.TempDir()}},
		{"userDict", Config{UserDict: user}},
		{"userDictCached", Config{UserDict: user, CacheDir: b.TempDir()}},
	} {
		b.Run(bc.name, func(b *testing.B) { benchmarkNew(b, bc.cfg) })
	}
	b.Run("build", func(b *testing.B) {
		n, err := newNormalizer(tsCharacters, tsPhrases)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := buildBase(n); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func benchmarkNew(b *testing.B, cfg Config) {
	if _, err := New(cfg); err != nil { // fills the cache directory
		b.Fatal(err)
	}
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

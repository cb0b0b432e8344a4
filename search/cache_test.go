package search

import (
	"context"
	"reflect"
	"sync"
	"testing"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
)

// step is one action on an engine with a cache, and the cache counters
// expected after it.
type step struct {
	do   string // "search", "explain", "invalidate", "swap"
	q    string
	want CacheStats // Enabled, Hits, Misses, Evictions, Entries (Bytes not compared)
}

func TestResultCache(t *testing.T) {
	on := true
	tests := []struct {
		name  string
		cfg   CacheConfig
		steps []step
	}{
		{"hit after miss, spacing normalised", CacheConfig{}, []step{
			{"search", "注销 网贷", CacheStats{on, 0, 1, 0, 1, 0}},
			{"search", "注销 网贷", CacheStats{on, 1, 1, 0, 1, 0}},
			{"search", "  注销　  网贷 ", CacheStats{on, 2, 1, 0, 1, 0}},
			{"search", "注销", CacheStats{on, 2, 2, 0, 2, 0}},
		}},
		{"explain not cached", CacheConfig{}, []step{
			{"explain", "注销", CacheStats{on, 0, 0, 0, 0, 0}},
			{"explain", "注销", CacheStats{on, 0, 0, 0, 0, 0}},
		}},
		{"invalidate", CacheConfig{}, []step{
			{"search", "注销", CacheStats{on, 0, 1, 0, 1, 0}},
			{"invalidate", "", CacheStats{on, 0, 1, 0, 0, 0}},
			{"search", "注销", CacheStats{on, 0, 2, 0, 1, 0}},
		}},
		{"reader switch empties", CacheConfig{}, []step{
			{"search", "注销", CacheStats{on, 0, 1, 0, 1, 0}},
			{"swap", "", CacheStats{on, 0, 1, 0, 1, 0}},
			{"search", "注销", CacheStats{on, 0, 2, 0, 1, 0}},
			{"search", "注销", CacheStats{on, 1, 2, 0, 1, 0}},
		}},
		{"entries bounded, least recent evicted", CacheConfig{MaxEntries: 2}, []step{
			{"search", "注销", CacheStats{on, 0, 1, 0, 1, 0}},
			{"search", "网贷", CacheStats{on, 0, 2, 0, 2, 0}},
			{"search", "注销", CacheStats{on, 1, 2, 0, 2, 0}},
			{"search", "租机", CacheStats{on, 1, 3, 1, 2, 0}},
			{"search", "注销", CacheStats{on, 2, 3, 1, 2, 0}},
			{"search", "网贷", CacheStats{on, 2, 4, 2, 2, 0}},
		}},
		{"bytes bounded", CacheConfig{MaxBytes: 100}, []step{
			{"search", "注销", CacheStats{on, 0, 1, 0, 0, 0}},
			{"search", "注销", CacheStats{on, 0, 2, 0, 0, 0}},
		}},
		{"disabled", CacheConfig{Disabled: true}, []step{
			{"search", "注销", CacheStats{}},
			{"search", "注销", CacheStats{}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, x := cacheEngine(t, tt.cfg)
			for i, s := range tt.steps {
				runStep(t, e, x, s)
				got := e.CacheStats()
				got.Bytes = 0
				if got != s.want {
					t.Fatalf("step %d %s %q: stats %+v, want %+v", i, s.do, s.q, got, s.want)
				}
			}
		})
	}
}

// cacheEngine indexes the embedded sample in memory, as testEngine does,
// with cfg as the cache configuration.
func cacheEngine(t *testing.T, cfg CacheConfig) (*Engine, *indexer.Writable) {
	t.Helper()
	s := testSegmenter(t)
	sample, err := corpus.Sample()
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan corpus.Document, len(sample))
	for _, d := range sample {
		ch <- d
	}
	close(ch)
	w, _, err := indexer.Memory(context.Background(), ch, s, indexer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	x, err := indexer.NewMemoryWritable(w, func() indexer.Analyzers { return s })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	return New(x.Readers(), func() Analysis { return s }, Config{Cache: cfg}), x
}

func runStep(t *testing.T, e *Engine, x *indexer.Writable, s step) {
	t.Helper()
	switch s.do {
	case "search", "explain":
		if _, err := e.Search(context.Background(), Request{Query: s.q, Explain: s.do == "explain"}); err != nil {
			t.Fatal(err)
		}
	case "invalidate":
		e.InvalidateCache()
	case "swap": // a write swaps in a new reader
		if err := x.Delete(context.Background(), []string{"no-such-document"}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCachedEqualsUncached checks that a cached answer is the uncached
// one, with the request's own query text.
func TestCachedEqualsUncached(t *testing.T) {
	cached, _ := cacheEngine(t, CacheConfig{})
	plain, _ := cacheEngine(t, CacheConfig{Disabled: true})
	for _, req := range []Request{{Query: "注销"}, {Query: "网贷 -注销"}, {Query: "注销", Page: 2, Size: 3, Sort: SortDate}, {Query: "不存在的词语"}} {
		want, err := plain.Search(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			got, err := cached.Search(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			got.Took, got.TookMS, want.Took, want.TookMS = 0, 0, 0, 0
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%+v: cached %+v, want %+v", req, got, want)
			}
		}
	}
	req := Request{Query: " 注销 "}
	got, err := cached.Search(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got.Query != req.Query {
		t.Errorf("query %q, want %q", got.Query, req.Query)
	}
	if st := cached.CacheStats(); st.Hits != 5 || st.Misses != 4 {
		t.Errorf("stats %+v, want 5 hits, 4 misses", st)
	}
}

// TestCacheConcurrent runs searches, switches and invalidations at once
// (for go test -race).
func TestCacheConcurrent(t *testing.T) {
	e, _ := cacheEngine(t, CacheConfig{MaxEntries: 3})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				q := []string{"注销", "网贷", "租机", "账户", "步骤"}[(g+i)%5]
				if _, err := e.Search(context.Background(), Request{Query: q}); err != nil {
					t.Error(err)
				}
				if i%17 == 0 {
					e.InvalidateCache()
				}
			}
		})
	}
	wg.Wait()
	if st := e.CacheStats(); st.Hits+st.Misses != 200 || st.Entries > 3 {
		t.Errorf("stats %+v", st)
	}
}

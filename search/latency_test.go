package search

import (
	"cmp"
	"context"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wensou/wensou/indexer"
)

// Latency of Engine.Search on a real index, as `wensou bench` measures it:
// the bench queries (queries.txt) plus the public judged queries, with
// highlighting. They need an existing data directory, given as
// WENSOU_POETRY_INDEX=DIR (`wensou index --index DIR --full --json
// poetry.jsonl`), opened read only; without it they are skipped.
//
//	WENSOU_POETRY_INDEX=/tmp/x/poetry go test ./search -run '^$' \
//	    -bench BenchmarkSearchPoetry -benchmem -count 5 -cpuprofile cpu.out

const (
	benchQueriesFile = "/tmp/wensou-bench/corpus/queries.txt"
	publicJudged     = "../../shared/eval/public.tsv" // WENSOU_PUBLIC_TSV overrides
)

// latencyQueries reads the bench queries and the public judged queries
// (first column), as cmd/wensou/bench.go's loadQueries does.
func latencyQueries(tb testing.TB) []string {
	tb.Helper()
	var out []string
	public := cmp.Or(os.Getenv("WENSOU_PUBLIC_TSV"), publicJudged)
	for i, p := range []string{benchQueriesFile, public} {
		data, err := os.ReadFile(p)
		if err != nil {
			if i == 1 {
				continue
			}
			tb.Skipf("no bench queries: %v", err)
		}
		for line := range strings.Lines(string(data)) {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			q, _, _ := strings.Cut(line, "\t")
			out = append(out, q)
		}
	}
	return out
}

// latencyEngine opens the data directory named by WENSOU_POETRY_INDEX.
func latencyEngine(tb testing.TB, cfg Config) *Engine {
	tb.Helper()
	dir := os.Getenv("WENSOU_POETRY_INDEX")
	if dir == "" {
		tb.Skip("WENSOU_POETRY_INDEX not set")
	}
	d, err := indexer.OpenDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	h, err := d.OpenReaders()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(h.Close)
	s := testSegmenter(tb)
	return New(h, func() Analysis { return s }, cfg)
}

// BenchmarkSearchPoetry runs every query once per iteration round robin
// and reports the percentiles of the engine's own took.
func BenchmarkSearchPoetry(b *testing.B) {
	for _, c := range []struct {
		name string
		cfg  Config
	}{{"uncached", Config{Cache: CacheConfig{Disabled: true}}}, {"cached", Config{}}} {
		b.Run(c.name, func(b *testing.B) {
			qs := latencyQueries(b)
			e := latencyEngine(b, c.cfg)
			ctx := context.Background()
			for _, q := range qs { // warm-up
				if _, err := e.Search(ctx, Request{Query: q}); err != nil {
					b.Fatal(err)
				}
			}
			took := make([]float64, 0, b.N)
			b.ReportAllocs()
			cpu0 := processCPU(b)
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				res, err := e.Search(ctx, Request{Query: qs[i%len(qs)]})
				if err != nil {
					b.Fatal(err)
				}
				took = append(took, float64(res.Took)/float64(time.Millisecond))
			}
			b.ReportMetric(float64((processCPU(b)-cpu0).Microseconds())/float64(len(took)), "cpu-µs/op")
			slices.Sort(took)
			at := func(p float64) float64 { return took[min(len(took)-1, int(p*float64(len(took))))] }
			b.ReportMetric(at(0.5), "p50-ms")
			b.ReportMetric(at(0.99), "p99-ms")
		})
	}
}

// processCPU is the CPU time (user + system) of the process so far: on a
// shared machine a steadier figure than wall time.
func processCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestDumpPoetry writes every query's full result (as the API returns it,
// took zeroed) as JSON lines to WENSOU_DUMP, for comparing the results
// of two versions of the engine byte for byte.
func TestDumpPoetry(t *testing.T) {
	out := os.Getenv("WENSOU_DUMP")
	if out == "" {
		t.Skip("WENSOU_DUMP not set")
	}
	qs := latencyQueries(t)
	e := latencyEngine(t, Config{Cache: CacheConfig{Disabled: true}})
	var b strings.Builder
	enc := json.NewEncoder(&b)
	for _, q := range slices.Compact(slices.Sorted(slices.Values(qs))) {
		for _, req := range []Request{{Query: q}, {Query: q, Page: 2, Size: 5, Sort: SortDate}} {
			res, err := e.Search(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			res.Took, res.TookMS = 0, 0
			if err := enc.Encode(res); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSlowestPoetry logs the queries with the highest median took over
// five rounds (a profiling aid; it asserts nothing about time).
func TestSlowestPoetry(t *testing.T) {
	if os.Getenv("WENSOU_SLOWEST") == "" {
		t.Skip("WENSOU_SLOWEST not set")
	}
	qs := slices.Compact(slices.Sorted(slices.Values(latencyQueries(t))))
	e := latencyEngine(t, Config{Cache: CacheConfig{Disabled: true}})
	type slow struct {
		q     string
		ms    float64
		total uint64
	}
	var all []slow
	for _, q := range qs {
		var took []float64
		var total uint64
		for range 5 {
			res, err := e.Search(context.Background(), Request{Query: q})
			if err != nil {
				t.Fatal(err)
			}
			took, total = append(took, float64(res.Took)/float64(time.Millisecond)), res.Total
		}
		slices.Sort(took)
		all = append(all, slow{q, took[2], total})
	}
	slices.SortFunc(all, func(a, b slow) int { return int((b.ms - a.ms) * 1000) })
	for _, s := range all[:min(25, len(all))] {
		t.Logf("%8.3f ms  total %6d  %q", s.ms, s.total, s.q)
	}
}

// BenchmarkSearchPoetryQuery runs the one query WENSOU_QUERY (a
// profiling aid for a slow query).
func BenchmarkSearchPoetryQuery(b *testing.B) {
	q := os.Getenv("WENSOU_QUERY")
	if q == "" {
		b.Skip("WENSOU_QUERY not set")
	}
	e := latencyEngine(b, Config{Cache: CacheConfig{Disabled: true}})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Search(context.Background(), Request{Query: q}); err != nil {
			b.Fatal(err)
		}
	}
}

const knownItemsDev = "../../shared/eval/known-item-dev.tsv" // WENSOU_KNOWN_ITEMS overrides

// siteQuestions are questions of the seed site's kind, as visitors type
// them into its search box (up to 64 characters).
var siteQuestions = []string{
	"网贷账户怎么注销", "分期手机逾期怎么办", "花呗能关吗", "借呗怎么提前还款", "信用卡分期可以提前还吗",
	"租机平台不还会怎么样", "网贷逾期了会不会影响征信 怎么补救", "微粒贷怎么注销账户",
	"零首付分期买手机靠谱吗 需要什么条件", "支付宝租机怎么退租", "注销网贷账户后还能借款吗",
	"怎么关闭自动扣款 银行卡 支付宝 微信都绑定了 怎么一次全部解绑 不想再被扣钱了 求助大家",
}

// knownItemQueries reads the dev known-item queries (skipping the
// benchmark when the file is missing).
func knownItemQueries(tb testing.TB) []KnownItem {
	tb.Helper()
	f, err := os.Open(cmp.Or(os.Getenv("WENSOU_KNOWN_ITEMS"), knownItemsDev))
	if err != nil {
		tb.Skipf("no known-item queries: %v", err)
	}
	defer f.Close()
	items, err := ReadKnownItems(f)
	if err != nil {
		tb.Fatal(err)
	}
	return items
}

// BenchmarkSearchRealistic runs the realistic query mix of issue 11 (the
// dev known-item queries of every kind plus the site's questions) on the
// combined bench index named by WENSOU_POETRY_INDEX, cache off, with
// highlighting, and reports the engine's took percentiles and CPU time.
func BenchmarkSearchRealistic(b *testing.B) {
	var qs []string
	for _, it := range knownItemQueries(b) {
		qs = append(qs, it.Query)
	}
	qs = append(qs, siteQuestions...)
	e := latencyEngine(b, Config{Cache: CacheConfig{Disabled: true}})
	ctx := context.Background()
	took := make([]float64, 0, b.N)
	b.ReportAllocs()
	cpu0 := processCPU(b)
	for i := 0; b.Loop(); i++ {
		res, err := e.Search(ctx, Request{Query: qs[i%len(qs)]})
		if err != nil {
			b.Fatal(err)
		}
		took = append(took, float64(res.Took)/float64(time.Millisecond))
	}
	b.ReportMetric(float64((processCPU(b)-cpu0).Microseconds())/float64(len(took)), "cpu-µs/op")
	b.ReportMetric(Percentile(took, 0.5), "p50-ms")
	b.ReportMetric(Percentile(took, 0.99), "p99-ms")
	b.ReportMetric(Percentile(took, 1), "max-ms")
}

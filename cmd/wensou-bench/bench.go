package main

// The end-to-end performance run of issue 5 (see docs/BENCHMARKS.md). It
// measures, in one run on this machine: dictionary load, raw segmentation
// throughput, full rebuilds through the real `wensou index` binary (peak
// RSS of that process), start-up of `wensou serve`, server-side search
// latency, loopback HTTP load and server RSS. Traffic goes to 127.0.0.1
// only; every phase is bounded in time.

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/wensou/wensou/indexer"
	"github.com/wensou/wensou/search"
	"github.com/wensou/wensou/segment"
)

type benchFlags struct {
	corpus, work, makeCorpus, profile, public string
	knownItems                                string // known-item queries of the realistic workload
	wensou                                    string // the wensou binary measured
	wrk                                       string // wrk, the second load generator ("" = from $PATH, if any)
	bleve                                     string // the bench/bleve harness, run beside the poetry rebuild
	duration, soak                            time.Duration
	clients, scale                            int
	realisticOnly, indexingOnly               bool
}

func newBenchCmd() *cobra.Command {
	var f benchFlags
	cmd := &cobra.Command{
		Use:           "wensou-bench --wensou BIN",
		Short:         "Measure indexing, start-up, search latency, HTTP throughput and memory on the bench corpora",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBench(cmd.Context(), cmd.OutOrStdout(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.wensou, "wensou", "", "the wensou binary to measure (default: wensou next to this binary)")
	fl.StringVar(&f.corpus, "corpus", "/tmp/wensou-bench/corpus", "bench corpora (poetry.jsonl, man-zh-html/, queries.txt)")
	fl.StringVar(&f.makeCorpus, "make-corpus", "../shared/bench/make-corpus.sh", "script that builds the corpora when missing")
	fl.StringVar(&f.public, "public", "../shared/eval/public.tsv", "judged queries added to queries.txt (skipped if missing)")
	fl.StringVar(&f.knownItems, "known-items", "../shared/eval/known-item-dev.tsv", "known-item queries of the realistic workload (qid, kind, query, target_id)")
	fl.BoolVar(&f.realisticOnly, "realistic", false, "only the realistic workload: the combined index, took per query kind, HTTP without the cache")
	fl.BoolVar(&f.indexingOnly, "indexing", false, "only the indexing rows (raw segmentation, rebuilds, the Bleve peer, the profiled rebuild)")
	fl.StringVar(&f.bleve, "bleve", "", "the bench/bleve harness binary: index poetry with Bleve v2 right after wensou, in the same run")
	fl.StringVar(&f.work, "work", "/tmp/wensou-bench/run", "scratch directory for indexes (emptied per rebuild)")
	fl.StringVar(&f.profile, "profile", "", "write CPU profiles of an in-process poetry rebuild and of the search pass to this directory")
	fl.StringVar(&f.wrk, "wrk", "", "wrk binary run beside the built-in load generator on the realistic workload (default: wrk on $PATH, skipped if none)")
	fl.DurationVar(&f.duration, "duration", 10*time.Second, "length of each HTTP load run")
	fl.DurationVar(&f.soak, "soak", 0, "then load the server this long (e.g. 10m), reporting RSS and open files every minute")
	fl.IntVar(&f.clients, "clients", 8, "concurrent clients of the second HTTP load run")
	fl.IntVar(&f.scale, "scale", 1, "poetry copies (new ids) to index and serve: 10 for the scale run")
	return cmd
}

// row is one line of the result table; zero fields print as blank.
type row struct {
	what             string
	docsPerS, mbPerS float64
	ratio            float64
	sizeMB           float64
	p50, p95, p99    float64 // ms
	qps              float64
	readyS           float64
	rssMB            float64
	note             string
}

type bench struct {
	f    benchFlags
	out  io.Writer
	bin  string
	rows []row
	raw  float64 // MB/s of the raw segmentation pass
	// poetryRate is the docs/s of the poetry rebuild, the Bleve row's yardstick.
	poetryRate float64
	// rawCPU is MB per CPU-second of that pass: with other load on the
	// machine, CPU time is a steadier yardstick than wall time.
	rawCPU float64
	seg    *segment.Segmenter
	qs     []string
	start  time.Time
}

func runBench(ctx context.Context, out io.Writer, f benchFlags) error {
	bin, err := wensouBinary(f.wensou)
	if err != nil {
		return err
	}
	b := &bench{f: f, out: out, bin: bin, start: time.Now()}
	if err := b.ensureCorpus(ctx); err != nil {
		return err
	}
	if b.qs, err = loadQueries(filepath.Join(f.corpus, "queries.txt"), f.public); err != nil {
		return err
	}
	b.logf("machine: %d CPUs, GOMAXPROCS %d, %s, load %s", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), loadAvg())
	poetry := filepath.Join(f.corpus, "poetry.jsonl")
	if f.scale > 1 {
		if poetry, err = scaleJSONL(poetry, filepath.Join(f.work, fmt.Sprintf("poetry-x%d.jsonl", f.scale)), f.scale); err != nil {
			return err
		}
	}
	steps := []func(context.Context) error{
		b.loadDictionaries,
		func(ctx context.Context) error { return b.rawSegmentation(ctx, poetry) },
		func(ctx context.Context) error { return b.rebuild(ctx, "poetry", poetry) },
	}
	if f.bleve != "" {
		steps = append(steps, func(ctx context.Context) error { return b.bleveRebuild(ctx, poetry) })
	}
	if f.scale == 1 {
		steps = append(steps, func(ctx context.Context) error {
			return b.rebuild(ctx, "man-zh-html", filepath.Join(f.corpus, "man-zh-html"))
		})
	}
	if !f.indexingOnly {
		steps = append(steps, b.searchPass, b.serve, b.realistic)
	}
	if f.realisticOnly {
		steps = []func(context.Context) error{b.loadDictionaries, b.realistic}
	}
	if f.profile != "" {
		steps = append(steps, func(ctx context.Context) error { return b.profileBuild(ctx, poetry) })
	}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			b.print()
			return err
		}
	}
	b.print()
	return nil
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%6.1fs] "+format+"\n", append([]any{time.Since(b.start).Seconds()}, args...)...)
}

func (b *bench) ensureCorpus(ctx context.Context) error {
	need := []string{"poetry.jsonl", "queries.txt", "man-zh-html"}
	missing := slices.ContainsFunc(need, func(n string) bool {
		_, err := os.Stat(filepath.Join(b.f.corpus, n))
		return err != nil
	})
	if !missing {
		return nil
	}
	b.logf("building the bench corpora into %s with %s", b.f.corpus, b.f.makeCorpus)
	cmd := exec.CommandContext(ctx, "bash", b.f.makeCorpus)
	cmd.Env = append(os.Environ(), "OUT="+b.f.corpus)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("make corpus: %w", err)
	}
	return nil
}

// loadDictionaries measures segment.New: time and live heap it adds.
func (b *bench) loadDictionaries(context.Context) error {
	before := heapMB()
	start := time.Now()
	seg, err := segment.New(segment.Config{})
	if err != nil {
		return err
	}
	took := time.Since(start)
	b.seg = seg
	b.rows = append(b.rows, row{what: "segment.New (dictionaries)", readyS: took.Seconds(),
		note: fmt.Sprintf("+%.0f MB live heap", heapMB()-before)})
	return nil
}

// rawSegmentation measures the analysis ceiling the issue names: gse's
// own Segment with search-mode sub-words (its embedded zh_s dictionary;
// only in a binary built with -tags benchgse, as scripts/bench.sh does,
// since gse's embedded dictionaries add 33 MB to the binary), then
// wensou's IndexWords analyzer (normalisation, words, sub-words), each over
// title+body of every JSONL document on GOMAXPROCS goroutines, three
// passes, the median counts. Indexing ratios are to gse's figure when
// measured, else to IndexWords'.
func (b *bench) rawSegmentation(ctx context.Context, path string) error {
	texts, total, err := jsonlTexts(path)
	if err != nil {
		return err
	}
	gseSegment, err := gseReference()
	if err != nil {
		return err
	}
	if gseSegment != nil {
		b.raw, b.rawCPU = b.segmentPasses(ctx, "gse Segment + sub-words", texts, total, gseSegment)
	}
	a := b.seg.IndexWords()
	raw, rawCPU := b.segmentPasses(ctx, "wensou IndexWords", texts, total, func(t []byte) { a.Analyze(t) })
	if gseSegment == nil {
		b.raw, b.rawCPU = raw, rawCPU
	}
	return ctx.Err()
}

// segmentPasses runs fn over texts on GOMAXPROCS goroutines three times,
// adds a row and returns the median MB/s and MB per CPU-second.
func (b *bench) segmentPasses(ctx context.Context, what string, texts [][]byte, total int64, fn func([]byte)) (float64, float64) {
	var passes, cpuPasses []float64
	for range 3 {
		cpu0 := processCPU()
		var next atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		for range runtime.GOMAXPROCS(0) {
			wg.Go(func() {
				for i := int(next.Add(1)) - 1; i < len(texts) && ctx.Err() == nil; i = int(next.Add(1)) - 1 {
					fn(texts[i])
				}
			})
		}
		wg.Wait()
		passes = append(passes, float64(total)/1e6/time.Since(start).Seconds())
		cpuPasses = append(cpuPasses, float64(total)/1e6/(processCPU()-cpu0))
	}
	slices.Sort(passes)
	slices.Sort(cpuPasses)
	b.rows = append(b.rows, row{what: fmt.Sprintf("raw segmentation: %s, %d goroutines", what, runtime.GOMAXPROCS(0)),
		mbPerS: passes[1], docsPerS: passes[1] * 1e6 / float64(total) * float64(len(texts)),
		note: fmt.Sprintf("median of 3: %.2f/%.2f/%.2f MB/s; %.2f MB per CPU-second", passes[0], passes[1], passes[2], cpuPasses[1])})
	b.logf("raw segmentation (%s) %.1f MB/s (%d docs, %.1f MB)", what, passes[1], len(texts), float64(total)/1e6)
	return passes[1], cpuPasses[1]
}

// rebuild runs `wensou index --full --json` on a fresh data directory and
// reads its peak RSS (VmHWM while it runs, getrusage maxrss at exit).
func (b *bench) rebuild(ctx context.Context, name, source string) error {
	dir := filepath.Join(b.f.work, name)
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, b.bin, "index", "--index", dir, "--full", "--json", source)
	var stdout strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return err
	}
	hwm := watchStatus(cmd.Process.Pid, "VmHWM")
	err := cmd.Wait()
	wall := time.Since(start).Seconds()
	peak := hwm()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		peak = max(peak, float64(ru.Maxrss)/1024)
	}
	if err != nil {
		return fmt.Errorf("index %s: %w", name, err)
	}
	cpu := (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	var s indexSummary
	if err := json.Unmarshal([]byte(stdout.String()), &s); err != nil {
		return fmt.Errorf("index %s: summary: %w", name, err)
	}
	size, _ := dirSize(dir)
	mbps := float64(s.Bytes) / 1e6 / wall
	r := row{what: fmt.Sprintf("rebuild %s (%d docs, %.1f MB, %.1f s)", name, s.Documents, float64(s.Bytes)/1e6, wall),
		docsPerS: float64(s.Documents) / wall, mbPerS: mbps, sizeMB: float64(size) / 1e6, rssMB: peak}
	switch name {
	case "poetry":
		b.poetryRate = r.docsPerS
		r.ratio = mbps / b.raw
		r.note = fmt.Sprintf("target ≥0.25× raw: %s; peak RSS ≤1 GB: %s; ", okIf(r.ratio >= 0.25), okIf(peak <= 1024))
	case "man-zh-html":
		r.note = "target ≥4 MB/s (HTML bytes): " + okIf(mbps >= 4) + "; "
	}
	r.note += fmt.Sprintf("%d segment(s); %.1f CPU-s, %.2f MB per CPU-s (×raw by CPU: %.2f)", s.Segments, cpu, float64(s.Bytes)/1e6/cpu, float64(s.Bytes)/1e6/cpu/b.rawCPU)
	b.rows = append(b.rows, r)
	b.logf("%s: %d docs in %.1fs, %.2f MB/s, peak RSS %.0f MB", name, s.Documents, wall, mbps, peak)
	return nil
}

// bleveRebuild indexes the same poetry file with the bench/bleve harness
// (Bleve v2, cjk analyzer on title, author and body, batches of 1,000), so
// that wensou's rebuild has its peer from the same minute.
func (b *bench) bleveRebuild(ctx context.Context, source string) error {
	dir := filepath.Join(b.f.work, "bleve-index")
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, b.f.bleve, "--index", dir, source)
	var stdout strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("bleve: %w", err)
	}
	wall := time.Since(start).Seconds()
	var s struct {
		Documents int     `json:"documents"`
		CPU       float64 `json:"cpu_seconds"`
		PeakMB    float64 `json:"peak_rss_mb"`
	}
	if err := json.Unmarshal([]byte(stdout.String()), &s); err != nil {
		return fmt.Errorf("bleve: summary: %w", err)
	}
	size, err := dirSize(dir)
	if err != nil {
		return fmt.Errorf("bleve: %w", err)
	}
	rate := float64(s.Documents) / wall
	r := row{what: fmt.Sprintf("Bleve v2 cjk, poetry (%d docs, %.1f s)", s.Documents, wall), docsPerS: rate,
		sizeMB: float64(size) / 1e6, rssMB: s.PeakMB}
	r.note = fmt.Sprintf("%.1f CPU-s; wensou/Bleve docs/s: %.2f (target ≥0.65: %s)", s.CPU, b.poetryRate/rate, okIf(b.poetryRate >= 0.65*rate))
	b.rows = append(b.rows, r)
	b.logf("bleve: %d docs in %.1fs, peak RSS %.0f MB", s.Documents, wall, s.PeakMB)
	return nil
}

// indexSummary is the part of `wensou index --json`'s summary the bench reads.
type indexSummary struct {
	Documents int   `json:"documents"`
	Segments  int   `json:"segments"`
	Bytes     int64 `json:"bytes"`
}

// searchPass opens the poetry index in process and reports the engine's
// own took (what the API returns as took_ms) over every query, five
// rounds after a warm-up, plus Suggest over the queries' first one and two
// characters.
func (b *bench) searchPass(ctx context.Context) error {
	e, closeFn, err := b.openEngine()
	if err != nil {
		return err
	}
	defer closeFn()
	if b.f.profile != "" {
		stop, err := startProfile(filepath.Join(b.f.profile, "search.cpu"))
		if err != nil {
			return err
		}
		defer stop()
	}
	var took []float64
	zero := 0
	for round := range 6 {
		for _, q := range b.qs {
			res, err := e.Search(ctx, search.Request{Query: q})
			if err != nil {
				return fmt.Errorf("search %q: %w", q, err)
			}
			if round > 0 {
				took = append(took, ms(res.Took))
			} else if res.Total == 0 {
				zero++
			}
		}
	}
	p := percentiles(took)
	b.rows = append(b.rows, row{what: fmt.Sprintf("search in process, took (%d queries × 5)", len(b.qs)),
		p50: p[0], p95: p[1], p99: p[2], qps: float64(len(took)) / (sum(took) / 1000),
		note: fmt.Sprintf("target p50 ≤0.5 ms: %s, p99 ≤3 ms: %s; %d queries find nothing", okIf(p[0] <= 0.5), okIf(p[2] <= 3), zero)})
	var sug []float64
	for round := range 4 {
		for _, pre := range suggestPrefixes(b.qs) {
			t := time.Now()
			if _, err := e.Suggest(ctx, pre, 10); err != nil {
				return fmt.Errorf("suggest %q: %w", pre, err)
			}
			if round > 0 {
				sug = append(sug, ms(time.Since(t)))
			}
		}
	}
	p = percentiles(sug)
	b.rows = append(b.rows, row{what: "suggest in process", p50: p[0], p95: p[1], p99: p[2],
		note: "target p99 ≤1 ms: " + okIf(p[2] <= 1)})
	return ctx.Err()
}

func (b *bench) openEngine() (*search.Engine, func(), error) {
	d, err := indexer.OpenDir(filepath.Join(b.f.work, "poetry"))
	if err != nil {
		return nil, nil, err
	}
	h, err := d.OpenReaders()
	if err != nil {
		return nil, nil, err
	}
	seg := b.seg
	cfg := search.Config{Cache: search.CacheConfig{Disabled: true}} // every query runs: took is the real work
	return search.New(h, func() search.Analysis { return seg }, cfg), h.Close, nil
}

// serve measures `wensou serve` on the poetry index: with its query
// result cache (the default) and with the cache switched off, where every
// request runs the search.
func (b *bench) serve(ctx context.Context) error {
	if err := b.serveOnce(ctx, true); err != nil {
		return err
	}
	return b.serveOnce(ctx, false)
}

// loadedServer is one `wensou serve` process under load.
type loadedServer struct {
	b         *bench
	pid       int
	base, tag string
}

// serveOnce starts `wensou serve`, times /readyz, then loads it over
// loopback HTTP with 1 and f.clients clients, watching its RSS; with the
// cache it also runs suggestions, a second round of the concurrent load as
// a short soak and, with --soak, the long soak.
func (b *bench) serveOnce(ctx context.Context, cached bool) error {
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	args := []string{"serve", "--index", filepath.Join(b.f.work, "poetry"), "--addr", addr}
	tag := "cache on"
	if !cached {
		args, tag = append(args, "--set", "cache.disabled=true"), "cache off"
	}
	cmd := exec.CommandContext(ctx, b.bin, args...)
	cmd.Stderr = nil // /dev/null: no pipe for the request log to drain
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() { _ = cmd.Process.Signal(syscall.SIGTERM); _ = cmd.Wait() }()
	sv := &loadedServer{b: b, pid: cmd.Process.Pid, base: "http://" + addr, tag: tag}
	ready, err := waitReady(ctx, sv.base+"/readyz", 30*time.Second)
	if err != nil {
		return err
	}
	rssReady := statusMB(sv.pid, "VmRSS")
	b.rows = append(b.rows, row{what: "serve --index poetry: ready (/readyz 200), " + tag, readyS: ready.Seconds(), rssMB: rssReady,
		note: "target ≤1 s: " + okIf(ready <= time.Second)})
	b.logf("ready in %.2fs, RSS %.0f MB (%s)", ready.Seconds(), rssReady, tag)
	rounds := 1
	if cached {
		rounds = 2
	}
	if err := sv.searchLoad(ctx, rounds); err != nil || !cached {
		return err
	}
	if err := sv.run(ctx, "HTTP suggest, 1 client", sv.urls("/api/suggest", suggestPrefixes(b.qs)), 1, b.f.duration/3, func(l load) string {
		return "target p99 ≤1 ms (server side; this is client side): " + okIf(l.p[2] <= 1)
	}); err != nil {
		return err
	}
	return sv.soak(ctx)
}

func (sv *loadedServer) urls(path string, qs []string) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		out[i] = sv.base + path + "?q=" + url.QueryEscape(q)
	}
	return out
}

// searchLoad runs /api/search with 1 client, then rounds of f.clients.
func (sv *loadedServer) searchLoad(ctx context.Context, rounds int) error {
	b, urls := sv.b, sv.urls("/api/search", sv.b.qs)
	if err := sv.run(ctx, "HTTP search, 1 client, "+sv.tag, urls, 1, b.f.duration, nil); err != nil {
		return err
	}
	first := 0.0
	for round := 1; round <= rounds; round++ {
		what := fmt.Sprintf("HTTP search, %d clients, %s (round %d)", b.f.clients, sv.tag, round)
		if err := sv.run(ctx, what, urls, b.f.clients, b.f.duration, func(l load) string {
			return fmt.Sprintf("target ≥8000 req/s: %s, p99 ≤5 ms: %s; RSS ≤300 MB: %s",
				okIf(l.qps >= 8000), okIf(l.p[2] <= 5), okIf(statusMB(sv.pid, "VmRSS") <= 300))
		}); err != nil {
			return err
		}
		after := sv.rssAfter()
		if round == 1 {
			first = after
		} else {
			b.rows[len(b.rows)-1].note += fmt.Sprintf(" (%+.0f MB vs round 1)", after-first)
		}
	}
	return nil
}

// rssAfter waits a second after a run and notes the server's RSS.
func (sv *loadedServer) rssAfter() float64 {
	time.Sleep(time.Second)
	after := statusMB(sv.pid, "VmRSS")
	r := &sv.b.rows[len(sv.b.rows)-1]
	r.note += fmt.Sprintf("; RSS 1 s after: %.0f MB (anon %.0f, file %.0f)", after, statusMB(sv.pid, "RssAnon"), statusMB(sv.pid, "RssFile"))
	return after
}

// soak loads the server with f.clients clients for f.soak in one-minute
// runs and reports the RSS after each: memory must not grow.
func (sv *loadedServer) soak(ctx context.Context) error {
	b := sv.b
	if b.f.soak <= 0 {
		return nil
	}
	urls := sv.urls("/api/search", b.qs)
	var rss []string
	for left := b.f.soak; left > 0; left -= time.Minute {
		l, err := loadTest(ctx, urls, b.f.clients, min(left, time.Minute))
		if err != nil {
			return err
		}
		rss = append(rss, fmt.Sprintf("%.0f", statusMB(sv.pid, "VmRSS")))
		b.logf("soak: %.0f req/s, p99 %.2f ms, RSS %s MB, open files %d", l.qps, l.p[2], rss[len(rss)-1], openFiles(sv.pid))
	}
	b.rows = append(b.rows, row{what: fmt.Sprintf("soak: HTTP search, %d clients, %s", b.f.clients, b.f.soak),
		rssMB: statusMB(sv.pid, "VmRSS"), note: fmt.Sprintf("RSS MB after each minute: %s; open files at end: %d", strings.Join(rss, " "), openFiles(sv.pid))})
	return nil
}

// openFiles counts the file descriptors of a process (-1 if unknown).
func openFiles(pid int) int {
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return -1
	}
	return len(fds)
}

// run is one load run of urls, added as a row.
func (sv *loadedServer) run(ctx context.Context, what string, urls []string, clients int, d time.Duration, note func(load) string) error {
	return sv.measure(what, note, func() (load, error) { return loadTest(ctx, urls, clients, d) })
}

// runWrk is run with wrk as the load generator (wrkLoad).
func (sv *loadedServer) runWrk(ctx context.Context, bin, what string, urls []string, clients int, d time.Duration, note func(load) string) error {
	return sv.measure(what, note, func() (load, error) { return wrkLoad(ctx, bin, sv.b.f.work, urls, clients, d) })
}

// measure runs one load and adds its row: throughput, client latency, the
// server's peak RSS and its CPU per request.
func (sv *loadedServer) measure(what string, note func(load) string, gen func() (load, error)) error {
	b := sv.b
	peak := watchStatus(sv.pid, "VmRSS")
	t0, err0 := cpuTicks(sv.pid)
	start := time.Now()
	l, err := gen()
	if err != nil {
		return err
	}
	t1, err1 := cpuTicks(sv.pid)
	r := row{what: what, p50: l.p[0], p95: l.p[1], p99: l.p[2], qps: l.qps, rssMB: peak()}
	if note != nil {
		r.note = note(l)
	}
	if err0 == nil && err1 == nil && l.qps > 0 {
		perReq := float64(t1-t0) * 1e4 / (l.qps * time.Since(start).Seconds()) // ticks are 10 ms
		r.note += fmt.Sprintf("; server %.0f µs CPU per request", perReq)
	}
	if l.errors > 0 {
		r.note += fmt.Sprintf(" %d ERRORS", l.errors)
	}
	b.rows = append(b.rows, r)
	b.logf("%s: %.0f req/s, p50 %.2f p99 %.2f ms, peak RSS %.0f MB, load %s", what, l.qps, l.p[0], l.p[2], r.rssMB, loadAvg())
	return nil
}

// profileBuild rebuilds the poetry index in process under the CPU profiler.
func (b *bench) profileBuild(ctx context.Context, source string) error {
	dir := filepath.Join(b.f.work, "poetry-profiled")
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	d, err := indexer.OpenDir(dir)
	if err != nil {
		return err
	}
	stop, err := startProfile(filepath.Join(b.f.profile, "index.cpu"))
	if err != nil {
		return err
	}
	defer stop()
	start := time.Now()
	_, ch, _, err := d.IndexSources(ctx, []string{source}, indexer.SourceOptions{}, b.seg, indexer.Options{}, true)
	if err != nil {
		return err
	}
	wall := time.Since(start).Seconds()
	b.rows = append(b.rows, row{what: "rebuild poetry in process (profiled)", docsPerS: float64(ch.Documents) / wall,
		note: "profile: " + filepath.Join(b.f.profile, "index.cpu")})
	return nil
}

func (b *bench) print() {
	w := b.out
	fmt.Fprintf(w, "\nwensou bench — %d CPUs, GOMAXPROCS %d, %s, load average at end %s, %s\n\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), loadAvg(), time.Now().Format(time.RFC3339))
	fmt.Fprintln(w, "| measurement | docs/s | MB/s | ×raw | index MB | p50 ms | p95 ms | p99 ms | QPS | ready s | RSS MB | targets / notes |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
	for _, r := range b.rows {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", r.what,
			num(r.docsPerS, 0), num(r.mbPerS, 2), num(r.ratio, 2), num(r.sizeMB, 0), num(r.p50, 3), num(r.p95, 3),
			num(r.p99, 3), num(r.qps, 0), num(r.readyS, 2), num(r.rssMB, 0), r.note)
	}
}

func num(v float64, prec int) string {
	if v == 0 {
		return ""
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

func okIf(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT MET"
}

func waitReady(ctx context.Context, u string, limit time.Duration) (time.Duration, error) {
	start := time.Now()
	client := &http.Client{Timeout: time.Second}
	for time.Since(start) < limit {
		if resp, err := client.Get(u); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(start), nil
			}
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	return 0, fmt.Errorf("%s not ready after %s", u, limit)
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// watchStatus polls a /proc/PID/status field (kB) every 20 ms until the
// returned function is called, which gives the largest value seen in MB.
func watchStatus(pid int, field string) func() float64 {
	var peak atomic.Int64
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			if v := int64(statusMB(pid, field) * 1024); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 { close(done); return float64(peak.Load()) / 1024 }
}

func statusMB(pid int, field string) float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	return strings.Join(f[:min(3, len(f))], " ")
}

func heapMB() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / 1e6
}

func dirSize(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			if info, ierr := e.Info(); ierr == nil {
				n += info.Size()
			}
		}
		return err
	})
	return n, err
}

func startProfile(path string) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// processCPU is the user+system CPU time of this process so far, in seconds.
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

// percentiles returns p50, p95 and p99 (nearest rank) of v.
func percentiles(v []float64) [3]float64 {
	if len(v) == 0 {
		return [3]float64{}
	}
	s := slices.Clone(v)
	slices.Sort(s)
	at := func(p float64) float64 { return s[min(len(s)-1, int(p*float64(len(s))))] }
	return [3]float64{at(0.50), at(0.95), at(0.99)}
}

// loadQueries reads queries.txt plus the queries of a judged TSV file.
func loadQueries(path, public string) ([]string, error) {
	var out []string
	for i, p := range []string{path, public} {
		data, err := os.ReadFile(p)
		if err != nil {
			if i == 1 {
				continue
			}
			return nil, err
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
	return out, nil
}

// suggestPrefixes are the first one and two characters of each query.
func suggestPrefixes(qs []string) []string {
	var out []string
	for _, q := range qs {
		r := []rune(strings.TrimSpace(q))
		for _, n := range []int{1, 2} {
			if len(r) >= n {
				out = append(out, string(r[:n]))
			}
		}
	}
	return out
}

// jsonlTexts reads title+"\n"+body of every JSONL line.
func jsonlTexts(path string) ([][]byte, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	var out [][]byte
	var total int64
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var d struct{ Title, Body string }
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, 0, fmt.Errorf("%s: %w", path, err)
		}
		t := []byte(d.Title + "\n" + d.Body)
		out = append(out, t)
		total += int64(len(d.Title) + len(d.Body))
	}
	return out, total, sc.Err()
}

// scaleJSONL writes n copies of a JSONL corpus, the copies' ids suffixed
// with "-xK", unless the file is already there.
func scaleJSONL(src, dst string, n int) (string, error) {
	if _, err := os.Stat(dst); err == nil {
		return dst, nil
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", err
	}
	f, err := os.Create(dst + ".tmp")
	if err != nil {
		return "", err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for k := range n {
		for line := range strings.Lines(string(data)) {
			var m map[string]any
			if err := json.Unmarshal([]byte(line), &m); err != nil {
				continue
			}
			if k > 0 {
				m["id"] = fmt.Sprintf("%v-x%d", m["id"], k)
			}
			enc, _ := json.Marshal(m)
			w.Write(enc)
			w.WriteByte('\n')
		}
	}
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		return "", err
	}
	return dst, os.Rename(dst+".tmp", dst)
}

// wensouBinary is the wensou binary to measure: path, or "wensou" in the
// directory of this executable.
func wensouBinary(path string) (string, error) {
	if path == "" {
		self, err := os.Executable()
		if err != nil {
			return "", fmt.Errorf("find the wensou binary: %w", err)
		}
		path = filepath.Join(filepath.Dir(self), "wensou")
	}
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("wensou binary (--wensou): %w", err)
	}
	return path, nil
}

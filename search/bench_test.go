package search

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
)

// Benchmarks of the search path. The end-to-end figures (took_ms
// percentiles on the poetry index, HTTP QPS) come from `wensou bench`; see
// docs/BENCHMARKS.md.

// benchQueries are the judged public queries plus a few forms of the
// query syntax.
func benchQueries(b *testing.B) []string {
	b.Helper()
	f, err := os.Open("testdata/public.tsv")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	seen := map[string]bool{}
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		q, _, _ := strings.Cut(line, "\t")
		if !seen[q] {
			seen[q] = true
			out = append(out, q)
		}
	}
	return append(out, `"注销账户"`, "网贷 -借呗", "title:租机", "zfb", "支付宝 租机 押金")
}

// generatedDocs returns n articles built deterministically from the
// sample's sentences and related titles, so the index has realistic terms
// and posting lists longer than one.
func generatedDocs(b *testing.B, n int) []corpus.Document {
	b.Helper()
	sample, err := corpus.Sample()
	if err != nil {
		b.Fatal(err)
	}
	var sentences []string
	for s := range strings.SplitSeq(sample[0].Body, "。") {
		if s = strings.TrimSpace(s); s != "" {
			sentences = append(sentences, s+"。")
		}
	}
	out := make([]corpus.Document, n)
	x := uint32(2463534242)
	next := func(k int) int { // xorshift: deterministic, no math/rand state
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		return int(x % uint32(k))
	}
	for i := range out {
		var body strings.Builder
		for range 3 + next(12) {
			body.WriteString(sentences[next(len(sentences))])
		}
		out[i] = corpus.Document{
			ID: fmt.Sprintf("gen-%d", i), Kind: corpus.KindArticle,
			Title: sample[1+next(len(sample)-1)].Title, Body: body.String(),
		}
	}
	return out
}

func BenchmarkParse(b *testing.B) {
	qs := benchQueries(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, q := range qs {
			if _, err := Parse(q, ParseLimits{}.withDefaults()); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(qs)), "ns/query")
}

// BenchmarkBuildQuery is query analysis and bluge query construction.
func BenchmarkBuildQuery(b *testing.B) {
	s := testSegmenter(b)
	qs := benchQueries(b)
	parsed := make([]Query, len(qs))
	for i, q := range qs {
		var err error
		if parsed[i], err = Parse(q, ParseLimits{}.withDefaults()); err != nil {
			b.Fatal(err)
		}
	}
	bl := builder{a: s, w: DefaultWeights}
	b.ReportAllocs()
	for b.Loop() {
		for _, q := range parsed {
			bl.build(q, true)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(qs)), "ns/query")
}

// BenchmarkSearch is a full Search (parse, build, bluge, stored fields,
// highlighting) over an in-memory index of the sample and 2,000 generated
// articles, one sub-benchmark per query and one over all of them.
func BenchmarkSearch(b *testing.B) {
	e := testEngine(b, generatedDocs(b, 2000)...)
	qs := benchQueries(b)
	ctx := context.Background()
	b.Run("all", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, q := range qs {
				if _, err := e.Search(ctx, Request{Query: q}); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(qs)), "µs/query")
	})
	for _, q := range []string{"注销", "支付宝租机", "网贷 -借呗", `"注销账户"`, "zfb"} {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Search(ctx, Request{Query: q}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSuggest(b *testing.B) {
	e := testEngine(b, generatedDocs(b, 2000)...)
	ctx := context.Background()
	for _, p := range []string{"注", "支付", "租机", "zfb"} {
		b.Run(p, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Suggest(ctx, p, 10); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSuggestSample types every prefix (1..4 characters) of every
// title and judged query of the sample corpus, as a search box does, and
// reports the latency percentiles of one Suggest (issue 6: p99 < 5 ms).
func BenchmarkSuggestSample(b *testing.B) {
	e := testEngine(b)
	sample, err := corpus.Sample()
	if err != nil {
		b.Fatal(err)
	}
	var prefixes []string
	for _, d := range sample {
		r := []rune(d.Title)
		for n := 1; n <= 4 && n <= len(r); n++ {
			prefixes = append(prefixes, string(r[:n]))
		}
	}
	prefixes = append(prefixes, "z", "zf", "zfb", "zhifu", "zuji")
	suggestLatency(b, e, prefixes, 8)
}

// poetryCorpus is where scripts/bench.sh puts the bench corpora.
const poetryCorpus = "/tmp/wensou-bench/corpus"

// BenchmarkSuggestPoetry measures Suggest (size 10) on the poetry corpus
// over the first one and two characters of every bench query, as
// `wensou bench` does, and reports p50/p99 of a single call. It needs
// /tmp/wensou-bench/corpus/poetry.jsonl and queries.txt (built by
// scripts/bench.sh) and is skipped without them. The index is built through
// indexer.Dir.Build into a temporary directory, as `wensou index` does
// (about a minute on 2 cores); WENSOU_POETRY_INDEX=DIR uses the data
// directory DIR of an existing poetry index instead (`wensou index --index
// DIR --full poetry.jsonl`), read only.
func BenchmarkSuggestPoetry(b *testing.B) {
	if _, err := os.Stat(poetryCorpus + "/poetry.jsonl"); err != nil {
		b.Skipf("no poetry corpus (run scripts/bench.sh): %v", err)
	}
	prefixes := poetryPrefixes(b)
	e := poetryEngine(b, os.Getenv("WENSOU_POETRY_INDEX"))
	ctx := context.Background()
	for _, p := range prefixes { // warm-up, as wensou bench does
		if _, err := e.Suggest(ctx, p, 10); err != nil {
			b.Fatal(err)
		}
	}
	suggestLatency(b, e, prefixes, 10)
}

// poetryPrefixes are the first one and two characters of every bench query
// (cmd/wensou's suggestPrefixes).
func poetryPrefixes(b *testing.B) []string {
	b.Helper()
	data, err := os.ReadFile(poetryCorpus + "/queries.txt")
	if err != nil {
		b.Skipf("no bench queries (run scripts/bench.sh): %v", err)
	}
	var out []string
	for line := range strings.SplitSeq(string(data), "\n") {
		q, _, _ := strings.Cut(line, "\t")
		r := []rune(strings.TrimSpace(q))
		for n := 1; n <= 2 && n <= len(r); n++ {
			out = append(out, string(r[:n]))
		}
	}
	return out
}

// poetryEngine returns an engine over the poetry index in the data
// directory dir, or, if dir is "", over one built from poetry.jsonl into
// b.TempDir().
func poetryEngine(b *testing.B, dir string) *Engine {
	b.Helper()
	s := testSegmenter(b)
	if dir == "" {
		dir = b.TempDir()
		buildPoetry(b, dir, s)
	}
	d, err := indexer.OpenDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	h, err := d.OpenReaders()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { h.Close() })
	return New(h, func() Analysis { return s }, Config{})
}

// buildPoetry indexes poetry.jsonl into the data directory dir.
func buildPoetry(b *testing.B, dir string, a indexer.Analyzers) {
	b.Helper()
	f, err := os.Open(poetryCorpus + "/poetry.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	d, err := indexer.OpenDir(dir)
	if err != nil {
		b.Fatal(err)
	}
	ch := make(chan corpus.Document, 64)
	read := make(chan error, 1)
	go func() {
		defer close(ch)
		jr := corpus.NewJSONLReader(f, corpus.Options{Source: f.Name()})
		for {
			doc, err := jr.Next()
			if err != nil {
				read <- err
				return
			}
			ch <- doc
		}
	}()
	if _, _, err := d.Build(context.Background(), ch, a, indexer.Options{}); err != nil {
		b.Fatal(err)
	}
	if err := <-read; !errors.Is(err, io.EOF) {
		b.Fatalf("read %s: %v", f.Name(), err)
	}
}

// highlightInput is the sample article's body with the spans of every
// occurrence of a few words, as the index would report them.
func highlightInput(b *testing.B) (string, []Span) {
	b.Helper()
	sample, err := corpus.Sample()
	if err != nil {
		b.Fatal(err)
	}
	text := sample[0].Body
	var spans []Span
	for _, w := range []string{"注销", "账户", "网贷", "注", "销"} {
		for i := 0; ; {
			j := strings.Index(text[i:], w)
			if j < 0 {
				break
			}
			spans = append(spans, Span{Start: i + j, End: i + j + len(w)})
			i += j + utf8.RuneLen('注')
		}
	}
	return text, spans
}

func BenchmarkSnippet(b *testing.B) {
	text, spans := highlightInput(b)
	b.Run("matches", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		b.ReportAllocs()
		for b.Loop() {
			Snippet(text, spans, 120)
		}
	})
	b.Run("matches-reference", func(b *testing.B) { // before the optimisation
		b.SetBytes(int64(len(text)))
		b.ReportAllocs()
		for b.Loop() {
			refSnippet(text, spans, 120)
		}
	})
	b.Run("none", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		b.ReportAllocs()
		for b.Loop() {
			Snippet(text, nil, 120)
		}
	})
}

func BenchmarkMark(b *testing.B) {
	text, spans := highlightInput(b)
	title := "如何注销网贷账户?完整的步骤解析<script>"
	tspans := []Span{{2, 8}, {2, 5}, {8, 14}, {14, 20}}
	b.Run("title", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Mark(title, tspans)
		}
	})
	b.Run("body", func(b *testing.B) {
		b.SetBytes(int64(len(text)))
		b.ReportAllocs()
		for b.Loop() {
			Mark(text, spans)
		}
	})
	b.Run("body-reference", func(b *testing.B) { // before the optimisation
		b.SetBytes(int64(len(text)))
		b.ReportAllocs()
		for b.Loop() {
			refMarkRange(text, refMergeSpans(text, spans), 0, len(text))
		}
	})
}

// The highlighting was optimised (one pass for the densest window, escaping
// straight into the builder, no reflection in the sort); the reference
// below is the implementation before that, and the optimised one must
// agree with it byte for byte.

func refMergeSpans(text string, spans []Span) []Span {
	out := make([]Span, 0, len(spans))
	for _, s := range spans {
		s.Start, s.End = runeFloor(text, s.Start), runeCeil(text, s.End)
		if s.Start < s.End {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	merged := out[:0]
	for _, s := range out {
		if n := len(merged); n > 0 && s.Start <= merged[n-1].End {
			merged[n-1].End = max(merged[n-1].End, s.End)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

func refMarkRange(text string, spans []Span, from, to int) string {
	var b strings.Builder
	at := from
	for _, s := range spans {
		if s.End <= from || s.Start >= to {
			continue
		}
		start, end := max(s.Start, from), min(s.End, to)
		b.WriteString(html.EscapeString(text[at:start]) + markOpen + html.EscapeString(text[start:end]) + markClose)
		at = end
	}
	b.WriteString(html.EscapeString(text[at:to]))
	return b.String()
}

func refAdvance(text string, i, n int) int {
	for ; n > 0 && i < len(text); n-- {
		_, w := utf8.DecodeRuneInString(text[i:])
		i += w
	}
	return i
}

func refBestAnchor(text string, spans []Span, size int) int {
	best, bestCount := 0, 0
	for i, s := range spans {
		limit := refAdvance(text, s.Start, size*2/3)
		n := 0
		for _, t := range spans[i:] {
			if t.End > limit {
				break
			}
			n += t.End - t.Start
		}
		if n > bestCount {
			best, bestCount = s.Start, n
		}
	}
	return best
}

func refSnippet(text string, spans []Span, size int) string {
	if size <= 0 {
		size = 120
	}
	spans = refMergeSpans(text, spans)
	anchor := refBestAnchor(text, spans, size)
	from := sentenceStart(text, anchor, size/3)
	to := sentenceEnd(text, from, size)
	for _, s := range spans {
		if s.Start < to && s.End > to {
			to = s.End
		}
	}
	out := ""
	if from > 0 && !endsSentence(text[:from]) {
		out += ellipsis
	}
	out += refMarkRange(text, spans, from, to)
	if to < len(text) && !endsSentence(text[:to]) {
		out += ellipsis
	}
	return out
}

func checkReference(t *testing.T, text string, spans []Span, size int) {
	t.Helper()
	if got, want := Mark(text, spans), refMarkRange(text, refMergeSpans(text, spans), 0, len(text)); got != want {
		t.Fatalf("Mark(%q, %v) = %q, reference %q", text, spans, got, want)
	}
	if got, want := Snippet(text, spans, size), refSnippet(text, spans, size); got != want {
		t.Fatalf("Snippet(%q, %v, %d) = %q, reference %q", text, spans, size, got, want)
	}
}

func TestHighlightMatchesReference(t *testing.T) {
	sample, err := corpus.Sample()
	if err != nil {
		t.Fatal(err)
	}
	text := sample[0].Body + "<b>&'\"\xff\xfe注销"
	var spans []Span
	for _, w := range []string{"注销", "账户", "网贷", "注", "销", "&", "\xfe"} {
		for i := 0; ; {
			j := strings.Index(text[i:], w)
			if j < 0 {
				break
			}
			spans = append(spans, Span{Start: i + j, End: i + j + len(w)})
			i += j + 1
		}
	}
	for _, size := range []int{0, 1, 7, 30, 120, 500} {
		checkReference(t, text, spans, size)
		for k := 1; k < len(spans); k += 7 {
			checkReference(t, text, spans[:k], size)
			checkReference(t, text, spans[k:], size)
		}
	}
	checkReference(t, text, []Span{{-3, 2}, {len(text) - 2, len(text) + 9}, {5, 5}, {9, 1}}, 40)
}

func FuzzHighlightMatchesReference(f *testing.F) {
	f.Add("注销网贷账户。第二句注销", 3, 9, 30, 36, 10)
	f.Add("a<b>&c'\"", 0, 2, 1, 5, 1)
	f.Add("\xff\xfe注\xe4\xb8", 1, 4, 0, 7, 3)
	f.Fuzz(func(t *testing.T, text string, s1, e1, s2, e2, size int) {
		checkReference(t, text, []Span{{s1, e1}, {s2, e2}, {s1 + 3, e2 - 3}}, size%500)
	})
}

// suggestLatency calls Suggest (size) over prefixes in turn for b.Loop
// and reports the p50 and p99 of a single call.
func suggestLatency(b *testing.B, e *Engine, prefixes []string, size int) {
	ctx := context.Background()
	var took []time.Duration
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		if _, err := e.Suggest(ctx, prefixes[i%len(prefixes)], size); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	pct := func(p float64) float64 { return float64(took[int(p*float64(len(took)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.5), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

package search

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// KnownItem is one known-item query: exactly one target document, and
// success is the rank at which the search returns it.
type KnownItem struct {
	QID    string `json:"qid"`
	Kind   string `json:"kind"`
	Query  string `json:"query"`
	Target string `json:"target"` // document id
}

// ReadKnownItems reads `qid<TAB>kind<TAB>query<TAB>target_id` lines; '#'
// lines, blank lines and the header line (qid kind query target_id) are
// skipped.
func ReadKnownItems(r io.Reader) ([]KnownItem, error) {
	var out []KnownItem
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			return nil, fmt.Errorf("known items line %d: want 4 tab-separated fields, got %d", n, len(f))
		}
		if f[0] == "qid" && f[3] == "target_id" {
			continue
		}
		out = append(out, KnownItem{QID: f[0], Kind: f[1], Query: f[2], Target: f[3]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read known items: %w", err)
	}
	return out, nil
}

// IsKnownItemFile reports whether the first data line of a TSV has the
// four fields of the known-item format (the judged format has three).
func IsKnownItemFile(head string) bool {
	for line := range strings.Lines(head) {
		line = strings.TrimRight(line, "\r\n")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		return strings.Count(line, "\t") == 3
	}
	return false
}

// KnownItemResult is the outcome of one known-item query.
type KnownItemResult struct {
	KnownItem
	Rank  int     `json:"rank"` // 1-based; 0 = not in the first KnownItemDepth hits
	Total uint64  `json:"total"`
	Took  float64 `json:"took_ms"`
	Top   string  `json:"top,omitempty"` // id of the first hit when it is not the target
	Err   string  `json:"error,omitempty"`
}

// KindSummary summarises the known-item queries of one kind (or all).
type KindSummary struct {
	Kind        string  `json:"kind"`
	Queries     int     `json:"queries"`
	Success1    float64 `json:"success_at_1"`
	Success10   float64 `json:"success_at_10"`
	ZeroResults int     `json:"zero_results"`
	Errors      int     `json:"errors"`
	P50         float64 `json:"p50_ms"`
	P99         float64 `json:"p99_ms"`
	Worst       float64 `json:"worst_ms"`
}

// KnownItemEvaluation is the evaluation of a known-item query set: one
// summary per kind, in first-seen order, then "all".
type KnownItemEvaluation struct {
	Kinds    []KindSummary     `json:"kinds"`
	PerQuery []KnownItemResult `json:"per_query"`
}

// KnownItemDepth is how many hits EvaluateKnownItems looks through.
const KnownItemDepth = 10

// EvaluateKnownItems runs every query (top KnownItemDepth, highlighting
// included) and reports success@1, success@10, zero results, errors and
// the engine's took per kind. A query that fails counts as an error, not
// as an abort: the evaluation says how many.
func (e *Engine) EvaluateKnownItems(ctx context.Context, items []KnownItem) (KnownItemEvaluation, error) {
	var ev KnownItemEvaluation
	for _, it := range items {
		if err := ctx.Err(); err != nil {
			return ev, fmt.Errorf("evaluate known items: %w", err)
		}
		ev.PerQuery = append(ev.PerQuery, e.knownItem(ctx, it))
	}
	ev.Kinds = summariseKinds(ev.PerQuery)
	return ev, nil
}

func (e *Engine) knownItem(ctx context.Context, it KnownItem) KnownItemResult {
	out := KnownItemResult{KnownItem: it}
	start := time.Now()
	res, err := e.Search(ctx, Request{Query: it.Query, Size: KnownItemDepth})
	out.Took = float64(time.Since(start).Microseconds()) / 1000
	if err != nil {
		out.Err = err.Error()
		return out
	}
	out.Total = res.Total
	for i, h := range res.Hits {
		if h.ID == it.Target {
			out.Rank = i + 1
			break
		}
	}
	if out.Rank != 1 && len(res.Hits) > 0 {
		out.Top = res.Hits[0].ID
	}
	return out
}

// SummariseKinds summarises results by kind, in first-seen order, then "all".
func SummariseKinds(rs []KnownItemResult) []KindSummary { return summariseKinds(rs) }

func summariseKinds(rs []KnownItemResult) []KindSummary {
	var order []string
	by := map[string][]KnownItemResult{}
	for _, r := range rs {
		if by[r.Kind] == nil {
			order = append(order, r.Kind)
		}
		by[r.Kind] = append(by[r.Kind], r)
	}
	out := make([]KindSummary, 0, len(order)+1)
	for _, k := range order {
		out = append(out, summariseKind(k, by[k]))
	}
	return append(out, summariseKind("all", rs))
}

func summariseKind(kind string, rs []KnownItemResult) KindSummary {
	s := KindSummary{Kind: kind, Queries: len(rs)}
	took := make([]float64, 0, len(rs))
	s1, s10 := 0, 0
	for _, r := range rs {
		took = append(took, r.Took)
		switch {
		case r.Err != "":
			s.Errors++
		case r.Total == 0:
			s.ZeroResults++
		}
		if r.Rank == 1 {
			s1++
		}
		if r.Rank >= 1 && r.Rank <= 10 {
			s10++
		}
	}
	if len(rs) > 0 {
		s.Success1 = float64(s1) / float64(len(rs))
		s.Success10 = float64(s10) / float64(len(rs))
	}
	s.P50, s.P99, s.Worst = Percentile(took, 0.50), Percentile(took, 0.99), Percentile(took, 1)
	return s
}

// Percentile returns the p-quantile (0..1) of v by the nearest-rank
// method; 0 for no values. v is not changed.
func Percentile(v []float64, p float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	i := int(p*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

package main

import (
	"strings"
	"testing"

	"github.com/wensou/wensou/search"
)

func fixedEvaluation() search.Evaluation {
	return search.Evaluation{Queries: 3, NDCG: 0.81234, MRR: 0.75, ZeroResults: 1, FirstIs3: 2, PerQuery: []search.QueryEval{
		{Query: "注销", NDCG: 1, RR: 1, Total: 3, FirstTop: true},
		{Query: "网贷账户怎么注销", NDCG: 0.5, RR: 0.5, Total: 12, Top: []string{"如何注销网贷账户", "租机"}, Grades: []int{2, 3},
			Missing: []string{"注销流程"}},
		{Query: "zfb", NDCG: 0, RR: 0, Total: 0},
	}}
}

func fixedKnownItems() search.KnownItemEvaluation {
	return search.KnownItemEvaluation{
		Kinds: []search.KindSummary{
			{Kind: "title", Queries: 2, Success1: 0.5, Success10: 1, P50: 0.52, P99: 1.9, Worst: 1.9},
			{Kind: "问题", Queries: 1, ZeroResults: 1, P50: 12.25, P99: 12.25, Worst: 12.25},
			{Kind: "all", Queries: 3, Success1: 0.3333, Success10: 0.6667, ZeroResults: 1, P50: 1.9, P99: 12.25, Worst: 12.25},
		},
		PerQuery: []search.KnownItemResult{
			{KnownItem: search.KnownItem{QID: "q1", Kind: "title", Query: "注销", Target: "article-1000"}, Rank: 1, Total: 1},
			{KnownItem: search.KnownItem{QID: "q2", Kind: "title", Query: "支付宝租机怎么样", Target: "article-7"}, Rank: 3, Total: 40, Top: "article-9"},
			{KnownItem: search.KnownItem{QID: "q10", Kind: "问题", Query: "zfb", Target: "article-8"}, Rank: 0, Total: 0},
		},
	}
}

func TestPrintEvalGolden(t *testing.T) {
	var b strings.Builder
	printEval(&b, fixedEvaluation())
	golden(t, "eval.golden", b.String())
	var k strings.Builder
	printKnownItems(&k, fixedKnownItems())
	golden(t, "eval-known-items.golden", k.String())
	assertAligned(t, k.String())
}

// assertAligned checks that the columns of the table lines (up to the
// first blank line) end at the same display column.
func assertAligned(t *testing.T, s string) {
	t.Helper()
	var width int
	for _, line := range strings.Split(s, "\n") {
		if line == "" {
			return
		}
		if w := displayWidth(line); width == 0 {
			width = w
		} else if w != width {
			t.Errorf("line %q is %d columns wide, the header %d", line, w, width)
		}
	}
}

// TestEvalCommand runs both file formats against the embedded sample.
func TestEvalCommand(t *testing.T) {
	for _, tt := range []struct {
		file string
		want string
	}{{"testdata/judged.tsv", "queries 2  nDCG@10"}, {"testdata/known-items.tsv", "success@1"}} {
		out, _, err := runCLI(t, "eval", "--queries", tt.file)
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if !strings.Contains(out, tt.want) {
			t.Errorf("%s: output lacks %q:\n%s", tt.file, tt.want, out)
		}
	}
}

func TestDisplayWidth(t *testing.T) {
	tests := []struct {
		s    string
		want int
	}{
		{"", 0}, {"abc", 3}, {"注销", 4}, {"ｚｆｂ", 6}, {"网贷?", 5}, {"，", 2}, {"e\u0301", 1}, {"a\u200bb", 2}, {"\t", 0}, {"😀", 2},
	}
	for _, tt := range tests {
		if got := displayWidth(tt.s); got != tt.want {
			t.Errorf("displayWidth(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}

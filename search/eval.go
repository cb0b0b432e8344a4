package search

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/wensou/wensou/corpus"
)

// Judgment grades one result title for one query: 3 = what the searcher
// wants, 2 = relevant, 1 = marginal; unjudged results count 0.
type Judgment struct {
	Query string
	Grade int
	Title string
}

// ReadJudgments reads `query<TAB>grade<TAB>title` lines; lines starting
// with '#' and blank lines are skipped.
func ReadJudgments(r io.Reader) ([]Judgment, error) {
	var out []Judgment
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return nil, fmt.Errorf("judgments line %d: want 3 tab-separated fields, got %d", n, len(f))
		}
		g, err := strconv.Atoi(f[1])
		if err != nil || g < 0 || g > 3 {
			return nil, fmt.Errorf("judgments line %d: grade %q is not 0..3", n, f[1])
		}
		out = append(out, Judgment{Query: f[0], Grade: g, Title: f[2]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read judgments: %w", err)
	}
	return out, nil
}

// QueryEval is the evaluation of one query.
type QueryEval struct {
	Query    string   `json:"query"`
	NDCG     float64  `json:"ndcg10"`
	RR       float64  `json:"rr"`
	Total    uint64   `json:"total"`
	Top      []string `json:"top"`               // titles of the first 10 hits
	Grades   []int    `json:"grades"`            // their grades
	Missing  []string `json:"missing,omitempty"` // judged ≥2 but not in the top 10
	FirstTop bool     `json:"first_is_3"`        // the first hit is graded 3
}

// Evaluation summarises a judged query set.
type Evaluation struct {
	Queries     int         `json:"queries"`
	NDCG        float64     `json:"ndcg10"`
	MRR         float64     `json:"mrr"`
	ZeroResults int         `json:"zero_results"`
	FirstIs3    int         `json:"first_hit_graded_3"`
	PerQuery    []QueryEval `json:"per_query"`
}

// Evaluate runs every judged query (top 10) and computes nDCG@10, MRR (the
// reciprocal rank of the first hit graded 3) and the zero-result count.
// Titles are compared after corpus.NormalizeTitle.
func (e *Engine) Evaluate(ctx context.Context, js []Judgment) (Evaluation, error) {
	grades, order := groupJudgments(js)
	var ev Evaluation
	for _, q := range order {
		res, err := e.Search(ctx, Request{Query: q, Size: 10})
		if err != nil {
			return ev, fmt.Errorf("evaluate %q: %w", q, err)
		}
		ev.PerQuery = append(ev.PerQuery, evalQuery(q, res, grades[q]))
	}
	ev.summarise()
	return ev, nil
}

func groupJudgments(js []Judgment) (map[string]map[string]int, []string) {
	grades := map[string]map[string]int{}
	var order []string
	for _, j := range js {
		if grades[j.Query] == nil {
			grades[j.Query] = map[string]int{}
			order = append(order, j.Query)
		}
		grades[j.Query][corpus.NormalizeTitle(j.Title)] = j.Grade
	}
	return grades, order
}

func evalQuery(q string, res *Result, judged map[string]int) QueryEval {
	qe := QueryEval{Query: q, Total: res.Total}
	seen := map[string]bool{}
	dcg := 0.0
	for i, h := range res.Hits {
		t := corpus.NormalizeTitle(h.Title)
		g := judged[t]
		if seen[t] { // a title counts once
			g = 0
		}
		seen[t] = true
		qe.Top, qe.Grades = append(qe.Top, h.Title), append(qe.Grades, g)
		dcg += gain(g, i)
		if g == 3 && qe.RR == 0 {
			qe.RR = 1 / float64(i+1)
		}
	}
	qe.FirstTop = len(qe.Grades) > 0 && qe.Grades[0] == 3
	qe.NDCG = safeDiv(dcg, idealDCG(judged))
	for t, g := range judged {
		if g >= 2 && !seen[t] {
			qe.Missing = append(qe.Missing, t)
		}
	}
	sort.Strings(qe.Missing)
	return qe
}

func gain(grade, rank int) float64 {
	return (math.Pow(2, float64(grade)) - 1) / math.Log2(float64(rank)+2)
}

func idealDCG(judged map[string]int) float64 {
	gs := make([]int, 0, len(judged))
	for _, g := range judged {
		gs = append(gs, g)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(gs)))
	ideal := 0.0
	for i, g := range gs {
		if i == 10 {
			break
		}
		ideal += gain(g, i)
	}
	return ideal
}

func safeDiv(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func (ev *Evaluation) summarise() {
	ev.Queries = len(ev.PerQuery)
	for _, q := range ev.PerQuery {
		ev.NDCG += q.NDCG
		ev.MRR += q.RR
		if q.Total == 0 {
			ev.ZeroResults++
		}
		if q.FirstTop {
			ev.FirstIs3++
		}
	}
	ev.NDCG = safeDiv(ev.NDCG, float64(ev.Queries))
	ev.MRR = safeDiv(ev.MRR, float64(ev.Queries))
}

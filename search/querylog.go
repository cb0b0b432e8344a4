package search

import (
	"sort"
	"strings"
	"sync"
	"time"
)

// QueryCount is a logged query: how often it was searched and, for
// queries that found nothing, the terms it was analysed into (so editors
// can see which dictionary word or synonym is missing).
type QueryCount struct {
	Query  string    `json:"query"`
	Terms  []string  `json:"terms,omitempty"`
	Count  int       `json:"count"`
	Last   time.Time `json:"last"`
	Prefix string    `json:"-"` // normalised query, for suggestions
}

// queryLog counts queries in memory, bounded: once full, new queries are
// not added (the ones already there keep counting).
type queryLog struct {
	mu  sync.Mutex
	max int
	m   map[string]*QueryCount
}

func newQueryLog(max int) *queryLog { return &queryLog{max: max, m: map[string]*QueryCount{}} }

func (l *queryLog) add(q, norm string, terms []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c, ok := l.m[norm]
	if !ok {
		if len(l.m) >= l.max {
			return
		}
		c = &QueryCount{Query: q, Terms: terms, Prefix: norm}
		l.m[norm] = c
	}
	c.Count++
	c.Last = time.Now().UTC()
}

// top returns up to n queries, most frequent first, those with prefix only.
func (l *queryLog) top(n int, prefix string) []QueryCount {
	l.mu.Lock()
	out := make([]QueryCount, 0, len(l.m))
	for _, c := range l.m {
		if strings.HasPrefix(c.Prefix, prefix) {
			out = append(out, *c)
		}
	}
	l.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Query < out[j].Query
	})
	return out[:min(n, len(out))]
}

// ZeroResults lists up to n queries that found nothing, most frequent first.
func (e *Engine) ZeroResults(n int) []QueryCount { return e.zero.top(n, "") }

// PopularQueries lists up to n queries that found something, most frequent first.
func (e *Engine) PopularQueries(n int) []QueryCount { return e.popular.top(n, "") }

// logQuery records a finished search.
func (e *Engine) logQuery(q Query, raw string, res *Result) {
	a := e.analysis()
	norm := strings.Join(strings.Fields(a.Normalize(raw)), " ")
	if res.Total > 0 {
		e.popular.add(raw, norm, nil)
		return
	}
	var ts []string
	for _, c := range q.Clauses {
		ts = append(ts, terms(a.QueryWords(), c.Text)...)
	}
	e.zero.add(raw, norm, ts)
}

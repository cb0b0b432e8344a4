package search

import (
	"strings"

	"github.com/blugelabs/bluge"
	bsearch "github.com/blugelabs/bluge/search"
)

// fieldLabel marks explanation nodes that name the field they scored.
const fieldLabel = "field "

// inField labels q's score explanations with field, so explain=true can
// report each hit's score by field. Without explain it costs nothing: the
// inner searcher is returned as it is.
func inField(q bluge.Query, field string) bluge.Query { return fieldQuery{q: q, field: field} }

type fieldQuery struct {
	q     bluge.Query
	field string
}

func (f fieldQuery) Searcher(i bsearch.Reader, opt bsearch.SearcherOptions) (bsearch.Searcher, error) {
	s, err := f.q.Searcher(i, opt)
	if err != nil || !opt.Explain {
		return s, err
	}
	return labeled{Searcher: s, field: f.field}, nil
}

type labeled struct {
	bsearch.Searcher
	field string
}

func (l labeled) Next(ctx *bsearch.Context) (*bsearch.DocumentMatch, error) {
	m, err := l.Searcher.Next(ctx)
	return l.label(m), err
}

func (l labeled) Advance(ctx *bsearch.Context, n uint64) (*bsearch.DocumentMatch, error) {
	m, err := l.Searcher.Advance(ctx, n)
	return l.label(m), err
}

func (l labeled) label(m *bsearch.DocumentMatch) *bsearch.DocumentMatch {
	if m != nil && m.Explanation != nil {
		m.Explanation = &bsearch.Explanation{Value: m.Explanation.Value, Message: fieldLabel + l.field,
			Children: []*bsearch.Explanation{m.Explanation}}
	}
	return m
}

// scoreByField sums an explanation's labeled parts by field.
func scoreByField(e *bsearch.Explanation) map[string]float64 {
	out := map[string]float64{}
	var walk func(*bsearch.Explanation)
	walk = func(e *bsearch.Explanation) {
		if e == nil {
			return
		}
		if f, ok := strings.CutPrefix(e.Message, fieldLabel); ok {
			out[f] += e.Value
			return
		}
		for _, c := range e.Children {
			walk(c)
		}
	}
	walk(e)
	return out
}

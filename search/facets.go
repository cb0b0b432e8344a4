package search

import (
	"context"
	"fmt"
	"sort"

	"github.com/blugelabs/bluge"
	bsearch "github.com/blugelabs/bluge/search"

	"github.com/wensou/wensou/indexer"
)

// Facet sizes: the top kinds and months reported, as bluge's terms
// aggregation trims them.
const (
	kindFacetSize  = 10
	monthFacetSize = 36
)

// facetTable maps every document number of one reader to the index of
// its kind and month (0: none), so a search counts facets with two slice
// lookups per match instead of reading doc values per match (which cost
// about half of a search's CPU).
type facetTable struct {
	kinds, months []string // names by index; [0] is unused
	kind          []uint16 // by document number
	month         []uint16
}

// facetCache holds the facet table of the most recent reader.
type facetCache struct{ perReader[*facetTable] }

// get returns r's facet table, building it once per reader.
func (c *facetCache) get(ctx context.Context, r *bluge.Reader) (*facetTable, error) {
	t, err := c.perReader.get(r, func() (*facetTable, error) { return buildFacetTable(ctx, r) })
	if err != nil {
		return nil, fmt.Errorf("facet table: %w", err)
	}
	return t, nil
}

// buildFacetTable reads the postings of every kind and month term of r.
func buildFacetTable(ctx context.Context, r *bluge.Reader) (*facetTable, error) {
	t := &facetTable{}
	var err error
	if t.kinds, t.kind, err = fieldOrdinals(ctx, r, indexer.FieldKind); err != nil {
		return nil, err
	}
	if t.months, t.month, err = fieldOrdinals(ctx, r, indexer.FieldMonth); err != nil {
		return nil, err
	}
	return t, nil
}

// fieldOrdinals returns the terms of a single-valued keyword field (with
// "" at index 0) and, by document number, the index of each document's
// term.
func fieldOrdinals(ctx context.Context, r *bluge.Reader, field string) ([]string, []uint16, error) {
	names := []string{""}
	var ords []uint16
	it, err := r.DictionaryIterator(field, nil, nil, nil)
	if err != nil {
		return nil, nil, err
	}
	defer func() { _ = it.Close() }()
	for {
		entry, err := it.Next()
		if err != nil {
			return nil, nil, err
		}
		if entry == nil {
			return names, ords, nil
		}
		if len(names) > 1<<16-1 {
			return nil, nil, fmt.Errorf("field %s: more than %d terms", field, 1<<16-1)
		}
		names = append(names, entry.Term())
		if ords, err = markPostings(ctx, r, field, entry.Term(), uint16(len(names)-1), ords); err != nil {
			return nil, nil, err
		}
	}
}

// markPostings sets ords[n] = ord for every live document n holding term
// (no scoring, no collector: the table of poetry's 79k documents builds in
// about a millisecond).
func markPostings(ctx context.Context, r *bluge.Reader, field, term string, ord uint16, ords []uint16) ([]uint16, error) {
	err := visitPostings(ctx, r, field, term, func(d uint64) {
		for uint64(len(ords)) <= d {
			ords = append(ords, 0)
		}
		ords[d] = ord
	})
	return ords, err
}

// visitPostings calls visit with every live document holding term in
// field, in order, walking its postings for documents only and checking
// ctx every 4,096 documents.
func visitPostings(ctx context.Context, r *bluge.Reader, field, term string, visit func(doc uint64)) error {
	err := withSearchReader(ctx, r, func(sr bsearch.Reader) error {
		pi, err := sr.PostingsIterator([]byte(term), field, false, false, false)
		if err != nil {
			return err
		}
		defer func() { _ = pi.Close() }()
		for n := 0; ; n++ {
			if n&4095 == 4095 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			p, err := pi.Next()
			if err != nil || p == nil {
				return err
			}
			visit(p.Number())
		}
	})
	if err != nil {
		return fmt.Errorf("postings of %s:%q: %w", field, term, err)
	}
	return nil
}

// facetAgg counts the kinds and months of the matches of one search from
// a facetTable. Its results equal those of bluge's terms aggregations of
// size kindFacetSize and monthFacetSize over the kind and month fields,
// ties included (see facetCounter.top).
type facetAgg struct {
	t            *facetTable
	kinds, month facetCounter
	own          []ownFacet // the request's facets of own fields
}

func newFacetAgg(t *facetTable, own []ownFacet) *facetAgg {
	return &facetAgg{t: t, kinds: newFacetCounter(len(t.kinds)), month: newFacetCounter(len(t.months)), own: own}
}

func (a *facetAgg) Fields() []string               { return nil }
func (a *facetAgg) Calculator() bsearch.Calculator { return a }
func (a *facetAgg) Finish()                        {}
func (a *facetAgg) Merge(bsearch.Calculator)       {}

// Consume counts one match.
func (a *facetAgg) Consume(d *bsearch.DocumentMatch) { a.count(d.Number) }

// count counts the document numbered n.
func (a *facetAgg) count(n uint64) {
	if n < uint64(len(a.t.kind)) {
		a.kinds.add(a.t.kind[n])
	}
	if n < uint64(len(a.t.month)) {
		a.month.add(a.t.month[n])
	}
	for i := range a.own {
		a.own[i].count(n)
	}
}

// facets returns the counts as the API reports them.
func (a *facetAgg) facets() Facets {
	f := Facets{Kind: a.kinds.top(a.t.kinds, kindFacetSize), Month: a.month.top(a.t.months, monthFacetSize)}
	if len(a.own) > 0 {
		f.Fields = make(map[string]map[string]uint64, len(a.own))
		for i := range a.own {
			f.Fields[a.own[i].name] = a.own[i].top()
		}
	}
	return f
}

// facetCounter counts matches by term index, remembering the order in
// which terms were first seen.
type facetCounter struct {
	counts []uint64
	order  []uint16
}

func newFacetCounter(n int) facetCounter { return facetCounter{counts: make([]uint64, n)} }

func (c *facetCounter) add(i uint16) {
	if i == 0 {
		return
	}
	if c.counts[i] == 0 {
		c.order = append(c.order, i)
	}
	c.counts[i]++
}

// top returns the size most frequent terms with their counts. It sorts the
// terms in first-seen order with sort.Sort on the reversed count order,
// exactly as bluge's TermsCalculator does, so ties at the cut keep the same
// terms.
func (c *facetCounter) top(names []string, size int) map[string]uint64 {
	s := byCount{order: c.order, counts: c.counts}
	sort.Sort(sort.Reverse(s))
	out := make(map[string]uint64, min(size, len(s.order)))
	for _, i := range s.order[:min(size, len(s.order))] {
		out[names[i]] = c.counts[i]
	}
	return out
}

type byCount struct {
	order  []uint16
	counts []uint64
}

func (s byCount) Len() int           { return len(s.order) }
func (s byCount) Less(i, j int) bool { return s.counts[s.order[i]] < s.counts[s.order[j]] }
func (s byCount) Swap(i, j int)      { s.order[i], s.order[j] = s.order[j], s.order[i] }

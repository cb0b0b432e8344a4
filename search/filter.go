package search

import (
	"fmt"
	"strings"
	"time"

	"github.com/blugelabs/bluge"
	bsearch "github.com/blugelabs/bluge/search"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
)

// Sort orders of a search.
const (
	SortRelevance = "relevance"
	SortDate      = "date"
)

// Facets count the matching documents by kind and by month of publication
// ("2006-01").
type Facets struct {
	Kind  map[string]uint64 `json:"kind"`
	Month map[string]uint64 `json:"month"`
	// Fields are the value counts of the own fields Request.Facets names
	// (their top 20), marshalled beside kind and month.
	Fields map[string]map[string]uint64 `json:"-"`
}

// validateFilters checks the filter fields of req.
func validateFilters(req *Request) error {
	switch corpus.Kind(req.Kind) {
	case "", corpus.KindArticle, corpus.KindRelated:
	default:
		return fmt.Errorf("%w: kind must be article or related, not %q", ErrBadFilter, req.Kind)
	}
	switch {
	case req.Sort == "", req.Sort == SortRelevance, req.Sort == SortDate, strings.Contains(req.Sort, ":"):
	default:
		return fmt.Errorf("%w: sort must be relevance or date, not %q", ErrBadFilter, req.Sort)
	}
	if !req.From.IsZero() && !req.To.IsZero() && req.To.Before(req.From) {
		return fmt.Errorf("%w: to is before from", ErrBadFilter)
	}
	return nil
}

// filtered wraps q with the request's filters; filters never change scores.
func filtered(q bluge.Query, req Request) bluge.Query {
	if req.Kind == "" && req.From.IsZero() && req.To.IsZero() {
		return q
	}
	b := bluge.NewBooleanQuery().AddMust(q)
	if req.Kind != "" {
		b.AddMust(bluge.NewTermQuery(req.Kind).SetField(indexer.FieldKind).SetBoost(0))
	}
	if !req.From.IsZero() || !req.To.IsZero() {
		b.AddMust(dateRange(req.From, req.To))
	}
	return b
}

// dateRange matches publish times from the start of day from to the end of
// day to (either may be zero: open). Every indexed publish time lies in
// [corpus.MinPublished, corpus.MaxPublished), so bounds outside it are
// clamped to it, which changes no result: from=0001-01-01 is open, and
// from=9999-12-31 matches nothing. (Unclamped, such times overflow the
// index's int64 nanoseconds and the range is wrong or an error.)
func dateRange(from, to time.Time) bluge.Query {
	end := time.Time{}
	if !to.IsZero() {
		end = clampDate(to.AddDate(0, 0, 1))
	}
	if !from.IsZero() {
		from = clampDate(from)
	}
	return bluge.NewDateRangeInclusiveQuery(from, end, true, false).SetField(indexer.FieldPublished).SetBoost(0)
}

// clampDate bounds t to [corpus.MinPublished, corpus.MaxPublished].
func clampDate(t time.Time) time.Time {
	if lo := corpus.MinPublished(); t.Before(lo) {
		return lo
	}
	if hi := corpus.MaxPublished(); t.After(hi) {
		return hi
	}
	return t
}

// validateFields parses the request's filters, facets and field sort
// against the declared fields.
func (e *Engine) validateFields(req *Request) error {
	req.filters = req.filters[:0:0]
	for _, s := range req.Filters {
		f, err := parseFieldFilter(s, e.cfg.Fields)
		if err != nil {
			return err
		}
		req.filters = append(req.filters, f)
	}
	for _, name := range req.Facets {
		if spec, ok := e.cfg.Fields[name]; !ok || !spec.Facet {
			return fmt.Errorf("%w: %q is not a facet field", ErrUnknownField, name)
		}
	}
	name, desc, _, err := parseFieldSort(req.Sort, e.cfg.Fields)
	req.sortField, req.sortDesc = name, desc
	return err
}

// order is the order of the request's hits.
func (req Request) order() bsearch.SortOrder {
	if req.sortField != "" {
		return fieldSortOrder(req.sortField, req.sortDesc)
	}
	return sortOrder(req.Sort)
}

// sortOrder is the order of hits for a request's sort.
func sortOrder(sort string) bsearch.SortOrder {
	if sort == SortDate {
		return bsearch.SortOrder{
			bsearch.SortBy(bsearch.Field(indexer.FieldPublished)).Desc(),
			bsearch.SortBy(bsearch.DocumentScore()).Desc(),
		}
	}
	return bsearch.SortOrder{bsearch.SortBy(bsearch.DocumentScore()).Desc()}
}

package search

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/blugelabs/bluge"
	bsearch "github.com/blugelabs/bluge/search"

	"github.com/wensou/wensou/indexer"
)

// Field types of FieldSpec.Type.
const (
	TypeText    = "text"
	TypeKeyword = "keyword"
	TypeNumber  = "number"
	TypeDate    = "date"
)

// FieldSpec is how search treats one of the documents' own fields (the
// configuration's fields): whether filter=, facets= and sort= accept it.
// Filters match the field's values exactly (indexer.OwnExact), ranges and
// sorting read its number (indexer.OwnNumber).
type FieldSpec struct {
	Type       string // text (default), keyword, number or date
	Filterable bool
	Facet      bool
	Sortable   bool
}

// ErrUnknownField: a filter, facet or sort names a field the configuration
// does not declare as filterable, facet or sortable.
var ErrUnknownField = errors.New("unknown field")

// fieldFilter is one parsed filter=NAME:… of a request: any of values, or
// the range [lo, hi] of a number or date field.
type fieldFilter struct {
	name   string
	values []string
	ranged bool
	lo, hi float64
}

// parseFieldFilter reads NAME:value, NAME:"a value", NAME:(a OR b) or
// NAME:[lo TO hi] (* for an open end) against the declared fields.
func parseFieldFilter(s string, fields map[string]FieldSpec) (fieldFilter, error) {
	name, expr, ok := strings.Cut(strings.TrimSpace(s), ":")
	name, expr = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(expr)
	if !ok || name == "" || expr == "" {
		return fieldFilter{}, fmt.Errorf("%w: filter %q: want NAME:value, NAME:(a OR b) or NAME:[lo TO hi]", ErrBadFilter, s)
	}
	spec, ok := fields[name]
	if !ok || !spec.Filterable {
		return fieldFilter{}, fmt.Errorf("%w: %q is not a filterable field", ErrUnknownField, name)
	}
	f := fieldFilter{name: name}
	var err error
	switch {
	case strings.HasPrefix(expr, "["):
		err = f.parseRange(expr, spec)
	case strings.HasPrefix(expr, "("):
		err = f.parseAny(expr)
	default:
		f.values = []string{unquote(expr)}
	}
	if err != nil {
		return fieldFilter{}, fmt.Errorf("%w: filter %q: %w", ErrBadFilter, s, err)
	}
	return f, nil
}

func (f *fieldFilter) parseAny(expr string) error {
	inner, ok := strings.CutSuffix(strings.TrimPrefix(expr, "("), ")")
	if !ok {
		return errors.New("missing )")
	}
	for _, v := range strings.Split(inner, " OR ") {
		if v = unquote(strings.TrimSpace(v)); v == "" {
			return errors.New("empty value")
		}
		f.values = append(f.values, v)
	}
	return nil
}

func (f *fieldFilter) parseRange(expr string, spec FieldSpec) error {
	if spec.Type != TypeNumber && spec.Type != TypeDate {
		return errors.New("a range needs a number or date field")
	}
	inner, ok := strings.CutSuffix(strings.TrimPrefix(expr, "["), "]")
	lo, hi, ok2 := strings.Cut(inner, " TO ")
	if !ok || !ok2 {
		return errors.New("want [lo TO hi]")
	}
	var err error
	if f.lo, err = bound(lo, math.Inf(-1), spec.Type); err != nil {
		return err
	}
	if f.hi, err = bound(hi, math.Inf(1), spec.Type); err != nil {
		return err
	}
	f.ranged = true
	return nil
}

// bound reads one end of a range: * is open (def); a date field's ends
// are dates.
func bound(s string, def float64, typ string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "*" {
		return def, nil
	}
	n, isDate, ok := indexer.OwnValue(s)
	if !ok || isDate != (typ == TypeDate) {
		return 0, fmt.Errorf("%q is not a %s", s, typ)
	}
	return n, nil
}

func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}

// query is the filter as a bluge query (filters never score).
func (f fieldFilter) query() bluge.Query {
	if f.ranged {
		return bluge.NewNumericRangeInclusiveQuery(f.lo, f.hi, true, true).SetField(indexer.OwnNumber(f.name))
	}
	if len(f.values) == 1 {
		return bluge.NewTermQuery(f.values[0]).SetField(indexer.OwnExact(f.name))
	}
	b := bluge.NewBooleanQuery().SetMinShould(1)
	for _, v := range f.values {
		b.AddShould(bluge.NewTermQuery(v).SetField(indexer.OwnExact(f.name)))
	}
	return b
}

// key is the filter's part of the cache key.
func (f fieldFilter) key() string {
	if f.ranged {
		return fmt.Sprintf("%s[%g,%g]", f.name, f.lo, f.hi)
	}
	return fmt.Sprintf("%s%q", f.name, f.values)
}

// parseFieldSort reads sort=NAME:asc|desc of a sortable field; ok false
// when s is not of that form.
func parseFieldSort(s string, fields map[string]FieldSpec) (name string, desc bool, ok bool, err error) {
	name, dir, found := strings.Cut(s, ":")
	if !found {
		return "", false, false, nil
	}
	if spec, ok := fields[name]; !ok || !spec.Sortable {
		return "", false, true, fmt.Errorf("%w: %q is not a sortable field", ErrUnknownField, name)
	}
	switch dir {
	case "asc":
	case "desc":
		desc = true
	default:
		return "", false, true, fmt.Errorf("%w: sort %q: want NAME:asc or NAME:desc", ErrBadFilter, s)
	}
	return name, desc, true, nil
}

// fieldSortOrder orders hits by an own field's number (documents without
// one last), then by score.
func fieldSortOrder(name string, desc bool) bsearch.SortOrder {
	by := bsearch.SortBy(bsearch.Field(indexer.OwnNumber(name)))
	if desc {
		by = by.Desc()
	}
	return bsearch.SortOrder{by, bsearch.SortBy(bsearch.DocumentScore()).Desc()}
}

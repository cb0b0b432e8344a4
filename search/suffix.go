package search

import (
	"context"
	"fmt"
	"sync"
	"unicode/utf8"

	"github.com/blugelabs/bluge"
	bsearch "github.com/blugelabs/bluge/search"
)

// A lone character of a query (贷) is in the bigram fields only inside
// bigrams: as the first character (a term range, cheap) or as the second
// (网贷). For the second, a suffix table maps each character to the
// bigrams that end with it, built once per reader and field from the
// field's dictionary; fields with more than maxSuffixTerms terms get no
// table (the walk and the memory would outweigh what a lone character
// adds there: the word fields and the prefix range still find it).
const (
	maxSuffixTerms  = 300_000
	maxSuffixTokens = 200_000 // a field with more tokens is not even walked (its dictionary is too big to walk per reader)
)

// suffixTable maps a character to the bigram terms ending with it.
type suffixTable struct {
	by map[rune][]string
	ok bool // false: the field has too many terms, no table
}

// suffixTables holds the tables of one reader by field.
type suffixTables struct {
	mu sync.Mutex
	m  map[string]*suffixTable
}

type suffixCache struct{ perReader[*suffixTables] }

// tables returns r's tables (empty until a field is asked for).
func (c *suffixCache) tables(r *bluge.Reader) *suffixTables {
	t, _ := c.perReader.get(r, func() (*suffixTables, error) { return &suffixTables{m: map[string]*suffixTable{}}, nil })
	return t
}

// ending returns the bigram terms of field that end with ch (nil: none,
// or no table for the field).
func (ts *suffixTables) ending(ctx context.Context, r bsearch.Reader, field, ch string) ([]string, error) {
	if ts == nil {
		return nil, nil
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	t, ok := ts.m[field]
	if !ok {
		var err error
		if t, err = buildSuffixTable(ctx, r, field); err != nil {
			return nil, err
		}
		ts.m[field] = t
	}
	c, _ := utf8.DecodeRuneInString(ch)
	return t.by[c], nil
}

func buildSuffixTable(ctx context.Context, r bsearch.Reader, field string) (*suffixTable, error) {
	if cs, err := r.CollectionStats(field); err != nil || cs == nil || cs.SumTotalTermFrequency() > maxSuffixTokens {
		return &suffixTable{}, nil
	}
	it, err := r.DictionaryIterator(field, nil, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("suffix table of %s: %w", field, err)
	}
	defer func() { _ = it.Close() }()
	t := &suffixTable{by: map[rune][]string{}, ok: true}
	for n := 0; ; n++ {
		if n > maxSuffixTerms {
			return &suffixTable{}, nil
		}
		if n&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("suffix table of %s: %w", field, err)
			}
		}
		e, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("suffix table of %s: %w", field, err)
		}
		if e == nil {
			return t, nil
		}
		term := e.Term()
		if _, first := utf8.DecodeRuneInString(term); first < len(term) {
			last, size := utf8.DecodeLastRuneInString(term)
			if first+size == len(term) {
				t.by[last] = append(t.by[last], term)
			}
		}
	}
}

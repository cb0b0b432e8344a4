package search

import (
	"context"
	"fmt"
	"unicode/utf8"

	"github.com/blugelabs/bluge"

	"github.com/wensou/wensou/indexer"
)

// One character off: a word of three or more characters that no text
// holds is compared with the titles' words of the same length that differ
// from it in exactly one character (爱组机 → 爱租机); the one most titles
// hold wins. The candidates come from a per-reader table keyed by each
// title word with one character blanked, built from the title word
// dictionary when a search first needs it.

// Bounds of the one-off table: title words of typoMinRunes..typoMaxRunes
// characters, at most typoMaxTerms of them (larger dictionaries get no
// table), typoMaxPerKey candidates per blanked key.
const (
	typoMinRunes  = 3
	typoMaxRunes  = 8
	typoMaxTerms  = 300_000
	typoMaxPerKey = 8
)

// typoTable maps a word with one character blanked to the title words
// that have it, with the number of titles holding each.
type typoTable struct {
	by map[string][]typoWord
}

type typoWord struct {
	term  string
	count uint64
}

type typoCache struct{ perReader[*typoTable] }

func (c *typoCache) get(ctx context.Context, r *bluge.Reader) (*typoTable, error) {
	t, err := c.perReader.get(r, func() (*typoTable, error) { return buildTypoTable(ctx, r) })
	if err != nil {
		return nil, fmt.Errorf("one-off table: %w", err)
	}
	return t, nil
}

func buildTypoTable(ctx context.Context, r *bluge.Reader) (*typoTable, error) {
	it, err := r.DictionaryIterator(indexer.FieldTitle, nil, nil, nil)
	if err != nil {
		return nil, err
	}
	defer func() { _ = it.Close() }()
	t := &typoTable{by: map[string][]typoWord{}}
	for n := 0; ; n++ {
		if n > typoMaxTerms {
			return &typoTable{}, nil
		}
		if n&4095 == 4095 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		e, err := it.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			return t, nil
		}
		term := e.Term()
		if k := utf8.RuneCountInString(term); k < typoMinRunes || k > typoMaxRunes || !allHan(term) {
			continue
		}
		for _, key := range blanked(term) {
			if ws := t.by[key]; len(ws) < typoMaxPerKey {
				t.by[key] = append(ws, typoWord{term: term, count: e.Count()})
			}
		}
	}
}

// blanked returns w with each of its characters in turn replaced by '*'.
func blanked(w string) []string {
	out := make([]string, 0, utf8.RuneCountInString(w))
	for i, r := range w {
		out = append(out, w[:i]+"*"+w[i+utf8.RuneLen(r):])
	}
	return out
}

// oneOff returns the title word one character off w that most titles
// hold, "" when there is none.
func (t *typoTable) oneOff(w string) string {
	if t == nil || t.by == nil {
		return ""
	}
	best := typoWord{}
	for _, key := range blanked(w) {
		for _, c := range t.by[key] {
			if c.term != w && (c.count > best.count || c.count == best.count && c.term < best.term) {
				best = c
			}
		}
	}
	return best.term
}

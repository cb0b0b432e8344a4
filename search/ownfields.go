package search

import (
	"fmt"
	"slices"

	"github.com/blugelabs/bluge"

	"github.com/wensou/wensou/indexer"
)

// A document's own fields (corpus.Document.Fields: a poem's author, a
// product's brand) are searched like the headings: every query word is
// looked for in each of them, as a word and as its characters in a row,
// and a clause held as typed there earns the containment bonus. Their
// weights come from Config.FieldWeights; the fields are those the served
// index holds, read once per reader.

// DefaultOwnWeight is the weight of an own field Config.FieldWeights does
// not name: above the body (1), below the headings (2.5).
const DefaultOwnWeight = 2

// ownFieldCache holds the own fields of the most recent reader.
type ownFieldCache struct{ perReader[[]string] }

// ownFields returns the text fields of r's own fields at their weights.
func (e *Engine) ownFields(r *bluge.Reader) ([]textField, error) {
	names, err := e.own.get(r, func() ([]string, error) { return readOwnFields(r) })
	if err != nil {
		return nil, fmt.Errorf("own fields: %w", err)
	}
	var out []textField
	for _, name := range names {
		w, ok := e.cfg.FieldWeights[name]
		switch {
		case !ok || w == 0:
			w = DefaultOwnWeight
		case w < 0:
			continue // not searched
		}
		words, bigrams := indexer.OwnFields(name)
		out = append(out, textField{words: words, bigrams: bigrams, wWords: w,
			wBig: w * e.cfg.Weights.BodyBigram / e.cfg.Weights.Body})
	}
	return out, nil
}

// readOwnFields lists the own fields r holds, sorted.
func readOwnFields(r *bluge.Reader) ([]string, error) {
	fields, err := r.Fields()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, f := range fields {
		if name, ok := indexer.IsOwnWords(f); ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names, nil
}

// fields returns the text fields a clause restricted to only (or to none)
// is looked for in: the fixed ones and, unrestricted, the own fields.
func (b builder) fields(only string) []textField {
	fs := b.w.fields(only)
	if only != "" || len(b.own) == 0 {
		return fs
	}
	return append(slices.Clip(fs), b.own...)
}

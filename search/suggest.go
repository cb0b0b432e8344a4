package search

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/blugelabs/bluge"

	"github.com/wensou/wensou/indexer"
)

// Suggestion is one completion for a search box.
type Suggestion struct {
	Text string `json:"text"`
	URL  string `json:"url,omitempty"`
	Kind string `json:"kind"`
}

// MaxSuggestPrefix bounds how long a suggest prefix may be, in characters.
const MaxSuggestPrefix = 64

// maxPopularSuggestions is how many frequent queries lead the suggestions.
const maxPopularSuggestions = 3

// Suggest completes what a visitor has typed so far from queries searched
// more than once that start with it (kind "query", first, at most 3) and
// from the titles: a
// title holding the text (as typed, Traditional or Simplified), a title
// word starting with its last character, or titles whose pinyin or
// pinyin initials start with latin input (zfb → 支付宝…). Titles starting
// with the text come first. At most size suggestions, distinct by text.
func (e *Engine) Suggest(ctx context.Context, prefix string, size int) ([]Suggestion, error) {
	prefix = strings.TrimSpace(prefix)
	if size <= 0 || size > 20 {
		return nil, fmt.Errorf("%w: suggest size must be 1..20", ErrBadSize)
	}
	if prefix == "" {
		return nil, ErrEmptyQuery
	}
	if utf8.RuneCountInString(prefix) > MaxSuggestPrefix {
		return nil, fmt.Errorf("%w: suggest prefix over %d characters", ErrQueryTooLong, MaxSuggestPrefix)
	}
	r, release, err := e.readers.Acquire()
	if err != nil {
		return nil, fmt.Errorf("suggest %q: %w", prefix, err)
	}
	defer release()
	a := e.analysis()
	q := suggestQuery(a, a.Normalize(prefix))
	if q == nil {
		return []Suggestion{}, nil
	}
	out, err := e.collectSuggestions(ctx, r, q, a.Normalize(prefix), size)
	if err != nil {
		return nil, fmt.Errorf("suggest %q: %w", prefix, err)
	}
	return out, nil
}

func suggestQuery(a Analysis, norm string) bluge.Query {
	q := bluge.NewBooleanQuery().SetMinShould(1)
	n := 0
	if isLatin(strings.ReplaceAll(norm, " ", "")) {
		compact := strings.ReplaceAll(norm, " ", "")
		q.AddShould(bluge.NewPrefixQuery(compact).SetField(indexer.FieldTitlePinyin))
		q.AddShould(bluge.NewTermQuery(compact).SetField(indexer.FieldTitlePinyin).SetBoost(2))
		n++
	}
	b := builder{a: a}
	if bq := b.bigramQuery(norm, indexer.FieldTitleBigram, 2); bq != nil && utf8.RuneCountInString(norm) > 1 {
		q.AddShould(bq)
		n++
	}
	if last, _ := utf8.DecodeLastRuneInString(norm); utf8.RuneCountInString(norm) == 1 && last > 0x2E80 {
		q.AddShould(bluge.NewPrefixQuery(string(last)).SetField(indexer.FieldTitleBigram))
		q.AddShould(bluge.NewTermQuery(string(last)).SetField(indexer.FieldTitleBigram))
		n++
	}
	if n == 0 {
		return nil
	}
	return q
}

// collectSuggestions runs q and keeps distinct titles, those starting with
// the typed text first.
func (e *Engine) collectSuggestions(ctx context.Context, r *bluge.Reader, q bluge.Query, norm string, size int) ([]Suggestion, error) {
	it, err := r.Search(ctx, bluge.NewTopNSearch(size*4, q))
	if err != nil {
		return nil, err
	}
	var starts, others []Suggestion
	seen := map[string]bool{}
	a := e.analysis()
	for {
		m, err := it.Next()
		if err != nil {
			return nil, err
		}
		if m == nil {
			break
		}
		s, err := suggestion(m.VisitStoredFields)
		if err != nil || seen[s.Text] {
			continue
		}
		seen[s.Text] = true
		if strings.HasPrefix(a.Normalize(s.Text), norm) {
			starts = append(starts, s)
		} else {
			others = append(others, s)
		}
	}
	var popular []Suggestion
	for _, qc := range e.popular.top(min(size, maxPopularSuggestions), norm) {
		if !seen[qc.Query] && qc.Count > 1 && qc.Prefix != norm {
			seen[qc.Query] = true
			popular = append(popular, Suggestion{Text: qc.Query, Kind: "query"})
		}
	}
	out := append(append(popular, starts...), others...)
	return out[:min(size, len(out))], nil
}

func suggestion(visit indexer.StoredVisitor) (Suggestion, error) {
	var s Suggestion
	err := visit(func(field string, value []byte) bool {
		switch field {
		case indexer.FieldTitle:
			s.Text = string(value)
		case indexer.FieldURL:
			s.URL = string(value)
		case indexer.FieldKind:
			s.Kind = string(value)
		}
		return true
	})
	return s, err
}

package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blugelabs/bluge"
	blugesearch "github.com/blugelabs/bluge/search"

	"github.com/wensou/wensou/indexer"
	"github.com/wensou/wensou/segment"
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

// suggestHits is how many hits of each suggest query are read, per
// suggestion asked for: titles repeat (poems share titles) and only
// distinct ones count.
const suggestHits = 4

// maxSuggestCandidates bounds the matches of one suggest query that are
// ranked: the best of the first ones in index order are suggested, so a
// character held by thousands of titles costs no more than a rare one.
const maxSuggestCandidates = 256

// Suggest completes what a visitor has typed so far from learned queries
// that start with it (kind "query", first, at most 3; see QueryPolicy:
// found something, no contact details, enough distinct clients, not
// denied) and
// from the titles: a title holding the text (as typed, Traditional or
// Simplified; one character: a title holding that character), or titles
// whose pinyin or pinyin initials start with latin input (zfb → 支付宝…).
// Titles starting with the text come first. At most size suggestions,
// distinct by text.
//
// On an index with the suggestion field (indexer.FieldTitlePrefix) each
// step is one or two term lookups, and at most maxSuggestCandidates
// matches are ranked; on an index built before the field, Suggest answers
// from the title bigram and pinyin fields as it did then, slower. Any run
// of `wensou index` over such an index (indexer.SchemaVersion 1) analyses
// every document again, so the next generation has the field everywhere.
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
	s := &suggester{a: a, r: r, norm: a.Normalize(prefix), size: size, seen: map[string]bool{}}
	if err := s.titles(ctx); err != nil {
		return nil, fmt.Errorf("suggest %q: %w", prefix, err)
	}
	return s.result(e.popular), nil
}

// suggester collects the title suggestions of one Suggest call.
type suggester struct {
	a      Analysis
	r      *bluge.Reader
	norm   string // the typed text, normalised
	size   int
	seen   map[string]bool // texts already suggested
	starts []Suggestion    // titles starting with norm
	others []Suggestion    // titles holding it elsewhere
}

// titles fills starts and others: from the suggestion field if the index
// has it, else with the query of indexes built before it.
func (s *suggester) titles(ctx context.Context) error {
	if s.norm == "" { // only marks that normalise away
		return nil
	}
	fields, err := s.r.Fields()
	if err != nil {
		return fmt.Errorf("list index fields: %w", err)
	}
	startsFull := func() bool { return len(s.starts) >= s.size }
	if !slices.Contains(fields, indexer.FieldTitlePrefix) {
		return s.collect(ctx, legacySuggestQuery(s.a, s.norm), false, startsFull)
	}
	if err := s.collect(ctx, s.startsQuery(), true, startsFull); err != nil {
		return err
	}
	if startsFull() {
		return nil
	}
	return s.collect(ctx, s.holdsQuery(), false, func() bool { return len(s.starts)+len(s.others) >= s.size })
}

// startsQuery finds titles starting with the typed text: one term, the
// typed text's first segment.MaxTitlePrefix characters (collect checks
// the rest).
func (s *suggester) startsQuery() bluge.Query {
	text := s.norm
	if n := runeOffset(text, segment.MaxTitlePrefix); n < len(text) {
		text = text[:n]
	}
	return bluge.NewTermQuery(segment.PrefixMarkTitle + text).SetField(indexer.FieldTitlePrefix)
}

// holdsQuery finds titles holding the typed text elsewhere: one character
// by its term of the suggestion field, longer text by its bigrams, latin
// input by the pinyin of the title's words; nil if none applies.
func (s *suggester) holdsQuery() bluge.Query {
	q := bluge.NewBooleanQuery().SetMinShould(1)
	n := 0
	if pq := pinyinStartsQuery(s.norm); pq != nil {
		q.AddShould(pq)
		n++
	}
	switch r, size := utf8.DecodeRuneInString(s.norm); {
	case size == len(s.norm) && r > 0x2E80:
		q.AddShould(bluge.NewTermQuery(segment.PrefixMarkChar + s.norm).SetField(indexer.FieldTitlePrefix))
		n++
	case size < len(s.norm):
		if bq := (builder{a: s.a}).bigramQuery(s.norm, indexer.FieldTitleBigram, 2); bq != nil {
			q.AddShould(bq)
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return q
}

// pinyinStartsQuery finds titles with a word whose pinyin or initials
// start with latin text (spaces ignored): a term of the suggestion field
// for a few letters, a prefix of the pinyin field beyond (few terms have
// a long prefix); the whole pinyin or initials of a word weigh more. Nil
// if text is not latin.
func pinyinStartsQuery(text string) bluge.Query {
	compact := strings.ReplaceAll(text, " ", "")
	if !isLatin(compact) {
		return nil
	}
	q := bluge.NewBooleanQuery().SetMinShould(1)
	if len(compact) <= segment.MaxPinyinPrefix {
		q.AddShould(bluge.NewTermQuery(segment.PrefixMarkPinyin + compact).SetField(indexer.FieldTitlePrefix))
	} else {
		q.AddShould(bluge.NewPrefixQuery(compact).SetField(indexer.FieldTitlePinyin))
	}
	q.AddShould(bluge.NewTermQuery(compact).SetField(indexer.FieldTitlePinyin).SetBoost(2))
	return q
}

// legacySuggestQuery is the one query of an index without the suggestion
// field: bigrams of the text, a one-character text as the first half of
// bigrams (or alone), pinyin for latin input. Nil if none applies.
func legacySuggestQuery(a Analysis, norm string) bluge.Query {
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

// collect runs q (nothing if nil) and adds its distinct titles, best first,
// to starts or (unless startsOnly) others, until full reports true.
func (s *suggester) collect(ctx context.Context, q bluge.Query, startsOnly bool, full func() bool) error {
	if q == nil {
		return nil
	}
	req := cappedSearch{TopNSearch: bluge.NewTopNSearch(s.size*suggestHits, q), max: maxSuggestCandidates}
	it, err := s.r.Search(ctx, req)
	if err != nil {
		return fmt.Errorf("search titles: %w", err)
	}
	for !full() {
		m, err := it.Next()
		if err != nil {
			return fmt.Errorf("next title: %w", err)
		}
		if m == nil {
			return nil
		}
		sg, err := suggestion(m.VisitStoredFields)
		if err != nil {
			return fmt.Errorf("stored fields of a title hit: %w", err)
		}
		s.add(sg, startsOnly)
	}
	return nil
}

// add files sg under starts if its title starts with the text, else under
// others unless startsOnly, if its text was not suggested yet.
func (s *suggester) add(sg Suggestion, startsOnly bool) {
	if s.seen[sg.Text] {
		return
	}
	switch {
	case strings.HasPrefix(s.a.Normalize(sg.Text), s.norm):
		s.starts = append(s.starts, sg)
	case startsOnly:
		return // the title starts with the indexed part of a longer text only
	default:
		s.others = append(s.others, sg)
	}
	s.seen[sg.Text] = true
}

// result puts the popular queries starting with the text (that the
// QueryPolicy shows: searched by enough distinct clients, not denied; not
// already a title suggestion) before the titles starting
// with it, then the others, at most size in all.
func (s *suggester) result(popular *queryLog) []Suggestion {
	out := make([]Suggestion, 0, s.size)
	for _, qc := range popular.top(min(s.size, maxPopularSuggestions), s.norm, true) {
		if !s.seen[qc.Query] && qc.Prefix != s.norm {
			s.seen[qc.Query] = true
			out = append(out, Suggestion{Text: qc.Query, Kind: "query"})
		}
	}
	out = append(append(out, s.starts...), s.others...)
	return out[:min(s.size, len(out))]
}

// cappedSearch is a TopNSearch that ranks only the first max matches.
type cappedSearch struct {
	*bluge.TopNSearch
	max int
}

// Searcher implements bluge.SearchRequest.
func (c cappedSearch) Searcher(i blugesearch.Reader, config bluge.Config) (blugesearch.Searcher, error) {
	s, err := c.TopNSearch.Searcher(i, config)
	if err != nil {
		return nil, err
	}
	return &cappedSearcher{Searcher: s, left: c.max}, nil
}

// cappedSearcher ends after a number of matches.
type cappedSearcher struct {
	blugesearch.Searcher
	left int
}

// Next returns the next match, nil once the cap is reached.
func (c *cappedSearcher) Next(ctx *blugesearch.Context) (*blugesearch.DocumentMatch, error) {
	if c.left <= 0 {
		return nil, nil
	}
	c.left--
	return c.Searcher.Next(ctx)
}

// runeOffset returns the byte offset of the n-th rune of s (len(s) if s
// has fewer runes).
func runeOffset(s string, n int) int {
	for i := range s {
		if n == 0 {
			return i
		}
		n--
	}
	return len(s)
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

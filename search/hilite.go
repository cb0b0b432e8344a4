package search

import (
	"fmt"
	"slices"
	"strings"

	bsearch "github.com/blugelabs/bluge/search"

	"github.com/wensou/wensou/indexer"
)

// Highlighting reads locations only for the hits of the page: each query
// term's postings are advanced through the hits in document order, so a
// search pays for positions of ten documents, not of every match.

// docSpans are the highlight spans of one hit: from the word fields as
// found, from the bigram fields to be trimmed to the query's characters.
type docSpans struct {
	titleWords, titleGrams, bodyWords, bodyGrams []Span
}

// highlightTerms are what highlighting looks up: words in the word
// fields, and runs of bigrams (a clause or a word as typed, marked only
// where the whole run is there) in the bigram fields.
type highlightTerms struct {
	words []string
	runs  [][]gram
}

// highlightTerms collects the plan's highlight terms (deduplicated, bounded).
func (p *plan) highlightTerms(expand map[string][]string) highlightTerms {
	var ht highlightTerms
	seen := map[string]bool{}
	addW := func(t string) {
		if !seen["w"+t] && len(ht.words) < maxHighlightLen {
			seen["w"+t] = true
			ht.words = append(ht.words, t)
		}
	}
	addRun := func(gs []gram) {
		var key strings.Builder
		for _, g := range gs {
			fmt.Fprintf(&key, "%s@%d ", g.term, g.off)
		}
		if len(gs) > 0 && !seen["g"+key.String()] && len(ht.runs) < maxHighlightLen {
			seen["g"+key.String()] = true
			ht.runs = append(ht.runs, gs)
		}
	}
	for _, c := range p.clauses {
		addRun(c.all)
		words := c.words
		if !c.phrase {
			words = append(slices.Clone(c.words), c.opt...)
		}
		for _, w := range words {
			addW(w.term)
			addRun(w.grams)
			for _, s := range append(slices.Clone(w.syns), w.subs...) {
				addW(s.term)
			}
		}
		if c.lone != "" {
			addW(c.lone)
			addRun([]gram{{term: c.lone}})
			for _, t := range expand[c.lone] {
				addRun([]gram{{term: t}})
			}
		}
	}
	return ht
}

// spanField is one stored text's field and where its spans go.
type spanField struct {
	field string
	pick  func(*docSpans) *[]Span
}

var (
	wordSpanFields = []spanField{
		{indexer.FieldTitle, func(s *docSpans) *[]Span { return &s.titleWords }},
		{indexer.FieldBody, func(s *docSpans) *[]Span { return &s.bodyWords }},
	}
	gramSpanFields = []spanField{
		{indexer.FieldTitleBigram, func(s *docSpans) *[]Span { return &s.titleGrams }},
		{indexer.FieldBodyBigram, func(s *docSpans) *[]Span { return &s.bodyGrams }},
	}
)

// pageSpans returns the spans of every hit document, by document number.
func pageSpans(r bsearch.Reader, p *plan, expand map[string][]string, docs []uint64) (map[uint64]*docSpans, error) {
	out := make(map[uint64]*docSpans, len(docs))
	if r == nil || len(docs) == 0 {
		return out, nil
	}
	sorted := slices.Clone(docs)
	slices.Sort(sorted)
	for _, d := range sorted {
		out[d] = &docSpans{}
	}
	ht := p.highlightTerms(expand)
	stats := &fieldStats{r: r}
	for _, f := range wordSpanFields {
		for _, t := range ht.words {
			if err := runSpans(r, stats, f, []gram{{term: t}}, sorted, out); err != nil {
				return nil, err
			}
		}
	}
	for _, f := range gramSpanFields {
		for _, run := range ht.runs {
			if err := runSpans(r, stats, f, run, sorted, out); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// runSpans adds, on each of the sorted docs, the spans where every gram
// of run is at its offset (one gram: each of its locations).
func runSpans(r bsearch.Reader, stats *fieldStats, f spanField, run []gram, sorted []uint64, out map[uint64]*docSpans) error {
	if stats.get(f.field).docs == 0 {
		return nil
	}
	its := make([]*termIter, 0, len(run))
	defer func() { _ = closeAll(its) }()
	for _, g := range run {
		t, err := newTermIter(r, f.field, g.term, 0, true, stats)
		if err != nil {
			return err
		}
		its = append(its, t)
		if t.cost() == 0 {
			return nil
		}
	}
	for _, d := range sorted {
		on := true
		for _, t := range its {
			if err := t.advance(d); err != nil {
				return err
			}
			on = on && t.on(d)
		}
		if on {
			dst := f.pick(out[d])
			*dst = appendRunSpans(*dst, its, run)
		}
	}
	return nil
}

// appendRunSpans appends the span of every occurrence of the run on the
// iterators' current document.
func appendRunSpans(dst []Span, its []*termIter, run []gram) []Span {
	if len(its) == 1 {
		for _, l := range its[0].locs {
			dst = append(dst, Span{Start: l.Start(), End: l.End()})
		}
		return dst
	}
	at := make([]map[int]Span, len(its))
	for i, t := range its {
		at[i] = make(map[int]Span, len(t.locs))
		for _, l := range t.locs {
			at[i][l.Pos()] = Span{Start: l.Start(), End: l.End()}
		}
	}
	for pos, first := range at[0] {
		s, sp, ok := pos-run[0].off, first, true
		for i := 1; i < len(its) && ok; i++ {
			var o Span
			if o, ok = at[i][s+run[i].off]; ok {
				sp.Start, sp.End = min(sp.Start, o.Start), max(sp.End, o.End)
			}
		}
		if ok {
			dst = append(dst, sp)
		}
	}
	return dst
}

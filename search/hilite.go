package search

import (
	"fmt"
	"slices"
	"strings"

	bsearch "github.com/blugelabs/bluge/search"

	"github.com/wensou/wensou/indexer"
)

// Highlighting looks only at the hits of the page. A title, and a body of
// up to maxAnalysedBody bytes, is re-analysed into bigrams (cheaper than
// reading positions from the index for a few hundred characters); a
// longer body's bigram positions are read from its postings, each query
// gram's postings advanced once through the hits in document order. The
// matches are runs of grams: a clause or a word as typed, marked only
// where the whole run is there.
const maxAnalysedBody = 640

// docSpans are the highlight spans of one hit; the trim lists are matched
// through a lone character's bigrams, to be trimmed to the query's
// characters (贷 inside 网贷 marks 贷).
type docSpans struct {
	title, titleTrim, body, bodyTrim []Span
}

// highlightRun is a run of grams to mark, trim says whether its spans are
// trimmed to the query's characters.
type highlightRun struct {
	grams []gram
	trim  bool
}

// highlightRuns collects the plan's runs (deduplicated, bounded): every
// clause as typed, every word, synonym and sub-word, and a lone
// character's expansions.
func (p *plan) highlightRuns(expand map[string][]string) []highlightRun {
	var runs []highlightRun
	seen := map[string]bool{}
	add := func(gs []gram, trim bool) {
		var key strings.Builder
		for _, g := range gs {
			fmt.Fprintf(&key, "%s@%d ", g.term, g.off)
		}
		if len(gs) > 0 && !seen[key.String()] && len(runs) < maxHighlightLen {
			seen[key.String()] = true
			runs = append(runs, highlightRun{grams: gs, trim: trim})
		}
	}
	for _, c := range p.clauses {
		add(c.all, false)
		words := c.words
		if !c.phrase {
			words = append(slices.Clone(c.words), c.opt...)
		}
		for _, w := range words {
			add(w.grams, false)
			for _, s := range append(slices.Clone(w.syns), w.subs...) {
				add(s.grams, false)
			}
		}
		if c.lone != "" {
			add([]gram{{term: c.lone}}, false)
			for _, t := range expand[c.lone] {
				add([]gram{{term: t}}, true)
			}
		}
	}
	return runs
}

// posToken is one gram occurrence in a text: its position and offsets.
type posToken struct {
	pos        int
	start, end int
}

// tokensByTerm indexes a text's gram occurrences by term.
type tokensByTerm map[string][]posToken

// analysedTokens analyses text into bigrams and keeps the terms of runs.
func analysedTokens(a Analysis, text string, want map[string]bool) tokensByTerm {
	out := tokensByTerm{}
	pos := 0
	for _, t := range a.Bigrams().Analyze([]byte(text)) {
		pos += t.PositionIncr
		if want[string(t.Term)] { // no string is made for the terms not wanted
			term := string(t.Term)
			out[term] = append(out[term], posToken{pos: pos, start: t.Start, end: t.End})
		}
	}
	return out
}

// spans returns the spans of every run in the tokens, split by trim.
func (tt tokensByTerm) spans(runs []highlightRun) (plain, trim []Span) {
	for _, r := range runs {
		first := tt[r.grams[0].term]
		for _, t0 := range first {
			s, sp, ok := t0.pos-r.grams[0].off, Span{Start: t0.start, End: t0.end}, true
			for _, g := range r.grams[1:] {
				var o posToken
				if o, ok = tt.at(g.term, s+g.off); !ok {
					break
				}
				sp.Start, sp.End = min(sp.Start, o.start), max(sp.End, o.end)
			}
			if !ok {
				continue
			}
			if r.trim {
				trim = append(trim, sp)
			} else {
				plain = append(plain, sp)
			}
		}
	}
	return plain, trim
}

// at returns term's occurrence at pos.
func (tt tokensByTerm) at(term string, pos int) (posToken, bool) {
	for _, t := range tt[term] {
		if t.pos == pos {
			return t, true
		}
	}
	return posToken{}, false
}

// present is the set of the grams of the runs that can match in field:
// those without a gram the search found absent there.
func present(runs []highlightRun, field string, absent absentTerms) map[string]bool {
	out := map[string]bool{}
	for _, r := range runs {
		if !absent.anyAbsent(field, r.grams) {
			for _, g := range r.grams {
				out[g.term] = true
			}
		}
	}
	return out
}

// runTerms is the set of the runs' grams.
func runTerms(runs []highlightRun) map[string]bool {
	out := map[string]bool{}
	for _, r := range runs {
		for _, g := range r.grams {
			out[g.term] = true
		}
	}
	return out
}

// hitText is one hit's stored title and body.
type hitText struct {
	doc         uint64
	title, body string
	blocked     bool // the body is stored in blocks (body empty): positions from the postings
}

// pageSpans returns the spans of every hit, by document number.
func pageSpans(r bsearch.Reader, a Analysis, p *plan, out0 *execResult, hits []hitText) (map[uint64]*docSpans, error) {
	out := make(map[uint64]*docSpans, len(hits))
	runs := p.highlightRuns(out0.expand)
	want := runTerms(runs)
	pinyin := out0.pinyin
	var long []uint64
	for _, h := range hits {
		ds := &docSpans{}
		ds.title, ds.titleTrim = analysedTokens(a, h.title, want).spans(runs)
		ds.title = append(ds.title, pinyinSpans(a, h.title, pinyin)...)
		if !h.blocked && len(h.body) <= maxAnalysedBody {
			ds.body, ds.bodyTrim = analysedTokens(a, h.body, want).spans(runs)
		} else {
			long = append(long, h.doc)
		}
		out[h.doc] = ds
	}
	if len(long) == 0 || r == nil {
		return out, nil
	}
	byDoc, err := postingTokens(r, indexer.FieldBodyBigram, present(runs, indexer.FieldBodyBigram, out0.absent), long)
	if err != nil {
		return nil, err
	}
	for d, tt := range byDoc {
		out[d].body, out[d].bodyTrim = tt.spans(runs)
	}
	return out, nil
}

// postingTokens reads the occurrences of the wanted terms in field on each
// of docs from the postings, each term's postings advanced once in order.
func postingTokens(r bsearch.Reader, field string, want map[string]bool, docs []uint64) (map[uint64]tokensByTerm, error) {
	slices.Sort(docs)
	out := make(map[uint64]tokensByTerm, len(docs))
	for _, d := range docs {
		out[d] = tokensByTerm{}
	}
	stats := &fieldStats{r: r}
	if stats.get(field).docs == 0 {
		return out, nil
	}
	for term := range want {
		if err := termTokens(r, stats, field, term, docs, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func termTokens(r bsearch.Reader, stats *fieldStats, field, term string, docs []uint64, out map[uint64]tokensByTerm) error {
	t, err := newTermIter(r, field, term, 0, withLocs, stats)
	if err != nil {
		return err
	}
	defer func() { _ = t.close() }()
	if t.cost() == 0 {
		return nil
	}
	for _, d := range docs {
		if err := t.advance(d); err != nil {
			return err
		}
		if t.doc() == noDoc {
			return nil
		}
		if t.on(d) {
			for _, l := range t.locs {
				out[d][term] = append(out[d][term], posToken{pos: l.Pos(), start: l.Start(), end: l.End()})
			}
		}
	}
	return nil
}

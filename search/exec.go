package search

import (
	"container/heap"
	"context"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/blugelabs/bluge"
	bsearch "github.com/blugelabs/bluge/search"

	"github.com/wensou/wensou/indexer"
)

// execOptions say how a plan is run against one reader.
type execOptions struct {
	w       Weights
	keep    int         // candidates rescored and returned (0: every match, unrescored: date sort)
	relaxed bool        // any unit of any clause suffices
	filter  bluge.Query // kind and date filters (nil: none)
	table   *facetTable
	own     []ownFacet    // facets of own fields the request asks for
	bonus   []bluge.Query // literal boosts: documents they match earn their score
	budget  time.Duration // matching time after which the best so far is returned
	explain bool
	suffix  *suffixTables // bigrams by last character, for lone characters
}

// execResult is what running a plan found.
type execResult struct {
	total   uint64 // matching documents (counted up to the budget)
	facets  *facetAgg
	partial bool // the budget ran out: total and facets count what was seen
	cands   []candidate
	reader  bsearch.Reader
	expand  map[string][]string // lone character → the bigram terms it was expanded to
	pinyin  pinyinMatches       // title pinyin the search matched
	absent  absentTerms         // terms found in no document, by field
}

// candidate is one returned document.
type candidate struct {
	doc    uint64
	score  float64
	fields map[string]float64 // score by field (explain only)
	// lens are the lengths of the title, headings and body bigram fields
	// as the first phase's leaves saw them (0: unseen), which the second
	// phase scores the word fields with.
	lens [3]float64
}

// bigramSlot is the index of a bigram field in candidate.lens, -1 for
// other fields.
func bigramSlot(field string) int {
	switch field {
	case indexer.FieldTitleBigram:
		return 0
	case indexer.FieldHeadingBigram:
		return 1
	case indexer.FieldBodyBigram:
		return 2
	}
	return -1
}

// planQuery runs a plan inside bluge's search: the collector pages, sorts
// and visits stored fields; matching and scoring are the executor's.
type planQuery struct {
	ctx context.Context
	p   *plan
	opt execOptions
	out *execResult
}

func (q *planQuery) Searcher(r bsearch.Reader, so bsearch.SearcherOptions) (bsearch.Searcher, error) {
	so.Explain, so.IncludeTermVectors = false, false
	x := &executor{ctx: q.ctx, p: q.p, opt: q.opt, r: r, so: so, stats: &fieldStats{r: r}, derived: map[int][]docIter{}, counts: map[string]uint64{}, wordless: map[int]uint64{},
		res: &execResult{reader: r, facets: newFacetAgg(q.opt.table, q.opt.own), expand: map[string][]string{}, absent: absentTerms{}}}
	defer x.closeAll()
	if err := x.run(); err != nil {
		return nil, err
	}
	*q.out = *x.res
	return &candSearcher{c: x.res.cands, r: r, explain: q.opt.explain}, nil
}

// fieldStats caches the collection statistics of the fields one search reads.
type fieldStats struct {
	r bsearch.Reader
	m map[string]fieldStat
}

type fieldStat struct{ docs, sumLen uint64 }

func (s *fieldStats) get(field string) fieldStat {
	if st, ok := s.m[field]; ok {
		return st
	}
	var st fieldStat
	if cs, err := s.r.CollectionStats(field); err == nil && cs != nil {
		st = fieldStat{docs: cs.DocumentCount(), sumLen: cs.SumTotalTermFrequency()}
	}
	if s.m == nil {
		s.m = map[string]fieldStat{}
	}
	s.m[field] = st
	return st
}

// executor runs one plan on one reader.
type executor struct {
	ctx   context.Context
	p     *plan
	opt   execOptions
	r     bsearch.Reader
	so    bsearch.SearcherOptions // bluge's, for filter and boost searchers
	stats *fieldStats
	res   *execResult
	open  []docIter // closed at the end
	// derived holds, by clause, the match tree's per-field iterators that
	// say whether the clause is held as typed (see containIter).
	derived map[int][]docIter
	// lazy are units that do not decide what matches but score where
	// they hold (see informative), advanced to each match.
	lazy []docIter
	// counts are the document frequencies of the terms opened, by field
	// and term (absentTerms.key).
	counts map[string]uint64
	// wordless has, by clause, bit j set when a word of the clause is in
	// no document's field j (see noteAbsent).
	wordless map[int]uint64
}

func (x *executor) closeAll() {
	for _, it := range x.open {
		_ = it.close()
	}
}

// term opens a term leaf; nil when the field has no such term.
func (x *executor) term(field, term string, boost float64, locs bool) (*termIter, error) {
	mode := withFreqs
	if locs {
		mode = withLocs
	}
	return x.termMode(field, term, boost, mode)
}

// termMode opens a term leaf in the given postings mode.
func (x *executor) termMode(field, term string, boost float64, mode postingsMode) (*termIter, error) {
	if x.stats.get(field).docs == 0 || x.res.absent.has(field, term) {
		return nil, nil
	}
	t, err := newTermIter(x.r, field, term, boost, mode, x.stats)
	if err != nil {
		return nil, err
	}
	x.open = append(x.open, t)
	if t.cost() == 0 {
		x.res.absent.add(field, term)
		return nil, nil
	}
	x.counts[x.res.absent.key(field, term)] = t.cost()
	return t, nil
}

// absentTerms remembers the terms one search found in no document of a
// field, so that no later step opens their postings again (a word whose
// bigrams are absent from a text's bigram field is absent from its word
// field too, and a highlight run with an absent gram never matches).
type absentTerms map[string]bool

func (a absentTerms) key(field, term string) string { return field + "\x00" + term }
func (a absentTerms) has(field, term string) bool   { return a[a.key(field, term)] }
func (a absentTerms) add(field, term string)        { a[a.key(field, term)] = true }

// anyAbsent reports whether some gram of gs is absent from field.
func (a absentTerms) anyAbsent(field string, gs []gram) bool {
	for _, g := range gs {
		if a.has(field, g.term) {
			return true
		}
	}
	return false
}

// grams matches grams in row in field (one gram: a term); nil: nowhere.
func (x *executor) grams(field string, gs []gram, boost float64) (docIter, error) {
	switch len(gs) {
	case 0:
		return nil, nil
	case 1:
		t, err := x.term(field, gs[0].term, boost, false)
		if t == nil {
			return nil, err
		}
		return t, err
	}
	terms := make([]*termIter, 0, len(gs))
	offs := make([]int, 0, len(gs))
	for _, g := range x.unknownFirst(field, gs) {
		t, err := x.term(field, g.term, boost, true)
		if err != nil || t == nil {
			return nil, err
		}
		terms, offs = append(terms, t), append(offs, g.off)
	}
	return newPhraseIter(terms, offs, boost), nil
}

// unknownFirst orders gs for opening: grams this search has not seen in
// field first (the likeliest to be absent, which ends the phrase before
// the others are opened), then the rarest known ones.
func (x *executor) unknownFirst(field string, gs []gram) []gram {
	out := slices.Clone(gs)
	count := func(g gram) uint64 {
		if n, ok := x.counts[x.res.absent.key(field, g.term)]; ok {
			return n
		}
		return 0
	}
	slices.SortStableFunc(out, func(a, b gram) int { return cmpU64(count(a), count(b)) })
	return out
}

// anyOf is the disjunction of the non-nil iterators; nil when none.
func anyOf(its []docIter, scale float64) docIter {
	its = slices.DeleteFunc(its, func(it docIter) bool { return it == nil })
	if len(its) == 0 {
		return nil
	}
	return newOrIter(its, scale)
}

// allOf is the conjunction of the iterators; nil when one is nil.
func allOf(its []docIter, scale float64) docIter {
	if len(its) == 0 || slices.Contains(its, nil) {
		return nil
	}
	return newAndIter(its, scale)
}

// wordNode matches a word in the bigram fields of fields: as its
// characters in row, a synonym, all of its sub-words, or its title pinyin.
func (x *executor) wordNode(w planWord, fields []textField) (docIter, error) {
	it, _, err := x.wordNodeDirect(w, fields)
	return it, err
}

// wordNodeDirect is wordNode that also returns, per field, the iterator of
// the word's own grams in that field (nil where absent).
func (x *executor) wordNodeDirect(w planWord, fields []textField) (docIter, []docIter, error) {
	var alts []docIter
	add := func(gs []gram, scale float64) error {
		for _, f := range fields {
			it, err := x.grams(f.bigrams, gs, f.wBig*scale)
			if err != nil {
				return err
			}
			alts = append(alts, it)
		}
		return nil
	}
	if err := add(w.grams, 1); err != nil {
		return nil, nil, err
	}
	direct := slices.Clone(alts)
	for _, s := range w.syns {
		if err := add(s.grams, x.opt.w.Synonym); err != nil {
			return nil, nil, err
		}
	}
	if len(w.subs) > 1 {
		sub, err := x.subWords(w.subs, fields)
		if err != nil {
			return nil, nil, err
		}
		alts = append(alts, sub)
	}
	if len(fields) > 1 && len(w.pinyin) > 0 {
		py, err := x.pinyinNode(w)
		if err != nil {
			return nil, nil, err
		}
		alts = append(alts, py)
	}
	return anyOf(alts, 1), direct, nil
}

// subWords matches every sub-word, each anywhere in fields.
func (x *executor) subWords(subs []planWord, fields []textField) (docIter, error) {
	var all []docIter
	for _, s := range subs {
		var alts []docIter
		for _, f := range fields {
			it, err := x.grams(f.bigrams, s.grams, f.wBig*x.opt.w.SubWords)
			if err != nil {
				return nil, err
			}
			alts = append(alts, it)
		}
		all = append(all, anyOf(alts, 1))
	}
	return allOf(all, 1), nil
}

// containNode matches a clause held as typed in any of its fields; it
// also returns the iterator of each field (nil where absent).
func (x *executor) containNode(c planClause) (docIter, []docIter, error) {
	var alts []docIter
	for _, f := range c.fields {
		it, err := x.grams(f.bigrams, c.seq, f.wBig)
		if err != nil {
			return nil, nil, err
		}
		alts = append(alts, it)
	}
	return anyOf(slices.Clone(alts), 1), alts, nil
}

// loneNode matches one CJK character: as a word, as a lone unigram, or
// as the first character of a bigram (expanded once, materialised).
func (x *executor) loneNode(c planClause) (docIter, error) {
	var alts []docIter
	for _, f := range c.fields {
		for _, leaf := range []struct {
			field string
			boost float64
		}{{f.words, f.wWords}, {f.bigrams, f.wBig}} {
			it, err := x.term(leaf.field, c.lone, leaf.boost, false)
			if err != nil {
				return nil, err
			}
			if it != nil {
				alts = append(alts, it)
			}
		}
	}
	if direct := anyOf(slices.Clone(alts), 1); direct == nil || direct.cost() < loneExpandBelow {
		for _, f := range c.fields {
			it, err := x.expand(f.bigrams, c.lone, f.wBig)
			if err != nil {
				return nil, err
			}
			if it != nil {
				alts = append(alts, it)
			}
		}
	}
	return anyOf(alts, 1), nil
}

// Expansion bounds of a lone character: expanded only when it is rare as
// a word, into at most loneExpandTerms bigrams.
const (
	loneExpandBelow = 2000
	loneExpandTerms = 256
	loneExpandDocs  = 20_000 // postings read by one expansion, at most
)

// expand materialises the documents holding a bigram that starts with ch.
func (x *executor) expand(field, ch string, boost float64) (docIter, error) {
	if x.stats.get(field).docs == 0 {
		return nil, nil
	}
	ts, err := x.expansions(field, ch)
	if err != nil {
		return nil, err
	}
	var docs []uint64
	for _, t := range ts {
		if len(docs) > loneExpandDocs {
			break
		}
		x.res.expand[ch] = append(x.res.expand[ch], t)
		if docs, err = x.appendPostings(docs, field, t); err != nil {
			return nil, err
		}
	}
	if len(docs) == 0 {
		return nil, nil
	}
	slices.Sort(docs)
	docs = slices.Compact(docs)
	sc := newBM25(boost, uint64(len(docs)), x.stats.get(field).docs, x.stats.get(field).docs)
	scores := make([]float64, len(docs))
	for i := range scores {
		scores[i] = sc.weight / 2
	}
	return newListIter(docs, scores), nil
}

// expansions returns up to loneExpandTerms bigram terms of field holding
// ch: those starting with it (a dictionary range), then those ending with
// it (the suffix table).
func (x *executor) expansions(field, ch string) ([]string, error) {
	r, n := utf8.DecodeRuneInString(ch)
	end := string(r+1) + ch[n:]
	it, err := x.r.DictionaryIterator(field, nil, []byte(ch), []byte(end))
	if err != nil {
		return nil, fmt.Errorf("expand %s:%q: %w", field, ch, err)
	}
	defer func() { _ = it.Close() }()
	var out []string
	for len(out) < loneExpandTerms {
		e, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("expand %s:%q: %w", field, ch, err)
		}
		if e == nil {
			break
		}
		if e.Term() != ch {
			out = append(out, e.Term())
		}
	}
	ending, err := x.opt.suffix.ending(x.ctx, x.r, field, ch)
	if err != nil {
		return nil, err
	}
	return append(out, ending[:min(len(ending), loneExpandTerms-len(out))]...), nil
}

func (x *executor) appendPostings(docs []uint64, field, term string) ([]uint64, error) {
	pi, err := x.r.PostingsIterator([]byte(term), field, false, false, false)
	if err != nil {
		return nil, fmt.Errorf("postings of %s:%q: %w", field, term, err)
	}
	defer func() { _ = pi.Close() }()
	for p, err := pi.Next(); p != nil || err != nil; p, err = pi.Next() {
		if err != nil {
			return nil, fmt.Errorf("postings of %s:%q: %w", field, term, err)
		}
		docs = append(docs, p.Number())
	}
	return docs, nil
}

// unit is one required part of a clause: a word, or the clause as typed.
type unit struct {
	it     docIter
	clause int
}

// matchTree builds what a document must match: every unit (all mode) or
// any (relaxed), the rarest maxRequired units required.
func (x *executor) matchTree() (docIter, error) {
	units, err := x.units()
	if err != nil || units == nil {
		return nil, err
	}
	its := make([]docIter, 0, len(units))
	for _, u := range units {
		its = append(its, u.it)
	}
	if x.opt.relaxed {
		its, x.lazy = x.informative(its)
		return anyOf(its, 1), nil
	}
	return allOf(its, 1), nil
}

// informative splits the units of a relaxed search: the rarest ones, up
// to maxRelaxedPostings postings together (at least the rarest one),
// decide what matches; the more common ones (一 in a title + author query
// holds in a fifth of the poems) only add to the score of what matches.
// So a relaxed search falls back to its most informative words, and its
// cost is bounded whatever the size of the index.
func (x *executor) informative(its []docIter) (match, lazy []docIter) {
	slices.SortStableFunc(its, func(a, b docIter) int { return cmpU64(a.cost(), b.cost()) })
	var sum uint64
	for i, it := range its {
		if sum += it.cost(); i > 0 && sum > maxRelaxedPostings {
			return its[:i], its[i:]
		}
	}
	return its, nil
}

// maxRelaxedPostings bounds the postings a relaxed search unites.
const maxRelaxedPostings = 20_000

// units returns the required units of every clause; nil when a required
// unit matches nothing (all mode) or none does (relaxed).
func (x *executor) units() ([]unit, error) {
	var out []unit
	for i, c := range x.p.clauses {
		var its []docIter
		var err error
		switch {
		case c.lone != "":
			var it docIter
			it, err = x.loneNode(c)
			its = []docIter{it}
		case c.phrase || len(c.words) == 0:
			var it docIter
			var per []docIter
			it, per, err = x.containNode(c)
			its = []docIter{it}
			x.derived[i] = per
		default:
			for _, w := range c.words {
				var it docIter
				var per []docIter
				if it, per, err = x.wordNodeDirect(w, c.fields); err != nil {
					break
				}
				its = append(its, it)
				if len(c.words) == 1 && slices.Equal(w.grams, c.seq) {
					x.derived[i] = per // the clause is this one word: held as typed where the word is
				}
				x.noteAbsent(i, per)
			}
		}
		if err != nil {
			return nil, err
		}
		for _, it := range its {
			if it == nil && !x.opt.relaxed {
				return nil, nil
			}
			if it != nil {
				out = append(out, unit{it: it, clause: i})
			}
		}
	}
	if len(out) > maxRequired && !x.opt.relaxed {
		slices.SortStableFunc(out, func(a, b unit) int { return cmpU64(a.it.cost(), b.it.cost()) })
		out = out[:maxRequired]
	}
	return out, nil
}

// negTree matches the documents an excluded clause removes.
func (x *executor) negTree() (docIter, error) {
	var alts []docIter
	for _, c := range x.p.negs {
		var it docIter
		var err error
		switch {
		case c.lone != "":
			it, err = x.loneNode(c)
		case c.phrase || len(c.words) == 0:
			it, _, err = x.containNode(c)
		default:
			var all []docIter
			for _, w := range c.words {
				var wi docIter
				if wi, err = x.wordNode(w, c.fields); err != nil {
					break
				}
				all = append(all, wi)
			}
			it = allOf(all, 1)
		}
		if err != nil {
			return nil, err
		}
		alts = append(alts, it)
	}
	return anyOf(alts, 1), nil
}

// filterIter is the request's filters as an iterator (nil: none).
func (x *executor) filterIter() (docIter, error) {
	if x.opt.filter == nil {
		return nil, nil
	}
	so := x.so
	so.Score = "none"
	s, err := x.opt.filter.Searcher(x.r, so)
	if err != nil {
		return nil, fmt.Errorf("filter: %w", err)
	}
	it := newBlugeIter(s)
	x.open = append(x.open, it)
	return it, nil
}

// bonusIters are the literal boosts as iterators.
func (x *executor) bonusIters() ([]docIter, error) {
	var out []docIter
	for _, q := range x.opt.bonus {
		s, err := q.Searcher(x.r, x.so)
		if err != nil {
			return nil, fmt.Errorf("literal boost: %w", err)
		}
		it := newBlugeIter(s)
		x.open = append(x.open, it)
		out = append(out, it)
	}
	return out, nil
}

// containment holds, per clause and field, whether the clause is held as
// typed, checked lazily on each matching document.
type containment struct {
	its [][]docIter // [clause][field]
	idf []float64   // per clause: the sum of its grams' idf
	w   []float64   // per field: the bonus weight of the field
}

func (x *executor) containment() (*containment, error) {
	c := &containment{its: make([][]docIter, len(x.p.clauses)), idf: make([]float64, len(x.p.clauses))}
	for i, pc := range x.p.clauses {
		if len(pc.seq) == 0 {
			continue
		}
		c.its[i] = make([]docIter, len(pc.fields))
		for j, f := range pc.fields {
			it, err := x.containIter(i, j, f, pc)
			if err != nil {
				return nil, err
			}
			c.its[i][j] = it
			if it != nil && c.idf[i] == 0 {
				it.visit(func(t *termIter) { c.idf[i] += t.idf })
			}
		}
	}
	return c, nil
}

// containIter is the iterator telling whether clause i is held as typed
// in field j: the match tree's own when the clause's unit already is that
// (positioned on every match, never ahead of it), none when one of the
// clause's words is in no document's field j, else a new one.
func (x *executor) containIter(i, j int, f textField, pc planClause) (docIter, error) {
	if per, ok := x.derived[i]; ok && j < len(per) {
		return per[j], nil
	}
	if x.wordless[i]&(1<<j) != 0 {
		return nil, nil
	}
	return x.grams(f.bigrams, pc.seq, 1)
}

// noteAbsent records the fields of clause i where a word's own grams are
// in no document (per: its per-field iterators): the clause cannot be
// held as typed there.
func (x *executor) noteAbsent(i int, per []docIter) {
	for j, it := range per {
		if it == nil && j < 64 {
			x.wordless[i] |= 1 << j
		}
	}
}

// bonus returns the containment bonus of doc, adding it by field to fs.
func (c *containment) bonus(doc uint64, p *plan, w Weights, fs map[string]float64) (float64, error) {
	total := 0.0
	for i, its := range c.its {
		for j, it := range its {
			if it == nil {
				continue
			}
			if err := it.advance(doc); err != nil {
				return 0, err
			}
			if it.doc() == doc {
				f := p.clauses[i].fields[j]
				b := w.Contain * containWeight(f.words) * c.idf[i]
				total += b
				if fs != nil {
					fs["contain_"+f.words] += b
				}
				break // the best field (title, headings, body in that order) counts
			}
		}
	}
	return total, nil
}

// containWeight ranks containment by field: the title first.
func containWeight(field string) float64 {
	if field == indexer.FieldTitle {
		return 1.5
	}
	return 1
}

// run matches, scores and keeps the candidates.
func (x *executor) run() error {
	top, err := x.matchTree()
	if err != nil || top == nil {
		return err
	}
	var extra []docIter
	if f, err := x.filterIter(); err != nil {
		return err
	} else if f != nil {
		extra = append(extra, f)
	}
	if len(extra) > 0 {
		top = newAndIter(append([]docIter{top}, extra...), 1)
	}
	neg, err := x.negTree()
	if err != nil {
		return err
	}
	cont, err := x.containment()
	if err != nil {
		return err
	}
	bonus, err := x.bonusIters()
	if err != nil {
		return err
	}
	if err := x.collect(top, neg, cont, bonus); err != nil {
		return err
	}
	return x.rescore()
}

// collect walks every match: counts it, scores it, keeps the best.
func (x *executor) collect(top, neg docIter, cont *containment, bonus []docIter) error {
	start := time.Now()
	h := &candHeap{}
	for n := 0; ; n++ {
		if err := top.next(); err != nil {
			return err
		}
		d := top.doc()
		if d == noDoc {
			break
		}
		if n&255 == 255 {
			if err := x.ctx.Err(); err != nil {
				return err
			}
			if x.opt.budget > 0 && time.Since(start) > x.opt.budget {
				x.res.partial = true
				break
			}
		}
		if neg != nil {
			if err := neg.advance(d); err != nil {
				return err
			}
			if neg.doc() == d {
				continue
			}
		}
		if err := x.consider(h, top, d, cont, bonus); err != nil {
			return err
		}
	}
	x.res.cands = h.c
	return nil
}

func (x *executor) consider(h *candHeap, top docIter, d uint64, cont *containment, bonus []docIter) error {
	x.res.total++
	x.res.facets.count(d)
	var fs map[string]float64
	if x.opt.explain {
		fs = map[string]float64{}
	}
	var lens [3]float64
	leaf := func(t *termIter) {
		if i := bigramSlot(t.field); i >= 0 && lens[i] == 0 && t.norm != 0 {
			lens[i] = normLen(t.norm)
		}
		if fs != nil {
			fs[t.field] += t.score()
		}
	}
	top.visit(leaf)
	s := top.score()
	for _, it := range x.lazy {
		if err := it.advance(d); err != nil {
			return err
		}
		if it.doc() == d {
			it.visit(leaf)
			s += it.score()
		}
	}
	cb, err := cont.bonus(d, x.p, x.opt.w, fs)
	if err != nil {
		return err
	}
	s += cb
	for _, b := range bonus {
		if err := b.advance(d); err != nil {
			return err
		}
		if b.doc() == d {
			s += b.score()
			if fs != nil {
				fs[indexer.FieldTitleKey] += b.score()
			}
		}
	}
	c := candidate{doc: d, score: s, fields: fs, lens: lens}
	switch {
	case x.opt.keep <= 0 || h.Len() < x.opt.keep:
		heap.Push(h, c)
	case better(c, h.c[0]):
		h.c[0] = c
		heap.Fix(h, 0)
	}
	return nil
}

// better orders candidates: higher score, then lower document number.
func better(a, b candidate) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.doc < b.doc
}

// candHeap is a min-heap of candidates: the worst on top.
type candHeap struct{ c []candidate }

func (h *candHeap) Len() int           { return len(h.c) }
func (h *candHeap) Less(i, j int) bool { return better(h.c[j], h.c[i]) }
func (h *candHeap) Swap(i, j int)      { h.c[i], h.c[j] = h.c[j], h.c[i] }
func (h *candHeap) Push(v any)         { h.c = append(h.c, v.(candidate)) }
func (h *candHeap) Pop() any {
	v := h.c[len(h.c)-1]
	h.c = h.c[:len(h.c)-1]
	return v
}

// candSearcher yields the candidates, in document order, to bluge's collector.
type candSearcher struct {
	c       []candidate
	i       int
	r       bsearch.Reader
	explain bool
}

func (s *candSearcher) match(ctx *bsearch.Context) *bsearch.DocumentMatch {
	if s.i >= len(s.c) {
		return nil
	}
	c := s.c[s.i]
	s.i++
	m := ctx.DocumentMatchPool.Get()
	m.SetReader(s.r)
	m.Number, m.Score = c.doc, c.score
	if s.explain {
		m.Explanation = explainFields(c)
	}
	return m
}

func (s *candSearcher) Next(ctx *bsearch.Context) (*bsearch.DocumentMatch, error) {
	return s.match(ctx), nil
}

func (s *candSearcher) Advance(ctx *bsearch.Context, n uint64) (*bsearch.DocumentMatch, error) {
	j, _ := slices.BinarySearchFunc(s.c[s.i:], n, func(c candidate, n uint64) int { return cmpU64(c.doc, n) })
	s.i += j
	return s.match(ctx), nil
}

func (s *candSearcher) Close() error               { return nil }
func (s *candSearcher) Count() uint64              { return uint64(len(s.c)) }
func (s *candSearcher) Min() int                   { return 0 }
func (s *candSearcher) Size() int                  { return 0 }
func (s *candSearcher) DocumentMatchPoolSize() int { return 1 }

// explainFields turns a candidate's score by field into an explanation
// scoreByField reads back.
func explainFields(c candidate) *bsearch.Explanation {
	e := &bsearch.Explanation{Value: c.score, Message: "wensou: matched words and containment by field"}
	keys := make([]string, 0, len(c.fields))
	for k := range c.fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		e.Children = append(e.Children, &bsearch.Explanation{Value: c.fields[k], Message: fieldLabel + k})
	}
	return e
}

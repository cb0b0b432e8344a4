package search

import (
	"fmt"
	"math"
	"slices"

	bsearch "github.com/blugelabs/bluge/search"
	segment "github.com/blugelabs/bluge_segment_api"
)

// The executor (exec.go) evaluates a query plan with its own iterators over
// bluge's postings lists instead of bluge's searchers: conjunctions advance
// their children from the rarest one (two-phase: documents first, positions
// only where every term is present), expansions are materialised once, and
// nothing decodes locations unless a phrase needs them.

// noDoc is the document number of an exhausted iterator.
const noDoc = math.MaxUint64

// docIter is a stream of document numbers in increasing order. A new
// iterator is before its first document: next or advance positions it.
type docIter interface {
	doc() uint64                 // current document, noDoc when exhausted
	next() error                 // to the next document
	advance(target uint64) error // to the first document >= target (no-op when already there)
	cost() uint64                // upper bound of the documents it yields
	score() float64              // its score on the current document
	visit(func(leaf *termIter))  // the term leaves positioned on the current document
	close() error                // releases the postings lists
}

// bm25 scores a term in one field: weight×(k1+1)-free BM25 as bluge computes
// it (saturating at weight), with a correct idf.
type bm25 struct {
	weight, avgLen float64
}

const bm25K1, bm25B = 1.2, 0.75

func newBM25(boost float64, docFreq, docCount uint64, sumLen uint64) bm25 {
	n, N := float64(docFreq), float64(max(docCount, docFreq))
	idf := math.Log(1 + (N-n+0.5)/(n+0.5))
	avg := 1.0
	if docCount > 0 {
		avg = math.Max(float64(sumLen)/float64(docCount), 1)
	}
	return bm25{weight: boost * idf, avgLen: avg}
}

func (s bm25) score(freq int, norm float64) float64 {
	return s.scoreLen(freq, normLen(norm))
}

// normLen decodes a bluge norm (the field length as float32 bits).
func normLen(norm float64) float64 { return float64(math.Float32bits(float32(norm))) }

// scoreLen is the score for freq occurrences in a text of docLen terms
// (0: of average length).
func (s bm25) scoreLen(freq int, docLen float64) float64 {
	if s.weight == 0 || freq <= 0 {
		return 0
	}
	if docLen <= 0 {
		docLen = s.avgLen
	}
	inv := 1 / (bm25K1 * ((1 - bm25B) + bm25B*docLen/s.avgLen))
	return s.weight - s.weight/(1+float64(freq)*inv)
}

// termIter walks the postings of one term in one field.
type termIter struct {
	field, term string
	pi          segment.PostingsIterator
	started     bool
	cur         uint64
	freq        int
	norm        float64
	locs        []segment.Location // valid while positioned (withLocs only)
	sc          bm25
	idf         float64
	docsOnly    bool // opened without frequencies: scored by the caller
}

// Postings modes of a term leaf.
type postingsMode int

const (
	withFreqs postingsMode = iota // frequencies and norms: BM25
	withLocs                      // and positions: phrases, highlighting
	docsOnly                      // documents only: presence, skipping in O(log n)
)

// newTermIter opens term in field; a term the field lacks gives an empty
// iterator. bluge's postings advance by walking every posting in between
// unless they are opened docsOnly.

func newTermIter(r bsearch.Reader, field, term string, boost float64, mode postingsMode, stats *fieldStats) (*termIter, error) {
	pi, err := r.PostingsIterator([]byte(term), field, mode != docsOnly, mode != docsOnly, mode == withLocs)
	if err != nil {
		return nil, fmt.Errorf("postings of %s:%q: %w", field, term, err)
	}
	t := &termIter{field: field, term: term, pi: pi}
	st := stats.get(field)
	t.sc = newBM25(boost, pi.Count(), st.docs, st.sumLen)
	if boost != 0 {
		t.idf = t.sc.weight / boost
	}
	return t, nil
}

func (t *termIter) doc() uint64 {
	if !t.started {
		return 0
	}
	return t.cur
}

func (t *termIter) set(p segment.Posting, err error) error {
	t.started = true
	if err != nil {
		t.cur = noDoc
		return fmt.Errorf("postings of %s:%q: %w", t.field, t.term, err)
	}
	if p == nil {
		t.cur, t.locs = noDoc, nil
		return nil
	}
	t.cur, t.freq, t.norm, t.locs = p.Number(), p.Frequency(), p.Norm(), p.Locations()
	return nil
}

func (t *termIter) next() error {
	if t.started && t.cur == noDoc {
		return nil
	}
	return t.set(t.pi.Next())
}

func (t *termIter) advance(target uint64) error {
	if t.started && (t.cur >= target || t.cur == noDoc) {
		return nil
	}
	return t.set(t.pi.Advance(target))
}

func (t *termIter) cost() uint64            { return t.pi.Count() }
func (t *termIter) score() float64          { return t.sc.score(t.freq, t.norm) }
func (t *termIter) visit(f func(*termIter)) { f(t) }
func (t *termIter) close() error            { return t.pi.Close() }
func (t *termIter) on(doc uint64) bool      { return t.started && t.cur == doc }
func (t *termIter) positions(buf []int) []int {
	buf = buf[:0]
	for _, l := range t.locs {
		buf = append(buf, l.Pos())
	}
	slices.Sort(buf)
	return buf
}

// gram is one term of a phrase at its position relative to the phrase start.
type gram struct {
	term string
	off  int
}

// phraseIter matches documents holding its grams at their relative
// positions in one field (a phrase of bigrams: the typed text as written).
// The score is that of its terms, freq = the phrase's occurrences.
type phraseIter struct {
	terms []*termIter // one per gram, rarest first
	offs  []int
	cur   uint64
	freq  int
	pos   [][]int
	boost float64
	field string
	begun bool
}

func newPhraseIter(terms []*termIter, offs []int, boost float64) *phraseIter {
	p := &phraseIter{terms: terms, offs: offs, pos: make([][]int, len(terms)), boost: boost, field: terms[0].field}
	order := make([]int, len(terms))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmpU64(terms[a].cost(), terms[b].cost()) })
	p.terms, p.offs = permute(terms, order), permute(offs, order)
	return p
}

func permute[T any](v []T, order []int) []T {
	out := make([]T, len(v))
	for i, j := range order {
		out[i] = v[j]
	}
	return out
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (p *phraseIter) doc() uint64 {
	if !p.begun {
		return 0
	}
	return p.cur
}

func (p *phraseIter) cost() uint64 { return p.terms[0].cost() }

func (p *phraseIter) next() error {
	if !p.begun {
		return p.find(0)
	}
	if p.cur == noDoc {
		return nil
	}
	return p.find(p.cur + 1)
}

func (p *phraseIter) advance(target uint64) error {
	if p.begun && (p.cur >= target || p.cur == noDoc) {
		return nil
	}
	return p.find(target)
}

// find positions p on the first document >= target holding the phrase.
func (p *phraseIter) find(target uint64) error {
	p.begun = true
	for {
		d, err := alignAll(p.terms, target)
		if err != nil || d == noDoc {
			p.cur = noDoc
			return err
		}
		if p.freq = p.occurrences(); p.freq > 0 {
			p.cur = d
			return nil
		}
		target = d + 1
	}
}

// alignAll advances every iterator to the first document >= target that
// all of them hold (leapfrog from the first, the rarest).
func alignAll[T docIter](its []T, target uint64) (uint64, error) {
	for {
		agreed := true
		for _, it := range its {
			if err := it.advance(target); err != nil {
				return noDoc, err
			}
			if d := it.doc(); d != target {
				if d == noDoc {
					return noDoc, nil
				}
				target, agreed = d, false
				break
			}
		}
		if agreed {
			return target, nil
		}
	}
}

// occurrences counts the starts s with every term at s+off.
func (p *phraseIter) occurrences() int {
	for i, t := range p.terms {
		p.pos[i] = t.positions(p.pos[i])
	}
	n := 0
	for _, first := range p.pos[0] {
		s := first - p.offs[0]
		ok := true
		for i := 1; i < len(p.terms) && ok; i++ {
			_, ok = slices.BinarySearch(p.pos[i], s+p.offs[i])
		}
		if ok {
			n++
		}
	}
	return n
}

func (p *phraseIter) score() float64 {
	s := 0.0
	for _, t := range p.terms {
		s += t.sc.score(p.freq, t.norm)
	}
	return s
}

func (p *phraseIter) visit(f func(*termIter)) {
	for _, t := range p.terms {
		f(t)
	}
}

func (p *phraseIter) close() error { return closeAll(p.terms) }

func closeAll[T docIter](its []T) error {
	var first error
	for _, it := range its {
		if err := it.close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// andIter matches documents every child matches; its score is their sum.
type andIter struct {
	kids  []docIter // cheapest first
	cur   uint64
	begun bool
	scale float64
}

func newAndIter(kids []docIter, scale float64) docIter {
	if len(kids) == 1 && scale == 1 {
		return kids[0]
	}
	slices.SortStableFunc(kids, func(a, b docIter) int { return cmpU64(a.cost(), b.cost()) })
	return &andIter{kids: kids, scale: scale}
}

func (a *andIter) doc() uint64 {
	if !a.begun {
		return 0
	}
	return a.cur
}

func (a *andIter) cost() uint64 { return a.kids[0].cost() }

func (a *andIter) next() error {
	if !a.begun {
		return a.advance(0)
	}
	if a.cur == noDoc {
		return nil
	}
	return a.seek(a.cur + 1)
}

func (a *andIter) advance(target uint64) error {
	if a.begun && (a.cur >= target || a.cur == noDoc) {
		return nil
	}
	return a.seek(target)
}

func (a *andIter) seek(target uint64) error {
	a.begun = true
	d, err := alignAll(a.kids, target)
	a.cur = d
	return err
}

func (a *andIter) score() float64 {
	s := 0.0
	for _, k := range a.kids {
		s += k.score()
	}
	return s * a.scale
}

func (a *andIter) visit(f func(*termIter)) {
	for _, k := range a.kids {
		k.visit(f)
	}
}

func (a *andIter) close() error { return closeAll(a.kids) }

// orIter matches documents any child matches; its score is the sum of the
// children on the document, times scale.
type orIter struct {
	kids  []docIter
	cur   uint64
	begun bool
	scale float64
}

func newOrIter(kids []docIter, scale float64) docIter {
	if len(kids) == 1 && scale == 1 {
		return kids[0]
	}
	return &orIter{kids: kids, scale: scale}
}

func (o *orIter) doc() uint64 {
	if !o.begun {
		return 0
	}
	return o.cur
}

func (o *orIter) cost() uint64 {
	var c uint64
	for _, k := range o.kids {
		c += k.cost()
	}
	return c
}

func (o *orIter) next() error {
	if !o.begun {
		return o.advance(0)
	}
	if o.cur == noDoc {
		return nil
	}
	return o.seek(o.cur + 1)
}

func (o *orIter) advance(target uint64) error {
	if o.begun && (o.cur >= target || o.cur == noDoc) {
		return nil
	}
	return o.seek(target)
}

func (o *orIter) seek(target uint64) error {
	o.begun = true
	o.cur = noDoc
	for _, k := range o.kids {
		if err := k.advance(target); err != nil {
			return err
		}
		o.cur = min(o.cur, k.doc())
	}
	return nil
}

func (o *orIter) score() float64 {
	s := 0.0
	for _, k := range o.kids {
		if k.doc() == o.cur {
			s += k.score()
		}
	}
	return s * o.scale
}

func (o *orIter) visit(f func(*termIter)) {
	for _, k := range o.kids {
		if k.doc() == o.cur {
			k.visit(f)
		}
	}
}

func (o *orIter) close() error { return closeAll(o.kids) }

// listIter walks a materialised, sorted list of documents with a score each.
type listIter struct {
	docs   []uint64
	scores []float64
	i      int
}

func (l *listIter) doc() uint64 {
	switch {
	case l.i < 0:
		return 0
	case l.i >= len(l.docs):
		return noDoc
	}
	return l.docs[l.i]
}

func (l *listIter) next() error {
	l.i++
	return nil
}

func (l *listIter) advance(target uint64) error {
	if l.i >= 0 && l.doc() >= target {
		return nil
	}
	start := max(l.i, 0)
	j, _ := slices.BinarySearch(l.docs[start:], target)
	l.i = start + j
	return nil
}

func (l *listIter) cost() uint64          { return uint64(len(l.docs)) }
func (l *listIter) score() float64        { return l.scores[l.i] }
func (l *listIter) visit(func(*termIter)) {}
func (l *listIter) close() error          { return nil }
func newListIter(docs []uint64, scores []float64) *listIter {
	return &listIter{docs: docs, scores: scores, i: -1}
}

// blugeIter adapts a bluge searcher (a filter, a boost query) to docIter.
type blugeIter struct {
	s     bsearch.Searcher
	ctx   *bsearch.Context
	m     *bsearch.DocumentMatch
	begun bool
}

func newBlugeIter(s bsearch.Searcher) *blugeIter {
	return &blugeIter{s: s, ctx: bsearch.NewSearchContext(s.DocumentMatchPoolSize()+1, 0)}
}

func (b *blugeIter) doc() uint64 {
	switch {
	case !b.begun:
		return 0
	case b.m == nil:
		return noDoc
	}
	return b.m.Number
}

func (b *blugeIter) take(m *bsearch.DocumentMatch, err error) error {
	if b.m != nil {
		b.ctx.DocumentMatchPool.Put(b.m)
	}
	b.begun, b.m = true, m
	return err
}

func (b *blugeIter) next() error {
	if b.begun && b.m == nil {
		return nil
	}
	return b.take(b.s.Next(b.ctx))
}

func (b *blugeIter) advance(target uint64) error {
	if b.begun && (b.m == nil || b.m.Number >= target) {
		return nil
	}
	return b.take(b.s.Advance(b.ctx, target))
}

func (b *blugeIter) cost() uint64 { return b.s.Count() }

func (b *blugeIter) score() float64 {
	if b.m == nil {
		return 0
	}
	return b.m.Score
}

func (b *blugeIter) visit(func(*termIter)) {}
func (b *blugeIter) close() error          { return b.s.Close() }

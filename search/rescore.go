package search

import (
	"slices"

	"github.com/wensou/wensou/indexer"
)

// Phase two: the candidates kept by the first phase (the best by bigram
// matches and containment) get the scores of the word fields, where a
// query word found as a whole word outranks the same characters inside
// other words, and the title-all bonus. Reading these only for the kept
// candidates is what keeps a frequent word cheap.

// wordScorers are the word-field leaves of one query word in one field.
// They are opened for documents only (bluge skips those in O(log n); with
// frequencies it walks every posting in between), and score as one
// occurrence in a text of the length the first phase saw in the bigram
// field of the same text.
type wordScorers struct {
	slot  int         // the text's index in candidate.lens
	whole *termIter   // the word itself
	alts  []*termIter // synonyms
	subs  []*termIter // sub-words, scored when the whole word is absent
}

// clauseScorers are the phase-two leaves of one clause.
type clauseScorers struct {
	words   [][]wordScorers // [word][field]
	inTitle []docIter       // per required word: its bigrams in the title
	all     bool            // the title-all bonus applies (two or more required words)
}

func (x *executor) clauseScorers(c planClause) (clauseScorers, error) {
	var cs clauseScorers
	// Only the significant words: a clause's single characters are in
	// every document that holds it as typed, and weigh little elsewhere.
	for _, w := range c.words {
		per := make([]wordScorers, len(c.fields))
		for j, f := range c.fields {
			ws, err := x.wordScorers(w, f)
			if err != nil {
				return cs, err
			}
			per[j] = ws
		}
		cs.words = append(cs.words, per)
	}
	cs.all = len(c.words) >= 2 && slices.ContainsFunc(c.fields, func(f textField) bool { return f.words == indexer.FieldTitle })
	if cs.all {
		for _, w := range c.words {
			it, err := x.grams(indexer.FieldTitleBigram, w.grams, x.opt.w.TitleBigram)
			if err != nil {
				return cs, err
			}
			cs.inTitle = append(cs.inTitle, it)
		}
	}
	return cs, nil
}

func (x *executor) wordScorers(w planWord, f textField) (wordScorers, error) {
	ws := wordScorers{slot: bigramSlot(f.bigrams)}
	var err error
	if !x.res.absent.anyAbsent(f.bigrams, w.grams) {
		if ws.whole, err = x.presence(f, w.term, f.wWords); err != nil {
			return ws, err
		}
	}
	for _, s := range w.syns {
		if x.res.absent.anyAbsent(f.bigrams, s.grams) {
			continue
		}
		t, err := x.presence(f, s.term, f.wWords*x.opt.w.Synonym)
		if err != nil {
			return ws, err
		}
		if t != nil {
			ws.alts = append(ws.alts, t)
		}
	}
	for _, s := range w.subs {
		if x.res.absent.anyAbsent(f.bigrams, s.grams) {
			continue
		}
		t, err := x.presence(f, s.term, f.wWords*x.opt.w.SubWords)
		if err != nil {
			return ws, err
		}
		if t != nil {
			ws.subs = append(ws.subs, t)
		}
	}
	return ws, nil
}

// presence opens term in the word field of f. A term of up to
// exactFreqDocs documents is read with its frequencies (exact BM25); a
// more frequent one for documents only, scored as one occurrence in a
// text of the bigram field's length with the bigram field's average. A
// two-character word known to be in more bigram-field documents than that
// is opened for documents only at once.
func (x *executor) presence(f textField, term string, boost float64) (*termIter, error) {
	var t *termIter
	var err error
	if n, known := x.counts[x.res.absent.key(f.bigrams, term)]; !known || n <= exactFreqDocs {
		// a word is in no more documents than its bigram: one open
		t, err = x.termMode(f.words, term, boost, withFreqs)
		if t == nil || err != nil || t.cost() <= exactFreqDocs {
			return t, err
		}
	}
	if t, err = x.termMode(f.words, term, boost, docsOnly); t == nil || err != nil {
		return t, err
	}
	t.docsOnly = true
	if bg := x.stats.get(f.bigrams); bg.docs > 0 {
		t.sc.avgLen = max(float64(bg.sumLen)/float64(bg.docs), 1)
	}
	return t, nil
}

// exactFreqDocs is the document frequency up to which the second phase
// reads a word's frequencies: walking longer postings (bluge advances
// through every posting when frequencies are read) cost a quarter of the
// CPU of a search, for the words that weigh least.
const exactFreqDocs = 2048

// rescore adds the phase-two scores to the kept candidates and leaves
// them in document order. Without keep (date sort) the first phase's
// scores stand.
func (x *executor) rescore() error {
	cands := x.res.cands
	slices.SortFunc(cands, func(a, b candidate) int { return cmpU64(a.doc, b.doc) })
	if x.opt.keep <= 0 || len(cands) == 0 {
		return nil
	}
	scorers := make([]clauseScorers, len(x.p.clauses))
	for i, c := range x.p.clauses {
		cs, err := x.clauseScorers(c)
		if err != nil {
			return err
		}
		scorers[i] = cs
	}
	for k := range cands {
		for i, cs := range scorers {
			if err := x.rescoreOne(&cands[k], x.p.clauses[i], cs); err != nil {
				return err
			}
		}
	}
	return nil
}

func (x *executor) rescoreOne(c *candidate, pc planClause, cs clauseScorers) error {
	titleWords := 0.0
	for _, per := range cs.words {
		for j, ws := range per {
			s, err := ws.score(c.doc, c.lens)
			if err != nil {
				return err
			}
			c.score += s
			if c.fields != nil && s > 0 {
				c.fields[pc.fields[j].words] += s
			}
			if pc.fields[j].words == indexer.FieldTitle {
				titleWords += s
			}
		}
	}
	if !cs.all {
		return nil
	}
	for _, it := range cs.inTitle {
		if it == nil {
			return nil
		}
		if err := it.advance(c.doc); err != nil {
			return err
		}
		if it.doc() != c.doc {
			return nil
		}
	}
	b := x.opt.w.TitleAll * titleWords
	c.score += b
	if c.fields != nil {
		c.fields[indexer.FieldTitle] += b
	}
	return nil
}

// score is the word's score in one field on doc: the whole word, else its
// sub-words; synonyms add.
func (ws wordScorers) score(doc uint64, lens [3]float64) (float64, error) {
	docLen := 0.0
	if ws.slot >= 0 {
		docLen = lens[ws.slot]
	}
	s := 0.0
	whole, err := leafScore(ws.whole, doc, docLen)
	if err != nil {
		return 0, err
	}
	s += whole
	for _, t := range ws.alts {
		v, err := leafScore(t, doc, docLen)
		if err != nil {
			return 0, err
		}
		s += v
	}
	if whole > 0 {
		return s, nil
	}
	for _, t := range ws.subs {
		v, err := leafScore(t, doc, docLen)
		if err != nil {
			return 0, err
		}
		s += v
	}
	return s, nil
}

// leafScore advances t to doc and returns its score there (0: absent); a
// documents-only leaf scores one occurrence in docLen terms.
func leafScore(t *termIter, doc uint64, docLen float64) (float64, error) {
	if t == nil {
		return 0, nil
	}
	if err := t.advance(doc); err != nil {
		return 0, err
	}
	if !t.on(doc) {
		return 0, nil
	}
	if t.docsOnly {
		return t.sc.scoreLen(1, docLen), nil
	}
	return t.score(), nil
}

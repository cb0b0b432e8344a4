package search

import (
	"unicode"
	"unicode/utf8"
)

// A plan is what a parsed query asks of the index, before any reader is
// consulted (the executor, exec.go, turns it into iterators).
//
// The model (docs/RELEVANCE.md): a document matches when, for every clause
// (a space-separated piece of the query), it holds every significant word
// of the clause (a word of two or more characters, or a Latin word or
// number; single characters and stop words only add to the score), each
// as a word or as the same characters in a row; a clause without
// significant words (人未, 天风) must be held as typed. Holding a clause as
// typed (its bigram sequence at consecutive positions: containment) earns
// a bonus that length normalisation does not shrink, so the document that
// contains the typed text outranks documents whose short title holds a few
// of its words.
type plan struct {
	clauses []planClause // positive clauses
	negs    []planClause // excluded clauses
}

// planClause is one clause of the query.
type planClause struct {
	fields []textField // fields it is looked for in
	phrase bool        // quoted: only containment matches
	seq    []gram      // the typed text as bigram terms at their positions (capped)
	all    []gram      // every bigram term of the typed text (highlighting)
	words  []planWord  // significant words: each required
	opt    []planWord  // single characters and stop words: score only
	lone   string      // the clause is one CJK character
}

// planWord is one query word with what else may stand for it.
type planWord struct {
	term   string
	grams  []gram     // the word as bigram terms
	syns   []planWord // synonyms (scored at Weights.Synonym)
	subs   []planWord // search-mode sub-words covering it (scored at Weights.SubWords)
	pinyin []string   // title pinyin terms of a Latin word
}

// Plan bounds: a long query degrades to its most informative parts instead
// of failing (docs/RELEVANCE.md).
const (
	maxSeqGrams     = 12 // grams of one clause's containment check
	maxRequired     = 8  // required words over the whole query (the rarest)
	maxOptional     = 16 // optional words scored
	maxHighlightLen = 64 // grams and words highlighted
)

// newPlan analyses q, keeping at most maxClauses positive clauses.
func newPlan(b builder, q Query, maxClauses int) *plan {
	p := &plan{}
	for _, c := range q.Clauses {
		pc := b.planClause(c)
		if len(pc.seq) == 0 && len(pc.words) == 0 && pc.lone == "" {
			continue
		}
		if c.Negate {
			p.negs = append(p.negs, pc)
		} else {
			p.clauses = append(p.clauses, pc)
		}
	}
	p.clauses = longestClauses(p.clauses, maxClauses)
	return p
}

// longestClauses keeps the n clauses with the longest containment
// sequences (the most specific), in query order.
func longestClauses(cs []planClause, n int) []planClause {
	if len(cs) <= n {
		return cs
	}
	lens := make([]int, len(cs))
	for i, c := range cs {
		lens[i] = len(c.seq)
	}
	keep := topIndexes(lens, n)
	out := make([]planClause, 0, n)
	for i, c := range cs {
		if keep[i] {
			out = append(out, c)
		}
	}
	return out
}

// topIndexes marks the n largest values (earlier wins ties).
func topIndexes(v []int, n int) []bool {
	keep := make([]bool, len(v))
	for range n {
		best := -1
		for i, x := range v {
			if !keep[i] && (best < 0 || x > v[best]) {
				best = i
			}
		}
		keep[best] = true
	}
	return keep
}

func (b builder) planClause(c Clause) planClause {
	pc := planClause{fields: b.fields(c.Field), phrase: c.Phrase}
	pc.all = b.grams(c.Text)
	pc.seq = capSeq(pc.all)
	for _, w := range b.words(c.Text) {
		pw := b.planWord(w, true)
		if c.Phrase || !significant(w) {
			pc.opt = append(pc.opt, pw)
			continue
		}
		pc.words = append(pc.words, pw)
	}
	if len(pc.seq) == 0 && len(pc.words) == 0 {
		if r, ok := loneHan(b.a.Normalize(c.Text)); ok {
			pc.lone = r
		}
	}
	if len(pc.opt) > maxOptional {
		pc.opt = pc.opt[:maxOptional]
	}
	return pc
}

// planWord analyses one query word; with alts, its synonyms, sub-words and
// pinyin too.
func (b builder) planWord(w string, alts bool) planWord {
	pw := planWord{term: w, grams: b.grams(w)}
	if !alts {
		return pw
	}
	for _, s := range b.a.Synonyms(w) {
		pw.syns = append(pw.syns, b.planWord(s, false))
	}
	if subs := b.subWords(w); len(subs) > 1 {
		for _, s := range subs {
			pw.subs = append(pw.subs, b.planWord(s, false))
		}
	}
	if isLatin(w) {
		pw.pinyin = cached(b.memoMap(func(m *analysisMemo) map[string][]string { return m.pinyin }), w,
			func() []string { return terms(b.a.PinyinQuery(), w) })
	}
	return pw
}

// grams returns text's bigram terms at their positions, repeated grams
// once (a run of one repeated character asks for it once).
func (b builder) grams(text string) []gram {
	ts := cached(b.memoMap(func(m *analysisMemo) map[string][]string { return m.bigrams }), text,
		func() []string { return terms(b.a.Bigrams(), text) })
	out := make([]gram, 0, len(ts))
	seen := make(map[string]bool, len(ts))
	for i, t := range ts {
		if !seen[t] {
			seen[t] = true
			out = append(out, gram{term: t, off: i})
		}
	}
	return out
}

// capSeq keeps at most maxSeqGrams grams, evenly spread and always the
// first and the last, at their own offsets: checking them at their
// distances still says the text is there as typed.
func capSeq(seq []gram) []gram {
	if len(seq) <= maxSeqGrams {
		return seq
	}
	out := make([]gram, 0, maxSeqGrams)
	for i := range maxSeqGrams {
		out = append(out, seq[i*(len(seq)-1)/(maxSeqGrams-1)])
	}
	return out
}

// significant reports whether a word is required: two or more characters,
// or a word of letters or digits.
func significant(w string) bool {
	if utf8.RuneCountInString(w) >= 2 {
		return true
	}
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsLetter(r) && !unicode.Is(unicode.Han, r) || unicode.IsDigit(r)
}

// relaxable reports whether the query has two or more required units
// (words, or clauses held as typed), so that any of them may suffice.
func (p *plan) relaxable() bool {
	n := 0
	for _, c := range p.clauses {
		n += max(len(c.words), 1)
	}
	return n >= 2
}

package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blugelabs/bluge"
	"github.com/blugelabs/bluge/analysis"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
)

// Analysis is what search needs from the analysis step (segment.Segmenter
// satisfies it). Queries are analysed with the same normalisation as the
// fields they search.
type Analysis interface {
	QueryWords() *analysis.Analyzer
	Bigrams() *analysis.Analyzer
	PinyinQuery() *analysis.Analyzer
	Synonyms(term string) []string
	IsStop(term string) bool
	Normalize(text string) string
}

// Weights are the boosts of the fields a query word is looked for in. Whole
// words outrank bigram (substring) matches, the title outranks headings
// and body, and pinyin ranks below character matches. Zero means default.
type Weights struct {
	Title, Headings, Body                   float64
	TitleBigram, HeadingsBigram, BodyBigram float64
	Pinyin, Phrase                          float64
	// Synonym scales the clauses of a word's synonyms: the word as typed
	// outranks its synonyms (撤销 over 取消 for 撤销).
	Synonym float64
	// SubWords scales the match of a long query word by its search-mode
	// sub-words (压缩文件 as 压缩 + 文件) when the whole word is not there.
	SubWords float64
	// TitleAll rewards a document whose title holds every word of a
	// multi-word clause (信用卡分期 in the title over 分期 in the title and
	// 信用卡 in the body).
	TitleAll float64
	// Literal rewards a title holding a clause exactly as typed where
	// normalisation folded a zero collocation (零元 and 0元 are one term):
	// the form typed breaks the tie.
	Literal float64
	// Contain rewards a document holding a clause as typed (its
	// characters in a row), times the sum of the idf of its bigrams, ×1.5
	// in the title: not shrunk by length normalisation, so the document
	// with the typed text outranks one whose title holds a few of its words.
	Contain float64
}

// DefaultWeights are the weights used where a Weights field is zero.
var DefaultWeights = Weights{
	Title: 6, Headings: 2.5, Body: 1,
	TitleBigram: 1.5, HeadingsBigram: 0.5, BodyBigram: 0.25,
	Pinyin: 1, Phrase: 2,
	Synonym: 0.7, SubWords: 0.4, TitleAll: 1, Literal: 1, Contain: 6,
}

func (w Weights) withDefaults() Weights {
	d := DefaultWeights
	for _, p := range []struct{ v, def *float64 }{
		{&w.Title, &d.Title}, {&w.Headings, &d.Headings}, {&w.Body, &d.Body},
		{&w.TitleBigram, &d.TitleBigram}, {&w.HeadingsBigram, &d.HeadingsBigram},
		{&w.BodyBigram, &d.BodyBigram}, {&w.Pinyin, &d.Pinyin}, {&w.Phrase, &d.Phrase},
		{&w.Synonym, &d.Synonym}, {&w.SubWords, &d.SubWords}, {&w.TitleAll, &d.TitleAll},
		{&w.Literal, &d.Literal}, {&w.Contain, &d.Contain},
	} {
		if *p.v == 0 {
			*p.v = *p.def
		}
	}
	return w
}

// textField pairs a word field with its bigram field and their weights.
type textField struct {
	words, bigrams string
	wWords, wBig   float64
}

func (w Weights) fields(only string) []textField {
	all := []textField{
		{indexer.FieldTitle, indexer.FieldTitleBigram, w.Title, w.TitleBigram},
		{indexer.FieldHeadings, indexer.FieldHeadingBigram, w.Headings, w.HeadingsBigram},
		{indexer.FieldBody, indexer.FieldBodyBigram, w.Body, w.BodyBigram},
	}
	if only == "" {
		return all
	}
	for _, f := range all {
		if f.words == only {
			return []textField{f}
		}
	}
	return all
}

// builder turns a parsed query into a bluge query.
type builder struct {
	a Analysis
	w Weights
	// literals holds the literal boost of each literal text (see literal)
	// as Engine.literalQuery resolved it for the reader searched; nil
	// values mean no title can match. Texts not in it get the wildcard.
	literals map[string]bluge.Query
	// memo, when set, remembers every analysis of the request, so a text
	// is analysed once however many clauses and fields use it (nil:
	// analyse every time).
	memo *analysisMemo
	// own are the served index's own fields (see ownfields.go).
	own []textField
}

// analysisMemo holds the analyses of one request's texts by analyzer.
type analysisMemo struct {
	words, subWords, bigrams, pinyin map[string][]string
}

func newAnalysisMemo() *analysisMemo {
	return &analysisMemo{words: map[string][]string{}, subWords: map[string][]string{},
		bigrams: map[string][]string{}, pinyin: map[string][]string{}}
}

// cached returns m[text], computing it with f on first use; without a memo
// it returns f(). The result is shared: callers must not change it.
func cached(m map[string][]string, text string, f func() []string) []string {
	if m == nil {
		return f()
	}
	if v, ok := m[text]; ok {
		return v
	}
	v := f()
	m[text] = v
	return v
}

// memoMap picks one analyzer's map of the memo (nil without a memo).
func (b builder) memoMap(pick func(*analysisMemo) map[string][]string) map[string][]string {
	if b.memo == nil {
		return nil
	}
	return pick(b.memo)
}

// build returns the query; with all set every clause is required, else any
// one clause suffices (the fallback when requiring all finds nothing).
// It returns nil when no clause has a searchable term.
func (b builder) build(q Query, all bool) bluge.Query {
	root := bluge.NewBooleanQuery()
	positive := 0
	for _, c := range q.Clauses {
		cq := b.clause(c)
		if cq == nil {
			continue
		}
		switch {
		case c.Negate:
			root.AddMustNot(cq)
		case all:
			root.AddMust(cq)
			positive++
		default:
			root.AddShould(cq)
			positive++
		}
	}
	if positive == 0 {
		return nil
	}
	if !all {
		root.SetMinShould(1)
	}
	for _, p := range b.phraseBoosts(q) {
		root.AddShould(p)
	}
	for _, p := range b.titleBoosts(q) {
		root.AddShould(p)
	}
	return root
}

// clause builds the query of one clause: a phrase must appear as written
// (consecutive bigrams); a bare chunk needs each of its words.
func (b builder) clause(c Clause) bluge.Query {
	if c.Phrase {
		return b.phrase(c.Text, c.Field)
	}
	words := b.words(c.Text)
	if len(words) == 0 {
		return nil
	}
	if len(words) == 1 {
		return b.word(words[0], c.Field)
	}
	and := bluge.NewBooleanQuery()
	for _, w := range words {
		and.AddMust(b.word(w, c.Field))
	}
	return and
}

// words analyses text into query words without stop words, unless only
// stop words are there: a query never turns into nothing.
func (b builder) words(text string) []string {
	return cached(b.memoMap(func(m *analysisMemo) map[string][]string { return m.words }), text,
		func() []string { return b.analyseWords(text) })
}

func (b builder) analyseWords(text string) []string {
	all := terms(b.a.QueryWords(), text)
	kept := all[:0:0]
	for _, t := range all {
		if !b.a.IsStop(t) {
			kept = append(kept, t)
		}
	}
	if len(kept) == 0 {
		return all
	}
	return kept
}

// word matches one query word or a synonym of it in any text field, as a
// whole word or as a substring (bigrams), or as pinyin. Synonyms weigh
// Weights.Synonym of the word; a long word also matches, at
// Weights.SubWords, as all of its sub-words (压缩文件: 压缩 and 文件).
func (b builder) word(w, only string) bluge.Query {
	or := bluge.NewBooleanQuery().SetMinShould(1)
	b.addWord(or, w, only, 1)
	for _, alt := range b.a.Synonyms(w) {
		b.addWord(or, alt, only, b.w.Synonym)
	}
	if subs := b.subWords(w); len(subs) > 1 {
		and := bluge.NewBooleanQuery()
		for _, sw := range subs {
			inner := bluge.NewBooleanQuery().SetMinShould(1)
			b.addWord(inner, sw, only, b.w.SubWords)
			and.AddMust(inner)
		}
		or.AddShould(and)
	}
	if only == "" && isLatin(w) {
		py := cached(b.memoMap(func(m *analysisMemo) map[string][]string { return m.pinyin }), w,
			func() []string { return terms(b.a.PinyinQuery(), w) })
		for _, t := range py {
			or.AddShould(inField(bluge.NewTermQuery(t).SetField(indexer.FieldTitlePinyin).SetBoost(b.w.Pinyin), indexer.FieldTitlePinyin))
		}
	}
	return or
}

// addWord adds to or the clauses matching w in the text fields (only, or
// all), as a word and as bigrams, with the field weights scaled by scale.
func (b builder) addWord(or *bluge.BooleanQuery, w, only string, scale float64) {
	for _, f := range b.w.fields(only) {
		or.AddShould(inField(bluge.NewTermQuery(w).SetField(f.words).SetBoost(f.wWords*scale), f.words))
		if bq := b.bigramQuery(w, f.bigrams, f.wBig*scale); bq != nil {
			or.AddShould(inField(bq, f.bigrams))
		}
		if c, ok := loneHan(w); ok { // 贷: inside 贷款 and 网贷 alike
			or.AddShould(inField(bluge.NewPrefixQuery(c).SetField(f.bigrams).SetBoost(f.wBig*scale), f.bigrams))
			or.AddShould(inField(bluge.NewWildcardQuery("?"+c).SetField(f.bigrams).SetBoost(f.wBig*scale), f.bigrams))
		}
	}
}

// subWords returns the non-overlapping search-mode sub-words that cover a
// query word of three or more characters, nil when it has none (the index
// word analyzer, when the Analysis has one, emits them at position
// increment 0 after the word).
func (b builder) subWords(w string) []string {
	return cached(b.memoMap(func(m *analysisMemo) map[string][]string { return m.subWords }), w,
		func() []string { return b.analyseSubWords(w) })
}

func (b builder) analyseSubWords(w string) []string {
	ia, ok := b.a.(interface{ IndexWords() *analysis.Analyzer })
	if !ok || utf8.RuneCountInString(w) < 3 {
		return nil
	}
	var out []string
	covered := 0
	for _, t := range ia.IndexWords().Analyze([]byte(w)) {
		if t.PositionIncr != 0 || t.Start < covered {
			continue
		}
		out = append(out, string(t.Term))
		covered = t.End
	}
	if covered != len(w) {
		return nil // the sub-words do not cover the word: no safe split
	}
	return out
}

// bigramQuery matches text as consecutive bigrams in field.
func (b builder) bigramQuery(text, field string, boost float64) bluge.Query {
	grams := cached(b.memoMap(func(m *analysisMemo) map[string][]string { return m.bigrams }), text,
		func() []string { return terms(b.a.Bigrams(), text) })
	switch len(grams) {
	case 0:
		return nil
	case 1:
		return bluge.NewTermQuery(grams[0]).SetField(field).SetBoost(boost)
	}
	seq := make([][]string, len(grams))
	for i, g := range grams {
		seq[i] = []string{g}
	}
	return bluge.NewMultiPhraseQuery(seq).SetField(field).SetBoost(boost)
}

// phrase matches text exactly (as consecutive bigrams) in any text field.
func (b builder) phrase(text, only string) bluge.Query {
	or := bluge.NewBooleanQuery().SetMinShould(1)
	n := 0
	for _, f := range b.w.fields(only) {
		if bq := b.bigramQuery(text, f.bigrams, f.wWords); bq != nil {
			or.AddShould(bq)
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return or
}

// phraseBoosts rewards documents holding a multi-word clause as written.
func (b builder) phraseBoosts(q Query) []bluge.Query {
	var out []bluge.Query
	for _, c := range q.Clauses {
		if c.Negate || c.Phrase || len(b.words(c.Text)) < 2 {
			continue
		}
		for _, f := range b.w.fields(c.Field) {
			if bq := b.bigramQuery(c.Text, f.bigrams, f.wWords*b.w.Phrase); bq != nil {
				out = append(out, bq)
			}
		}
	}
	return out
}

// titleBoosts rewards titles that hold every word of a multi-word clause
// (as words or bigrams, synonyms included) and, for clauses holding a zero
// collocation, titles that hold the clause exactly as typed.
func (b builder) titleBoosts(q Query) []bluge.Query {
	var out []bluge.Query
	for _, c := range q.Clauses {
		if c.Negate || (c.Field != "" && c.Field != indexer.FieldTitle) {
			continue
		}
		if words := b.words(c.Text); len(words) > 1 && !c.Phrase {
			and := bluge.NewBooleanQuery().SetBoost(b.w.TitleAll)
			for _, w := range words {
				and.AddMust(b.word(w, indexer.FieldTitle))
			}
			out = append(out, and)
		}
		if lit := b.literal(c.Text); lit != "" {
			if lq := b.literalBoost(lit); lq != nil {
				out = append(out, lq)
			}
		}
	}
	return out
}

// literalBoost is the query rewarding titles that hold lit; nil when none
// can (a clause that matches nothing adds nothing to any score).
func (b builder) literalBoost(lit string) bluge.Query {
	if q, ok := b.literals[lit]; ok {
		return q
	}
	return bluge.NewWildcardQuery("*" + lit + "*").SetField(indexer.FieldTitleKey).SetBoost(b.w.Literal)
}

// literalTexts returns the literal texts of q's clauses (those titleBoosts
// adds a literal boost for).
func (b builder) literalTexts(q Query) []string {
	var out []string
	for _, c := range q.Clauses {
		if c.Negate || (c.Field != "" && c.Field != indexer.FieldTitle) {
			continue
		}
		if lit := b.literal(c.Text); lit != "" {
			out = append(out, lit)
		}
	}
	return out
}

// literal returns text as the title key holds it (corpus.NormalizeTitle)
// when normalisation folds a zero collocation in it (零元 → 0元) and text
// is short, else "". The title key keeps 零 and 0 apart, so a wildcard on
// it finds the form typed; it is kept to these queries because a wildcard
// with a leading * walks the whole title-key dictionary.
func (b builder) literal(text string) string {
	lit := corpus.NormalizeTitle(text)
	if utf8.RuneCountInString(lit) > 8 || strings.ContainsAny(lit, "*?\\") || !hasZeroCollocation(b.a.Normalize(lit)) {
		return ""
	}
	return lit
}

// hasZeroCollocation reports whether normalised text holds a 0 directly
// followed by a CJK character (0首付, 0元: what 零首付, 零元 become).
func hasZeroCollocation(norm string) bool {
	for i := strings.IndexByte(norm, '0'); i >= 0; {
		r, _ := utf8.DecodeRuneInString(norm[i+1:])
		if r >= 0x2E80 {
			return true
		}
		j := strings.IndexByte(norm[i+1:], '0')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// terms runs an analyzer over text and returns the terms, in order.
func terms(a *analysis.Analyzer, text string) []string {
	stream := a.Analyze([]byte(text))
	out := make([]string, 0, len(stream))
	for _, t := range stream {
		out = append(out, string(t.Term))
	}
	return out
}

func isLatin(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return r < 'a' || r > 'z' }) < 0
}

// loneHan reports whether w is one Han character: the bigram fields hold
// it only inside bigrams, so it is looked for as their first or second half.
func loneHan(w string) (string, bool) {
	r, n := utf8.DecodeRuneInString(w)
	return w, n == len(w) && unicode.Is(unicode.Han, r)
}

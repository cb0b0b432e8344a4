package segment

import (
	"unicode/utf8"

	"github.com/blugelabs/bluge/analysis"
)

// IndexWords returns the index-time word analyzer: every gse word
// (PositionIncr 1) followed by its search-mode sub-words of two or more
// characters (PositionIncr 0), depth first: 中华人民共和国 → 中华人民共和国,
// 中华, 人民共和国, 人民, 共和国, 共和. Single-character sub-words are not
// emitted (网贷 does not yield 网 and 贷): the bigram field covers partial
// matches without flooding the word field with single characters. Words
// inside a word widened over a zero collocation are sub-words too.
func (s *Segmenter) IndexWords() *analysis.Analyzer {
	return &analysis.Analyzer{Tokenizer: wordTokenizer{s: s, sub: true}}
}

// QueryWords returns the query-time word analyzer: plain gse words only.
func (s *Segmenter) QueryWords() *analysis.Analyzer {
	return &analysis.Analyzer{Tokenizer: wordTokenizer{s: s}}
}

// wordTokenizer tokenizes with the lexicon (gse's dictionary segmentation).
type wordTokenizer struct {
	s   *Segmenter
	sub bool
}

// Tokenize implements analysis.Tokenizer.
func (t wordTokenizer) Tokenize(input []byte) analysis.TokenStream {
	f := t.s.norm.fold(t.s.capInput(input))
	segs := t.s.lex.segment(f.norm)
	b := newTokenBuilder(f, len(segs))
	mainEnd := 0 // normalised end of the last word, after widening
	for i := range segs {
		start, end := int(segs[i].start), int(segs[i].end)
		if end <= mainEnd { // inside a word widened over a zero collocation
			if t.sub {
				b.add(start, end, 0)
			}
			continue
		}
		if !b.add(start, end, 1) {
			continue
		}
		mainEnd = b.last[1]
		if t.sub {
			addSubWords(b, t.s.lex, segs[i].word, start)
		}
	}
	return b.stream()
}

// addSubWords emits the search-mode sub-words of word (which starts at the
// normalised offset base), depth first, skipping single characters.
func addSubWords(b *tokenBuilder, lex *lexicon, word int32, base int) {
	for _, sub := range lex.subWords(word) {
		start, end := base+int(sub.start), base+int(sub.end)
		if utf8.RuneCount(b.f.norm[start:end]) < 2 {
			continue
		}
		b.add(start, end, 0)
		addSubWords(b, lex, sub.word, start)
	}
}

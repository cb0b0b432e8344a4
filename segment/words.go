package segment

import (
	"unicode/utf8"

	"github.com/blugelabs/bluge/analysis"
	"github.com/go-ego/gse"
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

// wordTokenizer tokenizes with gse's dictionary segmentation (no HMM).
type wordTokenizer struct {
	s   *Segmenter
	sub bool
}

// Tokenize implements analysis.Tokenizer.
func (t wordTokenizer) Tokenize(input []byte) analysis.TokenStream {
	f := t.s.norm.fold(t.s.capInput(input))
	segs := t.s.gse.Segment(f.norm)
	b := newTokenBuilder(f, len(segs))
	mainEnd := 0 // normalised end of the last word, after widening
	for i := range segs {
		sg := &segs[i]
		if sg.End() <= mainEnd { // inside a word widened over a zero collocation
			if t.sub {
				b.add(sg.Start(), sg.End(), 0)
			}
			continue
		}
		if !b.add(sg.Start(), sg.End(), 1) {
			continue
		}
		mainEnd = b.last[1]
		if t.sub {
			addSubWords(b, sg.Token(), sg.Start())
		}
	}
	return b.stream()
}

// addSubWords emits the search-mode sub-words of tok (which starts at the
// normalised offset base), depth first, skipping single characters.
func addSubWords(b *tokenBuilder, tok *gse.Token, base int) {
	for _, sub := range tok.Segments() {
		start, end := base+sub.Start(), base+sub.End()
		if utf8.RuneCount(b.f.norm[start:end]) < 2 {
			continue
		}
		b.add(start, end, 0)
		addSubWords(b, sub.Token(), start)
	}
}

package segment

import (
	"unicode"
	"unicode/utf8"

	"github.com/blugelabs/bluge/analysis"
)

// Bigrams returns the character-bigram analyzer, the same at index and query
// time: over the normalised text, every run of CJK characters gives its
// overlapping bigrams, every run of other letters and digits gives one token
// (360, iphone15). A run that would cut a zero collocation is widened to it,
// and the collocation is one unit whose tail still pairs with the next
// character (零元分期 → 0元, 元分, 分期), so 零首付 and 0首付 give the same terms.
//
// A run of one CJK character gives itself only when the text holds a
// character on both sides of it (A网B → a, 网, b) and it is not the tail of
// a zero collocation: at the start or end of the text it may be part of a
// longer run in a longer text, which has no such unigram (零元 → 0元 only, as
// inside 零元分期). So if a text A occurs in a text B without cutting a run of
// letters and digits or a zero collocation, every term of A is a term of B;
// the one exception is A being a single CJK character (网 gives nothing),
// which search looks for as a prefix or suffix of bigrams.
func (s *Segmenter) Bigrams() *analysis.Analyzer {
	return &analysis.Analyzer{Tokenizer: bigramTokenizer{s: s}}
}

type bigramTokenizer struct{ s *Segmenter }

// runKind classifies a rune for bigrams.
type runKind int

const (
	kindOther runKind = iota
	kindCJK
	kindAlnum
)

func kindOf(r rune) runKind {
	switch {
	case isCJK(r):
		return kindCJK
	case r < utf8.RuneSelf:
		if ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') {
			return kindAlnum
		}
		return kindOther
	case unicode.IsLetter(r) || unicode.IsNumber(r):
		return kindAlnum
	}
	return kindOther
}

// Tokenize implements analysis.Tokenizer.
func (t bigramTokenizer) Tokenize(input []byte) analysis.TokenStream {
	f := t.s.norm.fold(t.s.capInput(input))
	b := newTokenBuilder(f, len(f.norm)/3+1)
	text := f.norm
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		switch kindOf(r) {
		case kindCJK:
			i = cjkBigrams(b, text, i)
		case kindAlnum:
			end := runEnd(text, i, kindAlnum)
			b.add(i, end, 1)
			i = end
		default:
			i += size
		}
	}
	return b.stream()
}

// runEnd returns the end of the run of kind k starting at i.
func runEnd(text []byte, i int, k runKind) int {
	for i < len(text) {
		r, size := utf8.DecodeRune(text[i:])
		if kindOf(r) != k {
			break
		}
		i += size
	}
	return i
}

// cjkBigrams emits the bigrams of the CJK run starting at i and returns its
// end. A run of one character is emitted only with a character of the text
// on both sides, and not when the last token (a widened zero collocation)
// already covers it.
func cjkBigrams(b *tokenBuilder, text []byte, i int) int {
	end := runEnd(text, i, kindCJK)
	_, first := utf8.DecodeRune(text[i:end])
	if i+first == end {
		if i > 0 && end < len(text) && !(b.hasAny && b.last[1] >= end) {
			b.add(i, end, 1)
		}
		return end
	}
	for p := i; p+first < end; {
		_, n2 := utf8.DecodeRune(text[p+first:])
		b.add(p, p+first+n2, 1)
		p += first
		_, first = utf8.DecodeRune(text[p:])
	}
	return end
}

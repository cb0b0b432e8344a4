package segment

import (
	"unicode"
	"unicode/utf8"

	"github.com/blugelabs/bluge/analysis"
)

// maxTermBytes caps a term: longer tokens (a 300-letter run) are dropped.
const maxTermBytes = 256

// tokenBuilder accumulates the tokens of one analyzer call over a folded
// text, mapping normalised spans back to the original.
type tokenBuilder struct {
	f      *folded
	store  []analysis.Token
	last   [2]int // normalised span of the last token, for duplicates
	hasAny bool
}

func newTokenBuilder(f *folded, capacity int) *tokenBuilder {
	return &tokenBuilder{f: f, store: make([]analysis.Token, 0, capacity)}
}

// add emits the normalised span [ns, ne) (widened to whole chunks) if it
// holds a letter or a digit and is at most maxTermBytes long; a duplicate of the previous token's span at
// increment 0 is dropped. It reports whether a token was emitted.
func (b *tokenBuilder) add(ns, ne, incr int) bool {
	if ne <= ns {
		return false
	}
	ns, ne, os, oe := b.f.span(ns, ne)
	term := b.f.norm[ns:ne:ne]
	if len(term) > maxTermBytes || oe <= os || !hasWordRune(term) {
		return false
	}
	if incr == 0 && b.hasAny && b.last == [2]int{ns, ne} {
		return false
	}
	b.emit(analysis.Token{Start: os, End: oe, Term: term, PositionIncr: incr, Type: tokenType(term)})
	b.last, b.hasAny = [2]int{ns, ne}, true
	return true
}

// emit appends a ready token.
func (b *tokenBuilder) emit(t analysis.Token) {
	b.store = append(b.store, t)
}

// stream returns the tokens as a bluge TokenStream.
func (b *tokenBuilder) stream() analysis.TokenStream {
	ts := make(analysis.TokenStream, len(b.store))
	for i := range b.store {
		ts[i] = &b.store[i]
	}
	return ts
}

// hasWordRune reports whether s contains a letter or a number.
func hasWordRune(s []byte) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') || ('A' <= c && c <= 'Z') {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if 0x4E00 <= r && r <= 0x9FFF || unicode.IsLetter(r) || unicode.IsNumber(r) { // the common CJK block first
			return true
		}
		i += size
	}
	return false
}

// tokenType classifies a term: ideographic if it holds a CJK character,
// numeric if only digits, alphanumeric otherwise.
func tokenType(term []byte) analysis.TokenType {
	numeric := true
	for _, r := range string(term) {
		if isCJK(r) {
			return analysis.Ideographic
		}
		if r < '0' || r > '9' {
			numeric = false
		}
	}
	if numeric {
		return analysis.Numeric
	}
	return analysis.AlphaNumeric
}

// isCJK reports Han, Hiragana, Katakana and Hangul characters.
func isCJK(r rune) bool {
	switch {
	case r < 0x1100:
		return false
	case 0x4E00 <= r && r <= 0x9FFF: // CJK Unified Ideographs, the common case
		return true
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
}

package segment

import (
	"unicode/utf8"

	"github.com/blugelabs/bluge/analysis"
)

// Marks that start every term of the TitlePrefixes analyzer, one per kind
// of term, so that kinds never collide in the one field: the rest of the
// term is the normalised text.
const (
	// PrefixMarkTitle starts the terms "the text starts with": "^静夜".
	PrefixMarkTitle = "^"
	// PrefixMarkChar starts the terms "the text holds this CJK character": "~夜".
	PrefixMarkChar = "~"
	// PrefixMarkPinyin starts the terms "a word's pinyin or initials start
	// with these letters": "@zhi", "@zfb".
	PrefixMarkPinyin = "@"
)

// MaxTitlePrefix is how many leading characters of the normalised text
// get a PrefixMarkTitle term; a longer typed text is looked up by its
// first MaxTitlePrefix characters and checked against the title.
const MaxTitlePrefix = 12

// MaxPinyinPrefix is how many leading letters of a pinyin term get a
// PrefixMarkPinyin term; longer latin input is looked up in the pinyin
// field itself, where a prefix that long expands to few terms.
const MaxPinyinPrefix = 4

// TitlePrefixes returns the analyzer of the suggestion field of titles. It
// makes every question a search box asks one term lookup. Over the
// normalised text (see Normalize) it emits, each term once:
//
//   - PrefixMarkTitle + the first k characters, k = 1..MaxTitlePrefix
//     (静夜思 → ^静, ^静夜, ^静夜思), whitespace and punctuation included, so
//     that ^ + Normalize(typed) is a term exactly when the normalised title
//     starts with the typed text (for at most MaxTitlePrefix characters);
//   - PrefixMarkChar + every CJK character of the text (~静, ~夜, ~思);
//   - PrefixMarkPinyin + the first 1..MaxPinyinPrefix letters of every term
//     of the Pinyin analyzer (支付宝 → @z, @zh, @zhi, @zhif, @zf, @zfb).
//
// Unlike the other analyzers, a term is not the normalised text of its
// span: Start:End is the span of the original text the term comes from
// (the prefix, the character, the pinyin's word), on rune boundaries. The
// field needs no positions.
func (s *Segmenter) TitlePrefixes() *analysis.Analyzer {
	return &analysis.Analyzer{Tokenizer: prefixTokenizer{s: s}}
}

type prefixTokenizer struct{ s *Segmenter }

// prefixTerms accumulates the tokens of one TitlePrefixes call.
type prefixTerms struct {
	f     *folded
	store []analysis.Token
	arena []byte              // backs every term; a term's bytes never change
	seen  map[string]struct{} // terms emitted, as views of the arena
}

// Tokenize implements analysis.Tokenizer.
func (t prefixTokenizer) Tokenize(input []byte) analysis.TokenStream {
	input = t.s.capInput(input)
	f := t.s.norm.fold(input)
	p := &prefixTerms{f: f, arena: make([]byte, 0, 4*len(f.norm)+16), seen: map[string]struct{}{}}
	p.titleStarts()
	p.chars()
	p.pinyin(pinyinTokenizer{s: t.s}.Tokenize(input))
	ts := make(analysis.TokenStream, len(p.store))
	for i := range p.store {
		ts[i] = &p.store[i]
	}
	return ts
}

// term appends mark+text to the arena and returns it, capacity-limited.
func (p *prefixTerms) term(mark string, text []byte) []byte {
	start := len(p.arena)
	p.arena = append(append(p.arena, mark...), text...)
	return p.arena[start:len(p.arena):len(p.arena)]
}

// emit appends a token for mark+text over the original span [os, oe)
// unless the term was emitted already.
func (p *prefixTerms) emit(mark string, text []byte, os, oe int) {
	start := len(p.arena)
	term := p.term(mark, text)
	if _, dup := p.seen[unsafeString(term)]; dup || oe <= os {
		p.arena = p.arena[:start]
		return
	}
	p.seen[unsafeString(term)] = struct{}{}
	p.store = append(p.store, analysis.Token{Start: os, End: oe, Term: term, PositionIncr: 1, Type: analysis.Single})
}

// titleStarts emits ^ + the first 1..MaxTitlePrefix characters.
func (p *prefixTerms) titleStarts() {
	norm := p.f.norm
	for end, k := 0, 0; end < len(norm) && k < MaxTitlePrefix; k++ {
		_, size := utf8.DecodeRune(norm[end:])
		end += size
		_, _, os, oe := p.f.span(0, end)
		p.emit(PrefixMarkTitle, norm[:end], os, oe)
	}
}

// chars emits ~ + every distinct CJK character.
func (p *prefixTerms) chars() {
	norm := p.f.norm
	for i := 0; i < len(norm); {
		r, size := utf8.DecodeRune(norm[i:])
		if isCJK(r) {
			_, _, os, oe := p.f.span(i, i+size)
			p.emit(PrefixMarkChar, norm[i:i+size], os, oe)
		}
		i += size
	}
}

// pinyin emits @ + the first 1..MaxPinyinPrefix letters of every term of
// the pinyin tokens ts, each distinct term once.
func (p *prefixTerms) pinyin(ts analysis.TokenStream) {
	for _, tok := range ts {
		for k := 1; k <= len(tok.Term) && k <= MaxPinyinPrefix; k++ {
			p.emit(PrefixMarkPinyin, tok.Term[:k], tok.Start, tok.End)
		}
	}
}

package segment

import (
	"strings"
	"unicode/utf8"

	"github.com/blugelabs/bluge/analysis"
	"github.com/mozillazg/go-pinyin"
)

// Pinyin returns the title pinyin analyzer: for every gse word holding
// Chinese characters, its full toneless pinyin (支付宝 → zhifubao) and, at
// the same position, its initials (zfb). Polyphones are chosen per word from
// an embedded phrase table (银行 → yinhang, not yinxing), else the most common
// reading. Offsets are the word's span in the original text; non-Chinese
// characters of a word are skipped.
func (s *Segmenter) Pinyin() *analysis.Analyzer {
	return &analysis.Analyzer{Tokenizer: pinyinTokenizer{s: s}}
}

// PinyinQuery returns the query side of the pinyin field: the runs of latin
// letters of the normalised query, lower-cased (ZFB → zfb, "zhi fu bao" →
// zhi, fu, bao).
func (s *Segmenter) PinyinQuery() *analysis.Analyzer {
	return &analysis.Analyzer{Tokenizer: latinTokenizer{s: s}}
}

// pinyinTable chooses readings: phrase overrides, then go-pinyin's first one.
type pinyinTable struct {
	phrases  map[string][]string
	maxRunes int
	detone   *strings.Replacer
}

func newPinyinTable(n *normalizer) (pinyinTable, error) {
	phrases, maxRunes, err := n.parsePinyinPhrases(pinyinPhrases)
	if err != nil {
		return pinyinTable{}, err
	}
	return pinyinTable{phrases: phrases, maxRunes: maxRunes, detone: newDetoner()}, nil
}

// newDetoner removes tone marks; ü is written v as usual when typing.
func newDetoner() *strings.Replacer {
	pairs := []string{}
	for base, marked := range map[string]string{
		"a": "āáǎà", "e": "ēéěèê", "i": "īíǐì", "o": "ōóǒò", "u": "ūúǔù",
		"v": "üǖǘǚǜ", "n": "ńňǹ", "m": "ḿ",
	} {
		for _, r := range marked {
			pairs = append(pairs, string(r), base)
		}
	}
	return strings.NewReplacer(pairs...)
}

// syllables appends the toneless syllables of the Chinese characters of word.
func (p *pinyinTable) syllables(word string, out []string) []string {
	for word != "" {
		if syl, n := p.phrase(word); n > 0 {
			out = append(out, syl...)
			word = word[n:]
			continue
		}
		r, size := utf8.DecodeRuneInString(word)
		word = word[size:]
		if py := p.reading(r); py != "" {
			out = append(out, py)
		}
	}
	return out
}

// phrase finds the longest phrase-table entry at the start of word.
func (p *pinyinTable) phrase(word string) ([]string, int) {
	end, runes := 0, 0
	best, bestLen := []string(nil), 0
	for end < len(word) && runes < p.maxRunes {
		_, size := utf8.DecodeRuneInString(word[end:])
		end += size
		runes++
		if syl, ok := p.phrases[word[:end]]; ok && runes >= 2 {
			best, bestLen = syl, end
		}
	}
	return best, bestLen
}

// reading returns the most common toneless reading of r, "" if none.
func (p *pinyinTable) reading(r rune) string {
	all, ok := pinyin.PinyinDict[int(r)]
	if !ok {
		return ""
	}
	first, _, _ := strings.Cut(all, ",")
	return p.detone.Replace(first)
}

type pinyinTokenizer struct{ s *Segmenter }

// Tokenize implements analysis.Tokenizer.
func (t pinyinTokenizer) Tokenize(input []byte) analysis.TokenStream {
	f := t.s.norm.fold(t.s.capInput(input))
	segs := t.s.gse.Segment(f.norm)
	b := newTokenBuilder(f, len(segs))
	var syl []string
	for i := range segs {
		ns, ne, os, oe := f.span(segs[i].Start(), segs[i].End())
		syl = t.s.pinyin.syllables(string(f.norm[ns:ne]), syl[:0])
		if len(syl) == 0 {
			continue
		}
		full, initials := joinPinyin(syl)
		b.emit(analysis.Token{Start: os, End: oe, Term: []byte(full), PositionIncr: 1, Type: analysis.AlphaNumeric})
		if initials != full {
			b.emit(analysis.Token{Start: os, End: oe, Term: []byte(initials), PositionIncr: 0, Type: analysis.AlphaNumeric})
		}
	}
	return b.stream()
}

// joinPinyin returns the concatenated syllables and their first letters.
func joinPinyin(syl []string) (full, initials string) {
	var fb, ib strings.Builder
	for _, s := range syl {
		fb.WriteString(s)
		ib.WriteByte(s[0])
	}
	return fb.String(), ib.String()
}

// latinTokenizer emits runs of ASCII letters of the normalised text.
type latinTokenizer struct{ s *Segmenter }

// Tokenize implements analysis.Tokenizer.
func (t latinTokenizer) Tokenize(input []byte) analysis.TokenStream {
	f := t.s.norm.fold(t.s.capInput(input))
	b := newTokenBuilder(f, 4)
	text := f.norm
	for i := 0; i < len(text); {
		if !isLower(text[i]) {
			i++
			continue
		}
		end := i
		for end < len(text) && isLower(text[end]) {
			end++
		}
		b.add(i, end, 1)
		i = end
	}
	return b.stream()
}

func isLower(c byte) bool { return 'a' <= c && c <= 'z' }

package segment

import (
	"strings"
	"unicode/utf8"
	"unsafe"

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
	dense    []denseReading // for denseLo <= r < denseHi, precomputed
}

// denseReading is the precomputed reading of a CJK character and whether a
// phrase of the table starts with it.
type denseReading struct {
	reading     string
	phraseStart bool
}

func newPinyinTable(n *normalizer) (pinyinTable, error) {
	phrases, maxRunes, err := n.parsePinyinPhrases(pinyinPhrases)
	if err != nil {
		return pinyinTable{}, err
	}
	p := pinyinTable{phrases: phrases, maxRunes: maxRunes, detone: newDetoner()}
	p.dense = make([]denseReading, denseHi-denseLo)
	for r := rune(denseLo); r < denseHi; r++ {
		p.dense[r-denseLo].reading = p.lookup(r)
	}
	for word := range phrases {
		if r, _ := utf8.DecodeRuneInString(word); denseLo <= r && r < denseHi {
			p.dense[r-denseLo].phraseStart = true
		}
	}
	return p, nil
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
	if r, _ := utf8.DecodeRuneInString(word); denseLo <= r && r < denseHi && !p.dense[r-denseLo].phraseStart {
		return nil, 0
	}
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
	if denseLo <= r && r < denseHi {
		return p.dense[r-denseLo].reading
	}
	return p.lookup(r)
}

// lookup computes reading from go-pinyin's table.
func (p *pinyinTable) lookup(r rune) string {
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
	b := newTokenBuilder(f, 2*len(segs))
	var syl []string
	arena := make([]byte, 0, 2*len(f.norm)) // backs every term
	for i := range segs {
		ns, ne, os, oe := f.span(segs[i].Start(), segs[i].End())
		syl = t.s.pinyin.syllables(unsafeString(f.norm[ns:ne]), syl[:0])
		if len(syl) == 0 {
			continue
		}
		var full, initials []byte
		arena, full, initials = joinPinyin(arena, syl)
		b.emit(analysis.Token{Start: os, End: oe, Term: full, PositionIncr: 1, Type: analysis.AlphaNumeric})
		if len(initials) != len(full) {
			b.emit(analysis.Token{Start: os, End: oe, Term: initials, PositionIncr: 0, Type: analysis.AlphaNumeric})
		}
	}
	return b.stream()
}

// joinPinyin appends the concatenated syllables, then their first letters,
// to arena and returns both as capacity-limited sub-slices.
func joinPinyin(arena []byte, syl []string) (grown, full, initials []byte) {
	start := len(arena)
	for _, s := range syl {
		arena = append(arena, s...)
	}
	mid := len(arena)
	for _, s := range syl {
		arena = append(arena, s[0])
	}
	return arena, arena[start:mid:mid], arena[mid:len(arena):len(arena)]
}

// unsafeString views b as a string for read-only lookups that do not retain it.
func unsafeString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
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

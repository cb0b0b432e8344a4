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
// the same position, its initials (zfb); then, at PositionIncr 0, the same
// pair for the parts of the word: its search-mode sub-words and, for a word
// of three or more characters, every two-character window (望江南 →
// wangjiangnan, wjn, jiangnan, jn, wangjiang, wj), at most maxPinyinParts
// parts per word, none repeating a term of the word. Polyphones are chosen
// per word from an embedded phrase table (银行 → yinhang, not yinxing), else
// the most common reading, and a part keeps the readings of its word
// (建设银行 → …, yinhang). The 0 of a zero collocation reads ling (零首付 and
// 0首付 → lingshoufu, shoufu). Offsets are the span of the word or part in
// the original text; non-Chinese characters are skipped.
func (s *Segmenter) Pinyin() *analysis.Analyzer {
	return &analysis.Analyzer{Tokenizer: pinyinTokenizer{s: s}}
}

// maxPinyinParts caps the parts (sub-words and windows) of one word that get
// pinyin, so that a long word does not flood the field.
const maxPinyinParts = 8

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

// wordSyllables appends to syl the toneless reading of every rune of the
// normalised span [ns, ne) of f ("" for a rune without one) and to off the
// rune's offset. Phrase-table entries are matched left to right; the 0 of a
// zero collocation reads ling.
func (p *pinyinTable) wordSyllables(f *folded, ns, ne int, syl []string, off []int) ([]string, []int) {
	for pos := ns; pos < ne; {
		if ph, n := p.phrase(unsafeString(f.norm[pos:ne])); n > 0 {
			for k := 0; k < n; {
				_, size := utf8.DecodeRune(f.norm[pos+k:])
				off = append(off, pos+k)
				k += size
			}
			syl = append(syl, ph...)
			pos += n
			continue
		}
		r, size := utf8.DecodeRune(f.norm[pos:ne])
		py := p.reading(r)
		if r == '0' && f.chunks[f.chunkOf[pos]].needEnd > 0 {
			py = "ling"
		}
		syl, off = append(syl, py), append(off, pos)
		pos += size
	}
	return syl, off
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

// pinyinWord holds the state of the word being emitted.
type pinyinWord struct {
	syl   []string // reading of every rune ("" if none)
	off   []int    // normalised offset of every rune, then the word's end
	parts [][2]int // normalised spans of the parts, in order
	first int      // index in the token store of the word's first token
}

// Tokenize implements analysis.Tokenizer.
func (t pinyinTokenizer) Tokenize(input []byte) analysis.TokenStream {
	f := t.s.norm.fold(t.s.capInput(input))
	segs := t.s.lex.segment(f.norm)
	b := newTokenBuilder(f, 2*len(segs))    // grows if parts need more
	arena := make([]byte, 0, 2*len(f.norm)) // backs every term; grows too
	var w pinyinWord
	for i := 0; i < len(segs); i++ {
		ns, ne, os, oe := f.span(int(segs[i].start), int(segs[i].end))
		w.syl, w.off = t.s.pinyin.wordSyllables(f, ns, ne, w.syl[:0], w.off[:0])
		w.off = append(w.off, ne)
		w.parts = w.parts[:0]
		if len(w.syl) >= 3 { // a part has two syllables: a shorter word has none
			w.parts = addPartSpans(w.parts, t.s.lex, segs[i].word, int(segs[i].start))
		}
		for i+1 < len(segs) && int(segs[i+1].end) <= ne { // inside a word widened over a zero collocation
			i++
			w.parts = append(w.parts, [2]int{int(segs[i].start), int(segs[i].end)})
			w.parts = addPartSpans(w.parts, t.s.lex, segs[i].word, int(segs[i].start))
		}
		var full, initials []byte
		arena, full, initials = joinPinyin(arena, w.syl)
		if len(full) == 0 {
			continue
		}
		w.first = len(b.store)
		b.emit(analysis.Token{Start: os, End: oe, Term: full, PositionIncr: 1, Type: analysis.AlphaNumeric})
		if len(initials) != len(full) {
			b.emit(analysis.Token{Start: os, End: oe, Term: initials, PositionIncr: 0, Type: analysis.AlphaNumeric})
		}
		if len(w.syl) >= 3 {
			for k := 0; k+1 < len(w.syl); k++ {
				if w.syl[k] != "" && w.syl[k+1] != "" {
					w.parts = append(w.parts, [2]int{w.off[k], w.off[k+2]})
				}
			}
		}
		arena = t.emitParts(b, &w, arena)
	}
	return b.stream()
}

// emitParts emits the pinyin and initials of the parts of w that have two
// or more syllables, do not cut a zero collocation and repeat no term of the
// word, at most maxPinyinParts of them.
func (t pinyinTokenizer) emitParts(b *tokenBuilder, w *pinyinWord, arena []byte) []byte {
	emitted := 0
	for _, part := range w.parts {
		if emitted == maxPinyinParts {
			break
		}
		ns, ne, os, oe := b.f.span(part[0], part[1])
		if ns != part[0] || ne != part[1] {
			continue // cuts a zero collocation: 0 alone is no part
		}
		from, to := runeIndex(w.off, ns), runeIndex(w.off, ne)
		if from < 0 || to < 0 || syllableCount(w.syl[from:to]) < 2 {
			continue
		}
		mark := len(arena)
		var full, initials []byte
		arena, full, initials = joinPinyin(arena, w.syl[from:to])
		if hasTerm(b.store[w.first:], full) {
			arena = arena[:mark]
			continue
		}
		b.emit(analysis.Token{Start: os, End: oe, Term: full, PositionIncr: 0, Type: analysis.AlphaNumeric})
		if len(initials) != len(full) && !hasTerm(b.store[w.first:], initials) {
			b.emit(analysis.Token{Start: os, End: oe, Term: initials, PositionIncr: 0, Type: analysis.AlphaNumeric})
		}
		emitted++
	}
	return arena
}

// addPartSpans appends the normalised spans of the search-mode sub-words of
// word (which starts at base), depth first, leaving out those too short for
// two syllables (under 4 bytes: 0元 is the shortest) and their sub-words.
func addPartSpans(parts [][2]int, lex *lexicon, word int32, base int) [][2]int {
	for _, sub := range lex.subWords(word) {
		start, end := base+int(sub.start), base+int(sub.end)
		if end-start < 4 {
			continue
		}
		parts = append(parts, [2]int{start, end})
		parts = addPartSpans(parts, lex, sub.word, start)
	}
	return parts
}

// runeIndex returns k such that off[k] == pos, -1 if none.
func runeIndex(off []int, pos int) int {
	for k, o := range off {
		if o == pos {
			return k
		} else if o > pos {
			break
		}
	}
	return -1
}

func syllableCount(syl []string) int {
	n := 0
	for _, s := range syl {
		if s != "" {
			n++
		}
	}
	return n
}

// hasTerm reports whether a token of ts has the term.
func hasTerm(ts []analysis.Token, term []byte) bool {
	for i := range ts {
		if string(ts[i].Term) == string(term) {
			return true
		}
	}
	return false
}

// joinPinyin appends the concatenated syllables, then their first letters,
// to arena and returns both as capacity-limited sub-slices ("" syllables
// are skipped).
func joinPinyin(arena []byte, syl []string) (grown, full, initials []byte) {
	start := len(arena)
	for _, s := range syl {
		arena = append(arena, s...)
	}
	mid := len(arena)
	for _, s := range syl {
		if s != "" {
			arena = append(arena, s[0])
		}
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

package segment

import (
	"slices"
	"unicode"
	"unicode/utf8"
)

// lexicon is the word dictionary and its segmentation: gse's dictionary
// segmentation (shortest path over word distances, no HMM) and search-mode
// sub-words, reimplemented over flat arrays so that a built dictionary is
// a file loaded in place, without parsing (see lexfile.go and
// basedict.go). Its output is gse's, word for word (TestLexiconMatchesGse).
// A lexicon is immutable and safe for concurrent use.
type lexicon struct {
	nodes  []trieNode // double-array trie over the words' bytes (see trieNode)
	dist   []float32  // per word: log2(total frequency) − log2(frequency)
	freq   []uint32   // per word: frequency (kept to rebuild with a user dictionary)
	subIdx []uint32   // per word: its sub-words are subs[subIdx[w]:subIdx[w+1]]
	subs   []lexSub
	txtIdx []uint32 // per word: its text is text[txtIdx[w]:txtIdx[w+1]]
	text   string
	digest [32]byte // of the file it was loaded from (zero when built)
}

// trieNode is a slot of the double-array trie. From node s, byte c (1–255)
// leads to t = base(s)+c when check(t) == s; the slot base(s)+0, when its
// check is s, is s's terminal and holds the word id in its base. Free slots
// have check −1. The root is slot 0.
type trieNode struct {
	base, check int32
}

// lexSeg is a word of a segmented text: bytes [start, end) of the text and
// its word id, or pseudoWord for a character the dictionary does not hold.
type lexSeg struct {
	start, end int32
	word       int32
}

// lexSub is a search-mode sub-word of a word: bytes [start, end) of the
// word's text and its word id (or pseudoWord).
type lexSub struct {
	start, end uint16
	word       int32
}

// pseudoWord marks a character absent from the dictionary (gse's "x"
// token: distance 32, no sub-words).
const pseudoWord = -1

// pseudoDistance is the path length gse gives a character it does not know.
const pseudoDistance = 32

// numWords returns the number of words.
func (l *lexicon) numWords() int { return len(l.dist) }

// word returns the text of word w.
func (l *lexicon) word(w int32) string { return l.text[l.txtIdx[w]:l.txtIdx[w+1]] }

// subWords returns the search-mode sub-words of w (none for pseudoWord).
func (l *lexicon) subWords(w int32) []lexSub {
	if w < 0 {
		return nil
	}
	return l.subs[l.subIdx[w]:l.subIdx[w+1]]
}

// next follows byte c from node s; −1 if there is no such edge.
func (l *lexicon) next(s int32, c byte) int32 {
	t := l.nodes[s].base + int32(c)
	if uint32(t) < uint32(len(l.nodes)) && l.nodes[t].check == s {
		return t
	}
	return -1
}

// value returns the id of the word ending at node s, −1 if none.
func (l *lexicon) value(s int32) int32 {
	t := l.nodes[s].base
	if uint32(t) < uint32(len(l.nodes)) && l.nodes[t].check == s {
		return l.nodes[t].base
	}
	return -1
}

// segment splits text into words like gse's Segment: the dictionary words
// (or unknown single units) along the shortest path. Offsets are bytes of
// text.
func (l *lexicon) segment(text []byte) []lexSeg {
	if len(text) == 0 {
		return nil
	}
	units := splitUnits(text, make([]int32, 0, len(text)/3+2))
	return l.shortestPath(text, units, false, nil)
}

// pathBuf holds buffers that shortestPath reuses between calls; with a
// nil pathBuf it allocates and the result is the caller's.
type pathBuf struct {
	jumpers []jumper
	segs    []lexSeg
}

// jumper is the best path found so far ending at a unit: its length, the
// word that ends it and the unit where that word starts.
type jumper struct {
	dist float32
	word int32
	from int32
}

// shortestPath is gse's segmentWords over units (unit boundaries in text).
// In search mode (sub-words of a word) the word spanning all of text is not
// a candidate, and a single unit has no sub-words.
func (l *lexicon) shortestPath(text []byte, units []int32, search bool, buf *pathBuf) []lexSeg {
	n := len(units) - 1
	if search && n == 1 {
		return nil
	}
	var jumpers []jumper
	if buf == nil {
		jumpers = make([]jumper, n)
	} else {
		buf.jumpers = append(buf.jumpers[:0], make([]jumper, n)...)
		jumpers = buf.jumpers
	}
	for cur := 0; cur < n; cur++ {
		var base float32
		if cur > 0 {
			base = jumpers[cur-1].dist
		}
		if !l.relax(text, units, cur, base, jumpers, search) {
			relaxJumper(&jumpers[cur], base, pseudoDistance, pseudoWord, cur)
		}
	}
	if buf == nil {
		return collect(units, jumpers, nil)
	}
	buf.segs = collect(units, jumpers, buf.segs[:0])
	return buf.segs
}

// relax updates the jumpers at the end of every dictionary word starting at
// unit cur and reports whether one of them is that single unit.
func (l *lexicon) relax(text []byte, units []int32, cur int, base float32, jumpers []jumper, search bool) (single bool) {
	n := len(units) - 1
	s := int32(0)
	for k := cur; k < n; k++ {
		for _, c := range text[units[k]:units[k+1]] {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if s = l.next(s, c); s < 0 {
				return single
			}
		}
		w := l.value(s)
		if w < 0 {
			continue
		}
		single = single || k == cur
		if !search || cur != 0 || k != n-1 {
			relaxJumper(&jumpers[k], base, l.dist[w], w, cur)
		}
	}
	return single
}

// relaxJumper is gse's updateJumper: a zero distance means "not reached yet".
func relaxJumper(j *jumper, base, dist float32, word int32, from int) {
	d := base + dist
	if j.dist == 0 || j.dist > d {
		*j = jumper{dist: d, word: word, from: int32(from)}
	}
}

// collect walks the best path back from the last unit into out (reused
// when it has the capacity).
func collect(units []int32, jumpers []jumper, out []lexSeg) []lexSeg {
	num := 0
	for i := len(jumpers) - 1; i >= 0; i = int(jumpers[i].from) - 1 {
		num++
	}
	out = slices.Grow(out[:0], num)[:num]
	for i := len(jumpers) - 1; i >= 0; i = int(jumpers[i].from) - 1 {
		num--
		out[num] = lexSeg{start: units[jumpers[i].from], end: units[i+1], word: jumpers[i].word}
	}
	return out
}

// splitUnits appends to units the boundaries of gse's units of text
// (SplitTextToWords): a run of letters and digits encoded in one or two
// bytes is one unit, any other character is one unit. The result holds
// every boundary, 0 and len(text) included.
func splitUnits(text []byte, units []int32) []int32 {
	units = append(units, 0)
	inRun := true // gse starts "inside a run" so a leading run needs no start
	for cur := 0; cur < len(text); {
		r, size := utf8.DecodeRune(text[cur:])
		if size <= 2 && (unicode.IsLetter(r) || unicode.IsNumber(r)) {
			if !inRun {
				inRun = true
			}
		} else {
			if inRun && cur != 0 {
				units = append(units, int32(cur))
			}
			inRun = false
			units = append(units, int32(cur+size))
		}
		cur += size
	}
	if inRun && len(text) != 0 {
		units = append(units, int32(len(text)))
	}
	return units
}

// isJapanese reports whether s holds Hiragana or Katakana (gse's IsJp):
// such single units are not sub-words.
func isJapanese(s []byte) bool {
	for _, r := range string(s) {
		if unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) {
			return true
		}
	}
	return false
}

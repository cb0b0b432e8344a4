package segment

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// lexEntry is a dictionary word as gse stores it: its text (letters
// lower-cased) and frequency.
type lexEntry struct {
	text string
	freq uint32
}

// buildLexicon builds a lexicon from entries, whose texts must be unique
// (an error otherwise). Distances use the total frequency; sub-words are
// computed for every word (gse's CalcToken).
func buildLexicon(entries []lexEntry) (*lexicon, error) {
	l := &lexicon{freq: make([]uint32, 0, len(entries)), txtIdx: make([]uint32, 1, len(entries)+1)}
	size := 0
	for _, e := range entries {
		if err := checkEntry(e); err != nil {
			return nil, err
		}
		size += len(e.text)
	}
	if size > math.MaxUint32 {
		return nil, errors.New("dictionary text over 4 GiB")
	}
	var text strings.Builder
	text.Grow(size)
	var total float64
	for _, e := range entries {
		text.WriteString(e.text)
		l.txtIdx = append(l.txtIdx, uint32(text.Len()))
		l.freq = append(l.freq, e.freq)
		total += float64(e.freq)
	}
	l.text = text.String()
	l.setDistances(total)
	var err error
	if l.nodes, err = buildTrie(l); err != nil {
		return nil, err
	}
	l.computeSubWords()
	return l, nil
}

// extend returns a lexicon of the entries followed by l's words: the first
// entry of a text wins, as in gse, so entries take precedence over l.
func (l *lexicon) extend(entries []lexEntry) (*lexicon, error) {
	first := make(map[string]struct{}, len(entries))
	all := make([]lexEntry, 0, len(entries)+l.numWords())
	for _, e := range entries {
		if _, dup := first[e.text]; !dup {
			first[e.text] = struct{}{}
			all = append(all, e)
		}
	}
	for w := range l.numWords() {
		if text := l.word(int32(w)); !hasKey(first, text) {
			all = append(all, lexEntry{text: text, freq: l.freq[w]})
		}
	}
	return buildLexicon(all)
}

func hasKey(m map[string]struct{}, k string) bool {
	_, ok := m[k]
	return ok
}

// checkEntry rejects what the flat layout cannot hold.
func checkEntry(e lexEntry) error {
	switch {
	case e.text == "":
		return errors.New("empty dictionary word")
	case len(e.text) > math.MaxUint16:
		return fmt.Errorf("dictionary word of %d bytes (max %d)", len(e.text), math.MaxUint16)
	case strings.IndexByte(e.text, 0) >= 0:
		return fmt.Errorf("dictionary word %q holds a NUL byte", e.text)
	}
	return nil
}

// setDistances computes every word's path length as gse's CalcToken does.
func (l *lexicon) setDistances(total float64) {
	logTotal := float32(math.Log2(total))
	l.dist = make([]float32, len(l.freq))
	for i, f := range l.freq {
		l.dist[i] = logTotal - float32(math.Log2(float64(f)))
	}
}

// computeSubWords segments every word in search mode (gse's CalcToken),
// leaving out single Japanese kana units.
func (l *lexicon) computeSubWords() {
	l.subIdx = make([]uint32, 1, l.numWords()+1)
	l.subs = make([]lexSub, 0, 9*l.numWords()/4) // zh_s: 2.2 per word
	text := []byte(l.text)
	var units []int32
	var buf pathBuf
	for w := range l.numWords() {
		word := text[l.txtIdx[w]:l.txtIdx[w+1]]
		units = splitUnits(word, units[:0])
		for _, sg := range l.shortestPath(word, units, true, &buf) {
			if isUnit(units, sg) && isJapanese(word[sg.start:sg.end]) {
				continue
			}
			l.subs = append(l.subs, lexSub{start: uint16(sg.start), end: uint16(sg.end), word: sg.word})
		}
		l.subIdx = append(l.subIdx, uint32(len(l.subs)))
	}
}

// isUnit reports whether sg covers exactly one unit.
func isUnit(units []int32, sg lexSeg) bool {
	i, ok := slices.BinarySearch(units, sg.start)
	return ok && i+1 < len(units) && units[i+1] == sg.end
}

// trieBuilder places the words of a lexicon into a double-array trie.
type trieBuilder struct {
	l     *lexicon
	keys  []int32 // word ids sorted by text
	nodes []trieNode
	free  int // every slot below is taken (or skipped as too dense)
}

// buildTrie returns the double array of l's words.
func buildTrie(l *lexicon) ([]trieNode, error) {
	b := &trieBuilder{l: l, free: 1}
	b.keys = make([]int32, l.numWords())
	for i := range b.keys {
		b.keys[i] = int32(i)
	}
	slices.SortFunc(b.keys, func(x, y int32) int { return strings.Compare(l.word(x), l.word(y)) })
	for i := 1; i < len(b.keys); i++ {
		if w := l.word(b.keys[i]); w == l.word(b.keys[i-1]) {
			return nil, fmt.Errorf("dictionary word %q twice", w)
		}
	}
	b.grow(len(l.text) + len(b.keys) + 256) // at most a node per byte and a terminal per word
	if len(b.keys) > 0 {
		b.place(0, 0, 0, len(b.keys))
	}
	if len(b.nodes) > math.MaxInt32 {
		return nil, errors.New("dictionary trie over 2^31 slots")
	}
	used := len(b.nodes)
	for used > 1 && b.nodes[used-1].check < 0 {
		used--
	}
	return slices.Clone(b.nodes[:used]), nil // drop the slack of growing
}

// label is byte depth of key i, 0 when the key ends there.
func (b *trieBuilder) label(i, depth int) byte {
	w := b.l.word(b.keys[i])
	if depth == len(w) {
		return 0
	}
	return w[depth]
}

// place gives node s, which covers keys[lo:hi] sharing depth bytes, its
// children: all edges first, then each child's subtree.
func (b *trieBuilder) place(s int32, depth, lo, hi int) {
	var labels [256]byte
	var starts [257]int
	n := 0
	for i := lo; i < hi; i++ {
		if c := b.label(i, depth); n == 0 || c != labels[n-1] {
			labels[n], starts[n] = c, i
			n++
		}
	}
	starts[n] = hi
	base := b.findBase(labels[:n])
	b.nodes[s].base = base
	for _, c := range labels[:n] {
		b.nodes[base+int32(c)].check = s
	}
	for k, c := range labels[:n] {
		t := base + int32(c)
		if c == 0 {
			b.nodes[t].base = b.keys[starts[k]]
			continue
		}
		b.place(t, depth+1, starts[k], starts[k+1])
	}
}

// findBase returns the smallest base ≥ 1 from the free mark on whose slots
// for labels are all free.
func (b *trieBuilder) findBase(labels []byte) int32 {
	first := int(labels[0])
	start := max(b.free, first+1)
	taken := 0
	for p := start; ; p++ {
		b.grow(p + 256)
		if b.nodes[p].check >= 0 {
			taken++
			continue
		}
		if taken == p-start && start == b.free {
			b.free = p // every slot before p is taken
		}
		if base := p - first; b.fits(base, labels) {
			// Skip a region that has become nearly full (darts' heuristic).
			if span := p - b.free + 1; taken*20 >= span*19 {
				b.free = p
			}
			return int32(base)
		}
	}
}

// fits reports whether every slot base+label is free.
func (b *trieBuilder) fits(base int, labels []byte) bool {
	if base < 1 {
		return false
	}
	for _, c := range labels {
		if b.nodes[base+int(c)].check >= 0 {
			return false
		}
	}
	return true
}

// grow makes slots [0, n) exist, the new ones free, adding a quarter
// more at a time.
func (b *trieBuilder) grow(n int) {
	if n <= len(b.nodes) {
		return
	}
	old := len(b.nodes)
	b.nodes = slices.Grow(b.nodes, max(n, old+old/4)-old)
	b.nodes = b.nodes[:cap(b.nodes)]
	for i := old; i < len(b.nodes); i++ {
		b.nodes[i] = trieNode{check: -1}
	}
}

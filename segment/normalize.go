package segment

import (
	"bufio"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// variantFolds lists pairs of Simplified variants folded after OpenCC's
// Traditional → Simplified table, because the site writes the second form
// (帳 → 帐 → 账).
const variantFolds = "帐账"

// zeroTails lists what may follow 零 (or a free-standing 0) for the two to be
// interchangeable: 零首付 = 0首付, 零元 = 0元, … In these collocations 零 is
// normalised to 0. Elsewhere (零钱, 零售, 一百零五) 零 stays as it is.
// Matching is a plain lookahead on the folded text, so Normalize is the same
// on any substring that does not cut a collocation.
const zeroTails = "首付 元 利息 利率 押金 门槛 手续费 费率 月供 风险 成本"

// chunk is the smallest unit of the normalisation map: the original bytes
// [origEnd of previous chunk, origEnd) became normalised bytes
// [normEnd of previous chunk, normEnd). needEnd > 0 marks the 0 of a zero
// collocation: a token covering it must extend to needEnd (normalised).
type chunk struct {
	normEnd, origEnd, needEnd int32
}

// folded is a normalised text with its map back to the original.
type folded struct {
	norm    []byte
	chunks  []chunk
	chunkOf []int32 // chunk index of every normalised byte
}

// normalizer holds the immutable folding tables of a Segmenter.
type normalizer struct {
	ts       map[rune]rune // Traditional → Simplified (+ variant folds), all runes
	variants map[rune]rune // the variant folds alone (applied to phrase outputs)
	// phrases are OpenCC's TSPhrases whose Simplified form has as many
	// runes as the Traditional one, by first rune, longest first: a word
	// converts as a word (乾隆 stays 乾隆, where 乾 alone is 干), rune for
	// rune, so every chunk still maps one original rune.
	phrases   map[rune][]phrase
	starts    []uint64 // bit r-denseLo: a phrase starts with r (no map lookup per rune)
	sparse    bool     // some phrase starts outside [denseLo, denseHi): look it up in phrases
	zeroTails []string
	// dense is ts for denseLo <= r < denseHi (the CJK blocks), 0 = unchanged:
	// an array index instead of a map lookup per character.
	dense []rune
}

const denseLo, denseHi = 0x3400, 0xA000

// phrase is one Traditional word and its Simplified runes.
type phrase struct{ from, to []rune }

// newNormalizer builds the folding tables from OpenCC's TSCharacters and
// TSPhrases texts.
func newNormalizer(tsText, phraseText string) (*normalizer, error) {
	ts, err := parseTSCharacters(tsText)
	if err != nil {
		return nil, err
	}
	variants := map[rune]rune{}
	for pair := []rune(variantFolds); len(pair) >= 2; pair = pair[2:] {
		variants[pair[0]] = pair[1]
	}
	for from, to := range variants {
		ts[from] = to
	}
	resolveChains(ts)
	n := &normalizer{ts: ts, variants: variants, zeroTails: strings.Fields(zeroTails), dense: make([]rune, denseHi-denseLo)}
	for from, to := range ts {
		if denseLo <= from && from < denseHi {
			n.dense[from-denseLo] = to
		}
	}
	phrases, err := parseTSPhrases(phraseText, variants)
	if err != nil {
		return nil, err
	}
	n.phrases = n.stablePhrases(phrases)
	n.starts = make([]uint64, (denseHi-denseLo+63)/64)
	for r := range n.phrases {
		if denseLo <= r && r < denseHi {
			n.starts[(r-denseLo)/64] |= 1 << ((r - denseLo) % 64)
		} else {
			n.sparse = true
		}
	}
	return n, nil
}

// startsPhrase reports whether a phrase starts with r.
func (n *normalizer) startsPhrase(r rune) bool {
	if denseLo <= r && r < denseHi {
		if n.starts == nil { // while stablePhrases builds the table
			return n.phrases[r] != nil
		}
		return n.starts[(r-denseLo)/64]&(1<<((r-denseLo)%64)) != 0
	}
	if n.starts != nil && !n.sparse { // Latin text, digits, punctuation: no map lookup
		return false
	}
	return n.phrases[r] != nil
}

// parseTSPhrases reads OpenCC's TSPhrases.txt ("繁體詞	简体词 [简…]"),
// keeping the first candidate of the phrases whose forms have as many
// runes, with the variant folds applied to the Simplified form.
func parseTSPhrases(data string, variants map[rune]rune) ([]phrase, error) {
	var out []phrase
	sc := bufio.NewScanner(strings.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		from, to, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			continue
		}
		f, t := []rune(from), []rune(strings.Fields(to + " ")[0])
		if len(f) < 2 || !utf8.ValidString(sc.Text()) {
			return nil, fmt.Errorf("TSPhrases line %d: malformed %q", line, sc.Text())
		}
		if len(f) != len(t) {
			continue
		}
		for i, r := range t {
			if v, ok := variants[r]; ok {
				t[i] = v
			}
		}
		out = append(out, phrase{from: f, to: t})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read TSPhrases: %w", err)
	}
	return out, nil
}

// stablePhrases indexes the phrases by first rune, longest first, keeping
// only those whose Simplified form normalises to itself (so that
// normalising twice changes nothing), until none is dropped.
func (n *normalizer) stablePhrases(all []phrase) map[rune][]phrase {
	for {
		n.phrases = map[rune][]phrase{}
		for _, p := range all {
			n.phrases[p.from[0]] = append(n.phrases[p.from[0]], p)
		}
		for _, ps := range n.phrases {
			slices.SortStableFunc(ps, func(a, b phrase) int { return len(b.from) - len(a.from) })
		}
		kept := all[:0:0]
		for _, p := range all {
			if string(n.fold([]byte(string(p.to))).norm) == string(p.to) {
				kept = append(kept, p)
			}
		}
		if len(kept) == len(all) {
			return n.phrases
		}
		all = kept
	}
}

// phraseAt returns the phrase that the original text starts with (its
// first rune r already decoded), or nil.
func (n *normalizer) phraseAt(r rune, text []byte) *phrase {
	ps := n.phrases[r]
	for i := range ps {
		if hasRunes(text, ps[i].from) {
			return &ps[i]
		}
	}
	return nil
}

// hasRunes reports whether text starts with runes.
func hasRunes(text []byte, runes []rune) bool {
	for _, r := range runes {
		got, size := utf8.DecodeRune(text)
		if got != r {
			return false
		}
		text = text[size:]
	}
	return true
}

// resolveChains makes every target final (薴 → 苧 → 苎 becomes 薴 → 苎), so
// that Normalize is idempotent.
func resolveChains(m map[rune]rune) {
	for from, to := range m {
		for hops := 0; hops < 8; hops++ {
			next, ok := m[to]
			if !ok || next == to {
				break
			}
			to = next
		}
		m[from] = to
	}
}

// simplify maps r through the Traditional → Simplified and variant tables.
func (n *normalizer) simplify(r rune) rune {
	if denseLo <= r && r < denseHi {
		if s := n.dense[r-denseLo]; s != 0 {
			return s
		}
		return r
	}
	if s, ok := n.ts[r]; ok {
		return s
	}
	return r
}

// parseTSCharacters reads OpenCC's TSCharacters.txt ("繁\t简 [简…]").
func parseTSCharacters(data string) (map[rune]rune, error) {
	m := make(map[rune]rune, 4200)
	sc := bufio.NewScanner(strings.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		from, to, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			continue
		}
		f, fn := utf8.DecodeRuneInString(from)
		t, tn := utf8.DecodeRuneInString(strings.Fields(to + " ")[0])
		if f == utf8.RuneError || t == utf8.RuneError || fn != len(from) || tn == 0 {
			return nil, fmt.Errorf("TSCharacters line %d: malformed %q", line, sc.Text())
		}
		m[f] = t
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read TSCharacters: %w", err)
	}
	return m, nil
}

// foldRune appends the normalised form of one rune of the original to buf;
// nothing for combining marks (merged into the previous chunk).
func (n *normalizer) foldRune(r rune, buf []rune) []rune {
	switch {
	case r < 0x80:
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return append(buf, r)
	case denseLo <= r && r < denseHi: // CJK: no case, no marks
		return append(buf, n.simplify(r))
	case 0xFF01 <= r && r <= 0xFF5E: // full-width ASCII
		return n.foldRune(r-0xFEE0, buf)
	case r == 0x3000: // ideographic space
		return append(buf, ' ')
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r):
		return buf
	}
	r = n.simplify(r)
	if (0xC0 <= r && r < 0x250) || (0x1E00 <= r && r < 0x1F00) {
		return foldLatin(r, buf)
	}
	return append(buf, unicode.ToLower(r))
}

// foldLatin strips diacritics (é → e, ǎ → a; ü → v as in toneless pinyin).
func foldLatin(r rune, buf []rune) []rune {
	r = unicode.ToLower(r)
	if r == 'ü' || r == 'ǖ' || r == 'ǘ' || r == 'ǚ' || r == 'ǜ' {
		return append(buf, 'v')
	}
	var tmp [utf8.UTFMax]byte
	d := norm.NFD.Bytes(tmp[:utf8.EncodeRune(tmp[:], r)])
	for _, c := range string(d) {
		if !unicode.Is(unicode.Mn, c) {
			buf = append(buf, unicode.ToLower(c))
		}
	}
	return buf
}

// fold normalises text keeping the map to the original bytes. Invalid UTF-8
// bytes become U+FFFD (never part of a token).
func (n *normalizer) fold(text []byte) *folded {
	f := &folded{
		norm:    make([]byte, 0, len(text)),
		chunks:  make([]chunk, 0, len(text)/2+1),
		chunkOf: make([]int32, 0, len(text)),
	}
	var buf [8]rune
	for i := 0; i < len(text); {
		start := i
		r, size := utf8.DecodeRune(text[i:])
		if n.startsPhrase(r) {
			if p := n.phraseAt(r, text[i:]); p != nil {
				i = f.addPhrase(text, i, p)
				continue
			}
		}
		out := n.foldRune(r, buf[:0])
		i += size
		if len(out) == 0 && len(f.chunks) > 0 { // combining mark: merge
			f.chunks[len(f.chunks)-1].origEnd = int32(i)
			continue
		}
		var need int
		if len(out) == 1 && (out[0] == '零' || out[0] == '0') {
			var sep bool
			if out[0], need, sep = n.zeroCollocation(out[0], text[i:], f.norm); sep {
				f.norm = append(f.norm, ' ')
				f.add(start, 0) // a space that stands for no original byte
			}
		}
		for _, o := range out {
			f.norm = utf8.AppendRune(f.norm, o)
		}
		f.add(i, need)
	}
	return f
}

// addPhrase appends the Simplified runes of phrase p, which the original
// text has at i, one chunk per original rune, and returns the end of the
// phrase in the original.
func (f *folded) addPhrase(text []byte, i int, p *phrase) int {
	for _, o := range p.to {
		_, size := utf8.DecodeRune(text[i:])
		i += size
		f.norm = utf8.AppendRune(f.norm, o)
		f.add(i, 0)
	}
	return i
}

// add closes a chunk ending at origEnd; need is the byte length of a zero
// collocation's tail (0 if none).
func (f *folded) add(origEnd, need int) {
	c := chunk{normEnd: int32(len(f.norm)), origEnd: int32(origEnd)}
	if need > 0 {
		c.needEnd = c.normEnd + int32(need)
	}
	idx := int32(len(f.chunks))
	f.chunks = append(f.chunks, c)
	for len(f.chunkOf) < len(f.norm) {
		f.chunkOf = append(f.chunkOf, idx)
	}
}

// zeroCollocation decides whether z (零 or 0) followed by rest is one of the
// zeroTails collocations; it returns the normalised zero, the tail length and
// whether a space must precede the zero. A digit 0 glued to a preceding latin
// letter or digit is no collocation (100元 is not 0元). A 零 there is one
// (iPhone15零首付) but its 0 would glue to the digits (iphone150首付), so a
// space standing for no original byte separates them: iphone15 0首付, which
// normalises to itself.
func (n *normalizer) zeroCollocation(z rune, rest, prev []byte) (out rune, tail int, sep bool) {
	tail = n.zeroTail(rest)
	if tail == 0 {
		return z, 0, false
	}
	glued := len(prev) > 0 && isASCIIAlnum(prev[len(prev)-1])
	if glued && z == '0' {
		return z, 0, false
	}
	return '0', tail, glued
}

// zeroTail returns the byte length of the zeroTails entry rest starts with
// (after folding), 0 if none.
func (n *normalizer) zeroTail(rest []byte) int {
	folded := n.foldPrefix(rest, 4)
	for _, t := range n.zeroTails {
		if strings.HasPrefix(folded, t) {
			return len(t)
		}
	}
	return 0
}

// foldPrefix folds at most max output runes of text (for lookahead).
func (n *normalizer) foldPrefix(text []byte, max int) string {
	var sb strings.Builder
	var buf [8]rune
	count := 0
	for i := 0; i < len(text) && count < max; {
		r, size := utf8.DecodeRune(text[i:])
		i += size
		for _, o := range n.foldRune(r, buf[:0]) {
			sb.WriteRune(o)
			count++
		}
	}
	return sb.String()
}

func isASCIIAlnum(b byte) bool {
	return ('0' <= b && b <= '9') || ('a' <= b && b <= 'z')
}

// span maps the normalised span [ns, ne) to whole chunks, extending it over
// zero collocations it would cut, and returns the normalised and original
// spans. ne > ns is required.
func (f *folded) span(ns, ne int) (nStart, nEnd, oStart, oEnd int) {
	first := f.chunkOf[ns]
	last := f.chunkOf[ne-1]
	for c := first; c <= last; c++ {
		if need := f.chunks[c].needEnd; need > f.chunks[last].normEnd {
			last = f.chunkOf[need-1]
		}
	}
	if first > 0 {
		nStart = int(f.chunks[first-1].normEnd)
		oStart = int(f.chunks[first-1].origEnd)
	}
	return nStart, int(f.chunks[last].normEnd), oStart, int(f.chunks[last].origEnd)
}

package search

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Span is a match in a text, as byte offsets [Start, End).
type Span struct{ Start, End int }

const (
	markOpen  = "<mark>"
	markClose = "</mark>"
	ellipsis  = "…"
)

// Mark returns text HTML-escaped with every match wrapped in <mark>…</mark>.
// Overlapping and touching spans merge into one mark; spans are widened to
// whole UTF-8 characters, so a mark never splits one.
func Mark(text string, spans []Span) string {
	var b strings.Builder
	markRange(&b, text, mergeSpans(text, spans), 0, len(text))
	return b.String()
}

// mergeSpans clamps spans to text and to character boundaries, sorts them
// and merges overlapping or adjacent ones.
func mergeSpans(text string, spans []Span) []Span {
	out := make([]Span, 0, len(spans))
	sorted := true
	for _, s := range spans {
		s.Start, s.End = runeFloor(text, s.Start), runeCeil(text, s.End)
		if s.Start < s.End {
			if n := len(out); n > 0 && s.Start < out[n-1].Start {
				sorted = false
			}
			out = append(out, s)
		}
	}
	if !sorted {
		slices.SortStableFunc(out, func(a, b Span) int { return a.Start - b.Start })
	}
	merged := out[:0]
	for _, s := range out {
		if n := len(merged); n > 0 && s.Start <= merged[n-1].End {
			merged[n-1].End = max(merged[n-1].End, s.End)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// markRange writes text[from:to] escaped to b with the merged spans inside
// it marked.
func markRange(b *strings.Builder, text string, spans []Span, from, to int) {
	b.Grow(to - from + 32)
	at := from
	for _, s := range spans {
		if s.End <= from || s.Start >= to {
			continue
		}
		start, end := max(s.Start, from), min(s.End, to)
		escapeTo(b, text[at:start])
		b.WriteString(markOpen)
		escapeTo(b, text[start:end])
		b.WriteString(markClose)
		at = end
	}
	escapeTo(b, text[at:to])
}

// escapeTo writes s to b escaped exactly as html.EscapeString does, without
// building an intermediate string.
func escapeTo(b *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '&':
			esc = "&amp;"
		case '\'':
			esc = "&#39;"
		case '"':
			esc = "&#34;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.WriteString(s[last:])
}

func runeFloor(text string, i int) int {
	i = min(max(i, 0), len(text))
	for i > 0 && i < len(text) && !utf8.RuneStart(text[i]) {
		i--
	}
	return i
}

func runeCeil(text string, i int) int {
	i = min(max(i, 0), len(text))
	for i < len(text) && !utf8.RuneStart(text[i]) {
		i++
	}
	return i
}

// Snippet returns an HTML-escaped fragment of text of about size characters
// around the densest cluster of matches, with the matches marked. It starts
// and ends at sentence punctuation where one is near, adds "…" where it cuts
// mid-sentence, and falls back to the start of text when spans is empty.
func Snippet(text string, spans []Span, size int) string {
	if size <= 0 {
		size = 120
	}
	spans = mergeSpans(text, spans)
	from, to := window(text, spans, size)
	var b strings.Builder
	if from > 0 && !endsSentence(text[:from]) {
		b.WriteString(ellipsis)
	}
	markRange(&b, text, spans, from, to)
	if to < len(text) && !endsSentence(text[:to]) {
		b.WriteString(ellipsis)
	}
	return b.String()
}

// window chooses the byte range of the fragment.
func window(text string, spans []Span, size int) (int, int) {
	anchor := bestAnchor(text, spans, size)
	from := sentenceStart(text, anchor, size/3)
	to := sentenceEnd(text, from, size)
	for _, s := range spans { // never cut a mark in two
		if s.Start < to && s.End > to {
			to = s.End
		}
	}
	return from, to
}

// maxAnchorSpans bounds the spans bestAnchor weighs: the snippet of a long
// body is the densest window among its first matches, so that a page of
// man pages holding a query gram thousands of times does not walk each
// of them character by character.
const maxAnchorSpans = 64

// bestAnchor returns the start of the span that begins the window of size
// characters holding the most spans (of the first maxAnchorSpans); 0
// without spans. spans are merged (sorted, disjoint), so the windows' ends
// only move forward: one pass over the text and the spans, not one window
// walk per span.
func bestAnchor(text string, spans []Span, size int) int {
	spans = spans[:min(len(spans), maxAnchorSpans)]
	best, bestCount := 0, 0
	width := size * 2 / 3
	limit, j, n := 0, 0, 0 // window of span i ends at limit; spans[i:j] end inside it, n bytes
	for i, s := range spans {
		if i == 0 || s.Start-spans[i-1].Start > 4*width {
			limit = advance(text, s.Start, width) // far apart: a fresh window, no walk over the gap
		} else {
			limit = advance(text, limit, runesBetween(text, spans[i-1].Start, s.Start))
		}
		if j < i {
			j, n = i, 0
		}
		for j < len(spans) && spans[j].End <= limit {
			n += spans[j].End - spans[j].Start
			j++
		}
		if n > bestCount {
			best, bestCount = s.Start, n
		}
		if j > i {
			n -= s.End - s.Start
		}
	}
	return best
}

// runesBetween counts the characters from byte offset i to j, stepping as
// advance does.
func runesBetween(text string, i, j int) int {
	n := 0
	for i < j && i < len(text) {
		i += runeLen(text, i)
		n++
	}
	return n
}

// runeLen is the width of the character at i, as utf8.DecodeRuneInString
// counts it (1 for an invalid byte), with fast paths for ASCII and for the
// three-byte characters whose lead byte admits any continuation byte
// (E1–EC, EE, EF: every CJK ideograph of the basic plane): the snippet
// window walks long bodies character by character.
func runeLen(text string, i int) int {
	c := text[i]
	if c < utf8.RuneSelf {
		return 1
	}
	if (0xE1 <= c && c <= 0xEC || c == 0xEE || c == 0xEF) && i+2 < len(text) &&
		text[i+1]&0xC0 == 0x80 && text[i+2]&0xC0 == 0x80 {
		return 3
	}
	_, w := utf8.DecodeRuneInString(text[i:])
	return w
}

// advance moves n characters forward from byte offset i.
func advance(text string, i, n int) int {
	for ; n > 0 && i < len(text); n-- {
		i += runeLen(text, i)
	}
	return i
}

// back moves n characters backward from byte offset i.
func back(text string, i, n int) int {
	for ; n > 0 && i > 0; n-- {
		_, w := utf8.DecodeLastRuneInString(text[:i])
		i -= w
	}
	return i
}

// endsSentence reports whether s ends with sentence punctuation.
func endsSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimRight(s, " \t"))
	return isSentenceEnd(r)
}

func isSentenceEnd(r rune) bool {
	switch r {
	case '。', '！', '？', '；', '!', '?', ';', '\n':
		return true
	}
	return false
}

// sentenceStart finds where the fragment holding anchor starts: just after
// the nearest sentence end within reach characters before it, else reach
// characters before it.
func sentenceStart(text string, anchor, reach int) int {
	if anchor == 0 {
		return 0
	}
	limit := back(text, anchor, reach)
	for i := anchor; i > limit; {
		r, w := utf8.DecodeLastRuneInString(text[:i])
		if isSentenceEnd(r) {
			return i
		}
		i -= w
	}
	return skipSpace(text, limit)
}

// sentenceEnd finds where a fragment starting at from ends: after the last
// sentence end within size characters if it is past half of it, else after
// size characters.
func sentenceEnd(text string, from, size int) int {
	limit := advance(text, from, size)
	if limit == len(text) {
		return limit
	}
	half := advance(text, from, size/2)
	for i := limit; i > half; {
		r, w := utf8.DecodeLastRuneInString(text[:i])
		if isSentenceEnd(r) {
			return i
		}
		i -= w
	}
	return limit
}

func skipSpace(text string, i int) int {
	for i < len(text) && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t') {
		i++
	}
	return i
}

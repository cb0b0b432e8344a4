package main

import (
	"io"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// displayWidth is how many terminal columns s takes: East Asian wide and
// fullwidth characters (Chinese, fullwidth punctuation, most emoji) two,
// combining marks, format and control characters none, the rest one
// (UAX #11 through golang.org/x/text/width: no table built at start-up, no
// dependence on the locale).
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r < 0x20, r >= 0x7f && r < 0xa0, unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		case isWide(r):
			n += 2
		default:
			n++
		}
	}
	return n
}

func isWide(r rune) bool {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return true
	}
	return false
}

// table aligns columns by display width (a Chinese character takes two
// columns on a terminal), not by bytes or runes.
type table struct {
	aligns string // per column: l (left) or r (right); missing: l
	indent string
	rows   [][]string
}

func (t *table) row(cells ...string) { t.rows = append(t.rows, cells) }

// write writes the rows, columns separated by two spaces, without
// trailing spaces.
func (t *table) write(w io.Writer) {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		line := t.indent
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-displayWidth(c))
			switch {
			case i > 0:
				line += "  "
			}
			if i < len(t.aligns) && t.aligns[i] == 'r' {
				line += pad + c
			} else {
				line += c + pad
			}
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	_, _ = io.WriteString(w, b.String()) // like fmt.Fprintf to w: the caller's writer reports its own errors
}

package main

import (
	"io"
	"strings"

	"github.com/mattn/go-runewidth"
)

// table aligns columns by display width (a Chinese character takes two
// columns on a terminal, go-runewidth), not by bytes or runes.
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
			widths[i] = max(widths[i], runewidth.StringWidth(c))
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		line := t.indent
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-runewidth.StringWidth(c))
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

package corpus

import (
	"strings"
	"unicode"
)

// isInvisible reports the zero-width characters stripped from all text:
// U+200B..U+200D, U+2060 (word joiner) and U+FEFF (BOM / ZWNBSP).
func isInvisible(r rune) bool {
	return (r >= 0x200B && r <= 0x200D) || r == 0x2060 || r == 0xFEFF
}

// isBlank reports runes that separate words: Unicode white space and
// control characters.
func isBlank(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r)
}

// lineBuilder accumulates one line of text with white space collapsed.
// Invalid UTF-8 is written as U+FFFD, so its output is always valid.
type lineBuilder struct {
	b       strings.Builder
	pending bool // a blank was seen after the last written rune
}

func (l *lineBuilder) write(s string) {
	for _, r := range s {
		switch {
		case isInvisible(r):
		case isBlank(r):
			l.pending = true
		default:
			l.flushSpace()
			l.b.WriteRune(r)
		}
	}
}

func (l *lineBuilder) flushSpace() {
	if l.pending && l.b.Len() > 0 {
		l.b.WriteByte(' ')
	}
	l.pending = false
}

// take returns the line and resets the builder.
func (l *lineBuilder) take() string {
	s := l.b.String()
	l.b.Reset()
	l.pending = false
	return s
}

func (l *lineBuilder) empty() bool { return l.b.Len() == 0 }

// cleanLine makes s one line: valid UTF-8, no invisible characters,
// white space collapsed to single spaces, trimmed.
func cleanLine(s string) string {
	var l lineBuilder
	l.write(strings.ToValidUTF8(s, "\uFFFD"))
	return l.take()
}

// cleanBlock cleans every line of s with cleanLine and drops blank lines.
func cleanBlock(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var out []string
	for _, line := range splitLines(s) {
		if c := cleanLine(line); c != "" {
			out = append(out, c)
		}
	}
	return strings.Join(out, "\n")
}

// splitLines splits on \n, \r\n, \r and the Unicode line and paragraph
// separators.
func splitLines(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == '\n' || r == '\r' || r == 0x2028 || r == 0x2029 || r == 0x85
	})
}

// cleanList cleans each string and drops empty ones.
func cleanList(in []string) []string {
	var out []string
	for _, s := range in {
		if c := cleanLine(s); c != "" {
			out = append(out, c)
		}
	}
	return out
}

package main

import (
	"fmt"
	"html"
	"io"
	"sort"
	"strings"

	"github.com/wensou/wensou/search"
)

// markStyle says how the <mark>s of highlighted text are shown.
type markStyle int

const (
	stylePlain    markStyle = iota // the text only
	styleTerminal                  // matches bold red (ANSI SGR)
)

const (
	sgrMark  = "\x1b[1;31m"
	sgrDim   = "\x1b[2m"
	sgrReset = "\x1b[0m"
)

// renderHTML turns highlighted HTML (escaped text with <mark> and
// </mark>, as the engine writes it) into text for style: marks become SGR
// codes or nothing, entities are unescaped, line breaks become spaces, and
// no control character of the document reaches the terminal.
func renderHTML(s string, style markStyle) string {
	open, closing := "", ""
	if style == styleTerminal {
		open, closing = sgrMark, sgrReset
	}
	var b strings.Builder
	for s != "" {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(cleanText(s))
			break
		}
		b.WriteString(cleanText(s[:i]))
		s = s[i:]
		switch {
		case strings.HasPrefix(s, "<mark>"):
			b.WriteString(open)
			s = s[len("<mark>"):]
		case strings.HasPrefix(s, "</mark>"):
			b.WriteString(closing)
			s = s[len("</mark>"):]
		default:
			b.WriteByte('<')
			s = s[1:]
		}
	}
	return b.String()
}

// cleanText unescapes escaped text, white space as spaces and other
// control characters dropped.
func cleanText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return ' '
		case r < 0x20 || r >= 0x7f && r < 0xa0:
			return -1
		}
		return r
	}, html.UnescapeString(s))
}

// dim is s faint on a terminal.
func dim(s string, style markStyle) string {
	if style == styleTerminal {
		return sgrDim + s + sgrReset
	}
	return s
}

// printResult writes a search result for a person to read.
func printResult(w io.Writer, res *search.Result, style markStyle) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s for %q (%.2f ms)", plural(int(res.Total), "hit", "hits"), res.Query, float64(res.Took.Microseconds())/1000)
	if res.Corrected != "" {
		fmt.Fprintf(&b, ", searched as %q", res.Corrected)
	}
	if res.Relaxed {
		b.WriteString(": not every word matched")
	}
	b.WriteString("\n")
	for i, h := range res.Hits {
		n := (res.Page-1)*res.Size + i + 1
		fmt.Fprintf(&b, "%3d. [%s] %s  %s\n", n, h.Kind, renderHTML(h.TitleHTML, style), dim(fmt.Sprintf("(%.3f)", h.Score), style))
		if h.URL != "" {
			fmt.Fprintf(&b, "     %s\n", dim(h.URL, style))
		}
		if len(h.ScoreByField) > 0 {
			fmt.Fprintf(&b, "     score by field: %s\n", formatScores(h.ScoreByField))
		}
		if h.SnippetHTML != "" {
			fmt.Fprintf(&b, "     %s\n", renderHTML(h.SnippetHTML, style))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func formatScores(m map[string]float64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %.3f", k, m[k])
	}
	return strings.Join(parts, ", ")
}

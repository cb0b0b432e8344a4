package search

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Clause is one part of a parsed query: a bare text chunk, a "quoted
// phrase", either possibly negated with a leading '-' and restricted to one
// field with a `field:` prefix.
type Clause struct {
	Text   string
	Phrase bool
	Negate bool
	Field  string // "" = all text fields
}

// Query is a parsed query.
type Query struct {
	Clauses []Clause
}

// Errors of query parsing; the API maps them to 400.
var (
	ErrEmptyQuery   = errors.New("query is empty")
	ErrQueryTooLong = errors.New("query is too long")
	// ErrTooManyTerms is no longer returned: a query with more clauses
	// than ParseLimits.MaxClauses keeps its most informative ones.
	ErrTooManyTerms = errors.New("query has too many terms")
	ErrOnlyNegative = errors.New("query has only exclusions")
)

// queryFields are the field names a `field:` prefix may name.
var queryFields = map[string]string{"title": "title", "body": "body", "headings": "headings", "标题": "title", "正文": "body"}

// ParseLimits bound what a query may ask for. Zero means the default.
type ParseLimits struct {
	MaxRunes int // default 256
	// MaxClauses is how many clauses a search uses, default 16: a longer
	// query keeps its most informative (longest) clauses, never fails.
	MaxClauses int
}

func (l ParseLimits) withDefaults() ParseLimits {
	if l.MaxRunes <= 0 {
		l.MaxRunes = 256
	}
	if l.MaxClauses <= 0 {
		l.MaxClauses = 16
	}
	return l
}

// Parse parses the query syntax: terms separated by spaces, "phrases" (also
// “…” and 「…」), -exclusions and field:value restrictions. Anything it
// does not understand is kept as text, so every input parses unless it is
// empty, only exclusions, or longer than MaxRunes. Repeated clauses are
// kept once.
func Parse(q string, lim ParseLimits) (Query, error) {
	lim = lim.withDefaults()
	if !utf8.ValidString(q) {
		q = strings.ToValidUTF8(q, " ")
	}
	if utf8.RuneCountInString(q) > lim.MaxRunes {
		return Query{}, fmt.Errorf("%w: more than %d characters", ErrQueryTooLong, lim.MaxRunes)
	}
	var out Query
	for rest := strings.TrimSpace(q); rest != ""; rest = strings.TrimLeftFunc(rest, isSpace) {
		var c Clause
		c, rest = nextClause(rest)
		for _, part := range splitScripts(c) {
			if strings.TrimFunc(part.Text, isSpace) == "" || slices.Contains(out.Clauses, part) {
				continue
			}
			out.Clauses = append(out.Clauses, part)
		}
	}
	return out, out.validate(lim)
}

// splitScripts splits a bare chunk where Han characters and Latin letters
// meet (租机app → 租机, app), so that a word typed glued to the next is
// searched as if a space were there. Digits stay with either side (0元,
// iphone15); phrases and exclusions stay whole.
func splitScripts(c Clause) []Clause {
	if c.Phrase || c.Negate {
		return []Clause{c}
	}
	var out []Clause
	start, prev := 0, 0 // prev: 1 Han, 2 Latin letter, 0 other
	for i, r := range c.Text {
		k := scriptOf(r)
		if k != 0 && prev != 0 && k != prev {
			part := c
			part.Text = c.Text[start:i]
			out = append(out, part)
			start = i
		}
		if k != 0 {
			prev = k
		}
	}
	part := c
	part.Text = c.Text[start:]
	return append(out, part)
}

func scriptOf(r rune) int {
	switch {
	case unicode.Is(unicode.Han, r):
		return 1
	case r < utf8.RuneSelf && unicode.IsLetter(r), r >= 0xFF21 && r <= 0xFF5A: // ASCII or full-width letters
		return 2
	}
	return 0
}

func (q Query) validate(lim ParseLimits) error {
	if len(q.Clauses) == 0 {
		return ErrEmptyQuery
	}
	for _, c := range q.Clauses {
		if !c.Negate {
			return nil
		}
	}
	return ErrOnlyNegative
}

// nextClause reads one clause from the front of s.
func nextClause(s string) (Clause, string) {
	var c Clause
	if len(s) > 1 && (s[0] == '-' || strings.HasPrefix(s, "－")) {
		_, n := utf8.DecodeRuneInString(s)
		if r, _ := utf8.DecodeRuneInString(s[n:]); !isSpace(r) {
			c.Negate = true
			s = s[n:]
		}
	}
	if name, rest, ok := fieldPrefix(s); ok {
		c.Field, s = name, rest
	}
	if text, rest, ok := quoted(s); ok {
		c.Text, c.Phrase = text, true
		return c, rest
	}
	end := strings.IndexFunc(s, isSpace)
	if end < 0 {
		end = len(s)
	}
	c.Text = s[:end]
	return c, s[end:]
}

func fieldPrefix(s string) (string, string, bool) {
	i := strings.IndexAny(s, ":：")
	if i <= 0 {
		return "", s, false
	}
	name, ok := queryFields[strings.ToLower(s[:i])]
	if !ok {
		return "", s, false
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	return name, s[i+n:], true
}

var quotePairs = [][2]string{{`"`, `"`}, {"“", "”"}, {"「", "」"}, {"『", "』"}}

// quoted reads a phrase in quotes; an unclosed quote runs to the end.
func quoted(s string) (string, string, bool) {
	for _, p := range quotePairs {
		if body, ok := strings.CutPrefix(s, p[0]); ok {
			if i := strings.Index(body, p[1]); i >= 0 {
				return body[:i], body[i+len(p[1]):], true
			}
			return body, "", true
		}
	}
	return "", s, false
}

func isSpace(r rune) bool { return unicode.IsSpace(r) || r == '\u3000' }

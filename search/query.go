package search

import (
	"errors"
	"fmt"
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
	ErrTooManyTerms = errors.New("query has too many terms")
	ErrOnlyNegative = errors.New("query has only exclusions")
)

// queryFields are the field names a `field:` prefix may name.
var queryFields = map[string]string{"title": "title", "body": "body", "headings": "headings", "标题": "title", "正文": "body"}

// ParseLimits bound what a query may ask for. Zero means the default.
type ParseLimits struct {
	MaxRunes   int // default 256
	MaxClauses int // default 16
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
// empty or over the limits.
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
		if strings.TrimFunc(c.Text, isSpace) == "" {
			continue
		}
		out.Clauses = append(out.Clauses, c)
	}
	return out, out.validate(lim)
}

func (q Query) validate(lim ParseLimits) error {
	if len(q.Clauses) == 0 {
		return ErrEmptyQuery
	}
	if len(q.Clauses) > lim.MaxClauses {
		return fmt.Errorf("%w: %d, at most %d", ErrTooManyTerms, len(q.Clauses), lim.MaxClauses)
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

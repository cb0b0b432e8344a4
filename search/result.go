package search

import (
	"encoding/json"
	"slices"
	"time"
	"unicode/utf8"

	bsearch "github.com/blugelabs/bluge/search"

	"github.com/wensou/wensou/indexer"
)

// Result is one page of a search's hits.
type Result struct {
	Query   string        `json:"query"`
	Total   uint64        `json:"total"`
	Page    int           `json:"page"`
	Size    int           `json:"size"`
	Took    time.Duration `json:"-"`
	TookMS  float64       `json:"took_ms"`           // Took in milliseconds, set with it
	Relaxed bool          `json:"relaxed,omitempty"` // not every term matched: best-effort results
	Partial bool          `json:"partial,omitempty"` // the query budget ran out: the best of what was matched
	// Corrected is the query searched instead when the query as typed
	// found nothing and a word of it sounds like an indexed word (注消 → 注销).
	Corrected string `json:"corrected,omitempty"`
	Hits      []Hit  `json:"hits"`
	Facets    Facets `json:"facets"`
}

// Hit is one matching document, with its title and a snippet of its body
// HTML-escaped and the matches marked with <mark>.
type Hit struct {
	ID          string  `json:"id"`
	Kind        string  `json:"kind"`
	Title       string  `json:"title"`
	URL         string  `json:"url,omitempty"`
	Published   string  `json:"published,omitempty"`
	Score       float64 `json:"score"`
	TitleHTML   string  `json:"title_html"`
	SnippetHTML string  `json:"snippet_html"`
	// With explain=true: the score by field and bluge's full explanation.
	ScoreByField map[string]float64 `json:"score_by_field,omitempty"`
	Explain      json.RawMessage    `json:"explain,omitempty"`
}

// hit builds a Hit from a match: stored fields plus highlights from the
// match locations of the word and bigram fields of the same text.
func (e *Engine) hit(m *bsearch.DocumentMatch, explain bool, qr runeSet) (Hit, error) {
	h, body, err := storedHit(m)
	if err != nil {
		return h, err
	}
	h.TitleHTML = Mark(h.Title, e.spans(m, h.Title, indexer.FieldTitle, indexer.FieldTitleBigram, qr))
	h.SnippetHTML = Snippet(body, e.spans(m, body, indexer.FieldBody, indexer.FieldBodyBigram, qr), e.cfg.SnippetSize)
	if explain && m.Explanation != nil {
		h.ScoreByField = scoreByField(m.Explanation)
		h.Explain, err = json.Marshal(m.Explanation)
	}
	return h, err
}

// trimmed joins word spans and bigram spans trimmed to the query's characters.
func trimmed(words, grams []Span, text string, qr runeSet, a Analysis) []Span {
	out := slices.Clone(words)
	for _, sp := range grams {
		if sp.End > len(text) {
			continue
		}
		if t, ok := qr.trim(text, sp, a); ok {
			out = append(out, t)
		}
	}
	return out
}

// storedHit reads a match's stored fields into a Hit; it returns the body.
func storedHit(m *bsearch.DocumentMatch) (Hit, string, error) {
	h := Hit{Score: m.Score}
	var body string
	err := m.VisitStoredFields(func(field string, value []byte) bool {
		switch field {
		case indexer.FieldID:
			h.ID = string(value)
		case indexer.FieldKind:
			h.Kind = string(value)
		case indexer.FieldTitle:
			h.Title = string(value)
		case indexer.FieldURL:
			h.URL = string(value)
		case indexer.FieldPublishedText:
			h.Published = string(value)
		case indexer.FieldBody:
			body = string(value)
		}
		return true
	})
	return h, body, err
}

// spans collects the match locations of a word field and the bigram field
// of the same text. Bigram matches are trimmed to the characters the query
// has (a query 贷 matched through the bigram 网贷 marks 贷, not 网贷).
func (e *Engine) spans(m *bsearch.DocumentMatch, text, words, bigrams string, qr runeSet) []Span {
	var out []Span
	for _, locs := range m.Locations[words] {
		for _, l := range locs {
			out = append(out, Span{Start: l.Start, End: l.End})
		}
	}
	for _, locs := range m.Locations[bigrams] {
		for _, l := range locs {
			if sp, ok := qr.trim(text, Span{Start: l.Start, End: l.End}, e.analysis()); ok {
				out = append(out, sp)
			}
		}
	}
	return out
}

// runeSet holds the normalised characters of a query; nil keeps spans whole.
type runeSet map[rune]bool

func queryRunes(a Analysis, q Query) runeSet {
	set := runeSet{}
	for _, c := range q.Clauses {
		if !c.Negate {
			for _, r := range a.Normalize(c.Text) {
				set[r] = true
			}
		}
	}
	return set
}

// trim shrinks sp from both ends to characters of the set.
func (qr runeSet) trim(text string, sp Span, a Analysis) (Span, bool) {
	if qr == nil {
		return sp, true
	}
	has := func(s string) bool {
		for _, r := range a.Normalize(s) {
			if !qr[r] {
				return false
			}
		}
		return true
	}
	for sp.Start < sp.End {
		_, n := utf8.DecodeRuneInString(text[sp.Start:sp.End])
		if has(text[sp.Start : sp.Start+n]) {
			break
		}
		sp.Start += n
	}
	for sp.Start < sp.End {
		_, n := utf8.DecodeLastRuneInString(text[sp.Start:sp.End])
		if has(text[sp.End-n : sp.End]) {
			break
		}
		sp.End -= n
	}
	return sp, sp.Start < sp.End
}

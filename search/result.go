package search

import (
	"encoding/json"
	"time"

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
	TookMS  float64       `json:"took_ms"`
	Relaxed bool          `json:"relaxed,omitempty"` // not every term matched: best-effort results
	Hits    []Hit         `json:"hits"`
	Facets  Facets        `json:"facets"`
}

// MarshalJSON fills took_ms from Took.
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	r.TookMS = float64(r.Took.Microseconds()) / 1000
	return json.Marshal(plain(r))
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
func (e *Engine) hit(m *bsearch.DocumentMatch, explain bool) (Hit, error) {
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
	if err != nil {
		return h, err
	}
	h.TitleHTML = Mark(h.Title, spans(m, indexer.FieldTitle, indexer.FieldTitleBigram))
	h.SnippetHTML = Snippet(body, spans(m, indexer.FieldBody, indexer.FieldBodyBigram), e.cfg.SnippetSize)
	if explain && m.Explanation != nil {
		h.ScoreByField = scoreByField(m.Explanation)
		h.Explain, err = json.Marshal(m.Explanation)
	}
	return h, err
}

// spans collects the match locations of fields (which index the same text).
func spans(m *bsearch.DocumentMatch, fields ...string) []Span {
	var out []Span
	for _, f := range fields {
		for _, locs := range m.Locations[f] {
			for _, l := range locs {
				out = append(out, Span{Start: l.Start, End: l.End})
			}
		}
	}
	return out
}

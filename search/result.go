package search

import (
	"encoding/json"
	"errors"
	"fmt"
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
	// found nothing and a word of it sounds like an indexed word (注消 →
	// 注销), or also when it found few and a rare word of it sounds like a
	// common one (ExactTotal).
	Corrected string `json:"corrected,omitempty"`
	// ExactTotal, with Corrected, is how many documents the query as typed
	// found (a typo some page also carries): they come first, the
	// corrected query's documents after them.
	ExactTotal uint64 `json:"exact_total,omitempty"`
	Hits       []Hit  `json:"hits"`
	Facets     Facets `json:"facets"`
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
	h, body, blocked, err := storedHit(m)
	if err == nil && blocked {
		body, err = wholeBody(m)
	}
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

// storedHit reads a match's stored fields into a Hit; it returns the body,
// or, for a body stored in blocks, its length and blocked true (the
// snippet reads only the blocks it needs: blockWindow).
func storedHit(m *bsearch.DocumentMatch) (h Hit, body string, blocked bool, err error) {
	h.Score = m.Score
	err = m.VisitStoredFields(func(field string, value []byte) bool {
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
		case indexer.FieldBodyBlocks:
			blocked = true // read, and checked, by blockWindow
		}
		return true
	})
	return h, body, blocked, err
}

// blockWindow decompresses the blocks of a blocked body that a snippet
// over spans can reach (blockRange) and returns that text and the body
// offset it starts at.
func blockWindow(m *bsearch.DocumentMatch, spans []Span, size int) (text string, base int, err error) {
	found := false
	verr := m.VisitStoredFields(func(field string, value []byte) bool {
		if field != indexer.FieldBodyBlocks {
			return true
		}
		found = true
		var b indexer.Blocks
		if b, err = indexer.ParseBlocks(value); err == nil {
			text, base, err = b.Text(blockRange(b, spans, size))
		}
		return false
	})
	if verr != nil {
		return "", 0, fmt.Errorf("body blocks: %w", verr)
	}
	if err == nil && !found {
		err = errors.New("body blocks: not stored")
	}
	return text, base, err
}

// blockRange is the range of whole blocks a snippet of size characters
// over spans can reach: the first maxAnchorSpans spans (the ones bestAnchor
// weighs) widened by snippetReach(size) bytes on each side.
func blockRange(b indexer.Blocks, spans []Span, size int) (start, end int) {
	from, to := 0, 0
	if len(spans) > 0 {
		spans = slices.SortedFunc(slices.Values(spans), func(a, b Span) int { return a.Start - b.Start })
		spans = spans[:min(len(spans), maxAnchorSpans)]
		from, to = spans[0].Start, spans[len(spans)-1].End
	}
	reach := snippetReach(size)
	return b.Span(b.Block(max(0, from-reach)), b.Block(min(to+reach, b.Len())-1))
}

// snippetReach bounds in bytes how far a snippet of size characters
// reaches from the spans bestAnchor weighs: the window looks back size/3
// characters for a sentence start and spans size characters, four bytes
// at most each, and sentenceEnd then runs to the end of a mark.
func snippetReach(size int) int {
	if size <= 0 {
		size = 120
	}
	return 4*(size+size/3) + 256
}

// shiftSpans returns the spans inside [base, base+n) moved by -base.
func shiftSpans(spans []Span, base, n int) []Span {
	var out []Span
	for _, s := range spans {
		if s.Start >= base && s.End <= base+n {
			out = append(out, Span{Start: s.Start - base, End: s.End - base})
		}
	}
	return out
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

// wholeBody decompresses all of a blocked body.
func wholeBody(m *bsearch.DocumentMatch) (string, error) {
	d, err := indexer.LoadDocument(m.VisitStoredFields)
	return d.Body, err
}

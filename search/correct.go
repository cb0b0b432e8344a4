package search

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blugelabs/bluge"
	"github.com/blugelabs/bluge/analysis"
	bsearch "github.com/blugelabs/bluge/search"

	"github.com/wensou/wensou/indexer"
)

// Typo correction. The commonest Chinese typo is a homophone (注消 for
// 注销): the input method offered the right sound and the wrong word; the
// next is one character off in a longer word (typo.go). When
// a query finds nothing, every significant word that is in no text field
// is looked up by its toneless pinyin among the titles' words (the
// title_py field holds each title word's pinyin); the title word of that
// sound that most titles share replaces it, and the corrected query is run
// and reported. Candidates come only from the index's own vocabulary.

// maxCorrectionTitles bounds the titles read to find a sound's word.
const maxCorrectionTitles = 20

// correct returns q with its unknown words replaced by indexed words of
// the same sound, and the corrected query text; ok false when nothing was
// corrected.
func (e *Engine) correct(ctx context.Context, r *bluge.Reader, b builder, q Query) (Query, string, bool, error) {
	return e.correctWith(ctx, r, b, q, false)
}

// Rare words. A typo that a page also carries (one article misspelt 注消)
// is in the index, so it is not unknown; the query as typed then finds
// that page only. When the query as typed finds at most rareHits
// documents, a known word of it is corrected all the same if at least
// rareVotes of the titles of its sound share another word: the corrected
// query's documents are listed after the exact ones (Result.ExactTotal).
const (
	rareHits     = 3
	rareVotes    = 3
	rareMaxWords = 4
)

// correctRare is correct for known words of a query that found at most
// rareHits documents: homophones only, and only a sound most titles share.
func (e *Engine) correctRare(ctx context.Context, r *bluge.Reader, b builder, q Query) (Query, string, bool, error) {
	words := 0
	for _, c := range q.Clauses {
		words += len(b.words(c.Text))
	}
	if words > rareMaxWords { // a typo is sought in short queries; a long one found what it holds
		return q, "", false, nil
	}
	return e.correctWith(ctx, r, b, q, true)
}

func (e *Engine) correctWith(ctx context.Context, r *bluge.Reader, b builder, q Query, rare bool) (Query, string, bool, error) {
	pa, ok := b.a.(interface{ Pinyin() *analysis.Analyzer })
	if !ok {
		return q, "", false, nil
	}
	out := Query{Clauses: make([]Clause, len(q.Clauses))}
	changed := false
	for i, c := range q.Clauses {
		out.Clauses[i] = c
		if c.Negate {
			continue
		}
		text := b.a.Normalize(c.Text)
		words := b.words(c.Text)
		if n := utf8.RuneCountInString(text); n >= typoMinRunes && n <= typoMaxRunes && allHan(text) && len(words) > 1 {
			words = append([]string{text}, words...) // the clause as one word first: 爱组机 is split by the segmenter
		}
		for _, w := range words {
			fix, err := e.correctWord(ctx, r, b, pa.Pinyin(), w, rare)
			if err != nil {
				return q, "", false, err
			}
			if fix != "" && strings.Contains(text, w) {
				text, changed = strings.Replace(text, w, fix, 1), true
				if w == text || fix == text {
					break
				}
			}
		}
		out.Clauses[i].Text = text
	}
	if !changed {
		return q, "", false, nil
	}
	return out, out.String(), true, nil
}

// correctWord returns the indexed title word that sounds like w, "" when w
// is known, not Chinese, or has no such word.
func (e *Engine) correctWord(ctx context.Context, r *bluge.Reader, b builder, py *analysis.Analyzer, w string, rare bool) (string, error) {
	if utf8.RuneCountInString(w) < 2 || !allHan(w) {
		return "", nil
	}
	if rare { // only a word that some but few texts hold: 注消, not 试用 (a homophone of 使用)
		if few, err := fewDocs(r, b.grams(w), rareHits); err != nil || !few {
			return "", err
		}
	} else if known, err := hasGrams(r, b.grams(w)); err != nil || known {
		return "", err
	}
	if sound := fullPinyin(py, w); sound != "" {
		fix, votes, err := soundAlike(ctx, r, b, py, sound, w)
		if err != nil || fix != "" && (!rare || votes >= rareVotes) {
			return fix, err
		}
	}
	if rare {
		return "", nil
	}
	if utf8.RuneCountInString(w) < typoMinRunes {
		return "", nil
	}
	t, err := e.typos.get(ctx, r)
	if err != nil {
		return "", err
	}
	return t.oneOff(w), nil
}

// soundAlike finds, among the titles holding a word pronounced sound, the
// word most of them share, and how many do.
func soundAlike(ctx context.Context, r *bluge.Reader, b builder, py *analysis.Analyzer, sound, w string) (string, int, error) {
	req := bluge.NewTopNSearch(maxCorrectionTitles, bluge.NewTermQuery(sound).SetField(indexer.FieldTitlePinyin)).SetScore("none")
	ms, err := collectMatches(ctx, r, req)
	if err != nil {
		return "", 0, fmt.Errorf("correct %q: %w", w, err)
	}
	votes, best := map[string]int{}, ""
	for _, m := range ms {
		title, err := storedTitle(m)
		if err != nil {
			return "", 0, err
		}
		for _, t := range py.Analyze([]byte(title)) {
			if string(t.Term) != sound {
				continue
			}
			cand := b.a.Normalize(title[t.Start:t.End])
			if cand == w || utf8.RuneCountInString(cand) != utf8.RuneCountInString(w) {
				continue
			}
			votes[cand]++
			if votes[cand] > votes[best] || votes[cand] == votes[best] && cand < best {
				best = cand
			}
			break
		}
	}
	return best, votes[best], nil
}

func storedTitle(m *bsearch.DocumentMatch) (string, error) {
	var title string
	err := m.VisitStoredFields(func(f string, v []byte) bool {
		if f == indexer.FieldTitle {
			title = string(v)
			return false
		}
		return true
	})
	return title, err
}

// fullPinyin is the toneless pinyin of text, word after word (the first
// term at each new position of the pinyin analyzer).
func fullPinyin(py *analysis.Analyzer, text string) string {
	var b strings.Builder
	for _, t := range py.Analyze([]byte(text)) {
		if t.PositionIncr > 0 {
			b.Write(t.Term)
		}
	}
	return b.String()
}

// hasGrams reports whether every gram is a term of some bigram field.
func hasGrams(r *bluge.Reader, gs []gram) (bool, error) {
	for _, g := range gs {
		found := false
		for _, f := range []string{indexer.FieldTitleBigram, indexer.FieldHeadingBigram, indexer.FieldBodyBigram} {
			ok, err := dictHas(r, f, g.term)
			if err != nil {
				return false, err
			}
			if ok {
				found = true
				break
			}
		}
		if !found {
			return false, nil
		}
	}
	return true, nil
}

// fewDocs reports whether every gram of gs is in some text field and one
// of them is in at most n documents' (counted per field, so a document
// may count twice).
func fewDocs(r *bluge.Reader, gs []gram, n uint64) (bool, error) {
	few := false
	for _, g := range gs {
		var docs uint64
		for _, f := range []string{indexer.FieldTitleBigram, indexer.FieldHeadingBigram, indexer.FieldBodyBigram} {
			c, err := dictCount(r, f, g.term)
			if err != nil {
				return false, err
			}
			docs += c
		}
		if docs == 0 {
			return false, nil // unknown: the other correction's
		}
		few = few || docs <= n
	}
	return few, nil
}

// dictCount is the number of documents whose field holds term.
func dictCount(r *bluge.Reader, field, term string) (uint64, error) {
	it, err := r.DictionaryIterator(field, nil, []byte(term), []byte(term+"\x00"))
	if err != nil {
		return 0, fmt.Errorf("dictionary of %s: %w", field, err)
	}
	defer func() { _ = it.Close() }()
	e, err := it.Next()
	if err != nil {
		return 0, fmt.Errorf("dictionary of %s: %w", field, err)
	}
	if e == nil || e.Term() != term {
		return 0, nil
	}
	return e.Count(), nil
}

// dictHas reports whether term is in field's dictionary.
func dictHas(r *bluge.Reader, field, term string) (bool, error) {
	it, err := r.DictionaryIterator(field, nil, []byte(term), []byte(term+"\x00"))
	if err != nil {
		return false, fmt.Errorf("dictionary of %s: %w", field, err)
	}
	defer func() { _ = it.Close() }()
	e, err := it.Next()
	if err != nil {
		return false, fmt.Errorf("dictionary of %s: %w", field, err)
	}
	return e != nil && e.Term() == term, nil
}

func allHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return true
}

// String writes the query back in the query syntax.
func (q Query) String() string {
	parts := make([]string, 0, len(q.Clauses))
	for _, c := range q.Clauses {
		var b strings.Builder
		if c.Negate {
			b.WriteByte('-')
		}
		if c.Field != "" {
			b.WriteString(c.Field + ":")
		}
		if c.Phrase {
			b.WriteString(`"` + c.Text + `"`)
		} else {
			b.WriteString(c.Text)
		}
		parts = append(parts, b.String())
	}
	return strings.Join(parts, " ")
}

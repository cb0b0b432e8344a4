package search

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/blugelabs/bluge"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
)

// legacyEngine is testEngine over an index built without the suggestion
// field (indexer.FieldTitlePrefix), as indexes were before it existed.
func legacyEngine(tb testing.TB, docs ...corpus.Document) *Engine {
	tb.Helper()
	s := testSegmenter(tb)
	sample, err := corpus.Sample()
	if err != nil {
		tb.Fatal(err)
	}
	w, err := bluge.OpenWriter(bluge.InMemoryOnlyConfig())
	if err != nil {
		tb.Fatal(err)
	}
	batch := bluge.NewBatch()
	for _, d := range append(sample, docs...) {
		doc, err := indexer.NewDocument(d, s)
		if err != nil {
			tb.Fatal(err)
		}
		var old bluge.Document
		for _, f := range *doc {
			if f.Name() != indexer.FieldTitlePrefix {
				old = append(old, f)
			}
		}
		batch.Update(old.ID(), &old)
	}
	if err := w.Batch(batch); err != nil {
		tb.Fatal(err)
	}
	r, err := w.Reader()
	if err != nil {
		tb.Fatal(err)
	}
	h := indexer.NewReaders(r, "legacy")
	tb.Cleanup(func() { h.Close(); w.Close() })
	return New(h, func() Analysis { return s }, Config{})
}

// TestSuggestContract checks, on an index with the suggestion field and on
// one without it: the expected first suggestion, titles starting with the
// text before the others, distinct texts, at most size.
func TestSuggestContract(t *testing.T) {
	engines := map[string]*Engine{"prefix field": testEngine(t, extraDocs...), "legacy index": legacyEngine(t, extraDocs...)}
	for _, tc := range []struct {
		prefix, first string // first: the first suggestion's text holds it
		size          int
	}{
		{prefix: "注销", first: "如何注销网贷账户?完整的步骤解析", size: 8},
		{prefix: "註銷", first: "如何注销网贷账户?完整的步骤解析", size: 8}, // Traditional
		{prefix: "zfb", first: "支付宝", size: 8},
		{prefix: "zhifubao", first: "支付宝", size: 8},
		{prefix: "惠州", first: "惠州", size: 8},
		{prefix: "州", first: "州", size: 8},
		{prefix: "租", first: "租", size: 2},
		{prefix: "  租机  ", first: "租机", size: 20},
	} {
		for name, e := range engines {
			t.Run(name+"/"+tc.prefix, func(t *testing.T) {
				sug, err := e.Suggest(context.Background(), tc.prefix, tc.size)
				if err != nil {
					t.Fatal(err)
				}
				checkSuggestions(t, e, strings.TrimSpace(tc.prefix), tc.size, sug)
				if len(sug) == 0 || !strings.Contains(sug[0].Text, tc.first) {
					t.Errorf("Suggest(%q) = %+v, want %q first", tc.prefix, sug, tc.first)
				}
			})
		}
	}
}

// checkSuggestions checks the order (starting titles first), distinctness
// and count of sug for prefix.
func checkSuggestions(t *testing.T, e *Engine, prefix string, size int, sug []Suggestion) {
	t.Helper()
	if len(sug) > size {
		t.Errorf("%d suggestions, size %d", len(sug), size)
	}
	a := e.analysis()
	norm := a.Normalize(prefix)
	seen, other := map[string]bool{}, false
	for _, s := range sug {
		if seen[s.Text] {
			t.Errorf("%q suggested twice: %+v", s.Text, sug)
		}
		seen[s.Text] = true
		starts := strings.HasPrefix(a.Normalize(s.Text), norm)
		if starts && other {
			t.Errorf("%q starts with %q but comes after a title that does not: %+v", s.Text, prefix, sug)
		}
		other = other || !starts
	}
}

// TestSuggestPrefixFieldMatchesLegacy: both indexes suggest the same
// titles for a few typed texts (the field only makes it cheaper).
func TestSuggestPrefixFieldMatchesLegacy(t *testing.T) {
	e, old := testEngine(t, extraDocs...), legacyEngine(t, extraDocs...)
	for _, p := range []string{"注销", "网贷", "惠州", "广州租机", "支付宝租机"} {
		got, err := e.Suggest(context.Background(), p, 20)
		if err != nil {
			t.Fatal(err)
		}
		want, err := old.Suggest(context.Background(), p, 20)
		if err != nil {
			t.Fatal(err)
		}
		if texts(got) != texts(want) && sortedTexts(got) != sortedTexts(want) {
			t.Errorf("Suggest(%q):\n prefix field %s\n legacy       %s", p, texts(got), texts(want))
		}
	}
}

func texts(sug []Suggestion) string {
	var out []string
	for _, s := range sug {
		out = append(out, s.Text)
	}
	return strings.Join(out, " | ")
}

func sortedTexts(sug []Suggestion) string {
	out := strings.Split(texts(sug), " | ")
	slices.Sort(out)
	return strings.Join(out, " | ")
}

func TestSuggestErrors(t *testing.T) {
	e := testEngine(t)
	for _, tc := range []struct {
		prefix string
		size   int
		want   error
	}{
		{"注销", 0, ErrBadSize},
		{"注销", 21, ErrBadSize},
		{"", 8, ErrEmptyQuery},
		{"   ", 8, ErrEmptyQuery},
		{strings.Repeat("网", MaxSuggestPrefix+1), 8, ErrQueryTooLong},
	} {
		if _, err := e.Suggest(context.Background(), tc.prefix, tc.size); !errors.Is(err, tc.want) {
			t.Errorf("Suggest(%q, %d) error = %v, want %v", tc.prefix, tc.size, err, tc.want)
		}
	}
}

// TestSuggestLongAndOddInput: text longer than the indexed title prefixes
// is still checked against the title; text with no term finds nothing
// without an error.
func TestSuggestLongAndOddInput(t *testing.T) {
	e := testEngine(t)
	for _, tc := range []struct {
		prefix string
		want   int // -1: at least one
	}{
		{"如何注销网贷账户?完整的步骤", -1}, // 14 characters: over MaxTitlePrefix
		{"如何注销网贷账户?完整的步骤解析之外", 0},
		{"?!", 0},
		{"\u0301", 0},
	} {
		sug, err := e.Suggest(context.Background(), tc.prefix, 8)
		if err != nil {
			t.Errorf("Suggest(%q): %v", tc.prefix, err)
			continue
		}
		if (tc.want < 0 && len(sug) == 0) || (tc.want >= 0 && len(sug) != tc.want) {
			t.Errorf("Suggest(%q) = %+v, want %d", tc.prefix, sug, tc.want)
		}
	}
}

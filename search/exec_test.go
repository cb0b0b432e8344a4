package search

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
)

// oracleDocs are random texts over a small alphabet (no punctuation), so
// that a quoted query is held as typed exactly when the text contains it.
func oracleDocs(rng *rand.Rand, n int) []corpus.Document {
	alphabet := []rune("甲乙丙丁戊己")
	text := func(k int) string {
		rs := make([]rune, k)
		for i := range rs {
			rs[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(rs)
	}
	docs := make([]corpus.Document, n)
	for i := range docs {
		docs[i] = corpus.Document{ID: fmt.Sprintf("o%03d", i), Kind: corpus.KindArticle,
			Title: text(3 + rng.IntN(6)), Body: text(5 + rng.IntN(30))}
	}
	return docs
}

func memoryEngine(tb testing.TB, docs []corpus.Document, cfg Config) *Engine {
	tb.Helper()
	s := testSegmenter(tb)
	ch := make(chan corpus.Document, len(docs))
	for _, d := range docs {
		ch <- d
	}
	close(ch)
	w, _, err := indexer.Memory(context.Background(), ch, s, indexer.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	r, err := w.Reader()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = r.Close(); _ = w.Close() })
	return New(indexer.NewReaders(r, "memory"), func() Analysis { return s }, cfg)
}

// TestExecutorMatchesOracle: for quoted queries (held as typed) and
// their exclusions, the executor's total and hits are exactly the
// documents an independent substring test picks.
func TestExecutorMatchesOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 7))
	docs := oracleDocs(rng, 300)
	e := memoryEngine(t, docs, Config{Cache: CacheConfig{Disabled: true}})
	holds := func(d corpus.Document, q string) bool {
		return strings.Contains(d.Title, q) || strings.Contains(d.Body, q)
	}
	for i := 0; i < 200; i++ {
		q := []rune(docs[rng.IntN(len(docs))].Body)
		start, k := rng.IntN(len(q)-3), 2+rng.IntN(3)
		pos := string(q[start : start+k])
		if repeatsGram(pos) {
			continue
		}
		neg := string(q[rng.IntN(len(q)-2):][:2])
		query := `"` + pos + `"`
		if i%2 == 1 && neg != pos {
			query += ` -"` + neg + `"`
		}
		want := map[string]bool{}
		for _, d := range docs {
			if holds(d, pos) && !(i%2 == 1 && neg != pos && holds(d, neg)) {
				want[d.ID] = true
			}
		}
		res, err := e.Search(context.Background(), Request{Query: query, Size: 100})
		if err != nil {
			t.Fatal(err)
		}
		if int(res.Total) != len(want) {
			t.Fatalf("%s: total %d, want %d", query, res.Total, len(want))
		}
		for _, h := range res.Hits {
			if !want[h.ID] {
				t.Fatalf("%s: hit %s does not hold it", query, h.ID)
			}
		}
	}
}

// repeatsGram reports whether a text repeats one of its bigrams (the plan
// looks for a repeated bigram once, so holding it is then approximate).
func repeatsGram(s string) bool {
	rs := []rune(s)
	seen := map[string]bool{}
	for i := 0; i+1 < len(rs); i++ {
		g := string(rs[i : i+2])
		if seen[g] {
			return true
		}
		seen[g] = true
	}
	return false
}

func TestBudgetReturnsPartialResults(t *testing.T) {
	docs := oracleDocs(rand.New(rand.NewPCG(5, 9)), 2000)
	e := memoryEngine(t, docs, Config{Cache: CacheConfig{Disabled: true}, Budget: time.Nanosecond})
	res, err := e.Search(context.Background(), Request{Query: "甲"})
	if err != nil {
		t.Fatalf("a spent budget is not an error: %v", err)
	}
	if !res.Partial || res.Total == 0 || len(res.Hits) == 0 {
		t.Errorf("partial %v, total %d, %d hits: want the best of what was matched, marked partial", res.Partial, res.Total, len(res.Hits))
	}
	full := memoryEngine(t, docs, Config{Cache: CacheConfig{Disabled: true}})
	all, err := full.Search(context.Background(), Request{Query: "甲"})
	if err != nil || all.Partial || all.Total <= res.Total {
		t.Errorf("without a budget: partial %v, total %d (budgeted %d), %v", all.Partial, all.Total, res.Total, err)
	}
}

// FuzzSearch: any query either fails as a bad query or answers with hits
// whose highlights are valid UTF-8, without panicking, over the sample and
// the oracle texts.
func FuzzSearch(f *testing.F) {
	for _, q := range []string{"注销", "网贷账户怎么注销", `"注销网贷账户" -支付宝`, "租机app", "zhux", "注消", "甲乙 -丙丁",
		"title:注销 body:账户", "贷", "零首付", "一一一一一一一一", "a b c d e f g h i j k l m n o p q r"} {
		f.Add(q)
	}
	docs, err := corpus.Sample()
	if err != nil {
		f.Fatal(err)
	}
	e := memoryEngine(f, append(docs, oracleDocs(rand.New(rand.NewPCG(1, 1)), 50)...), Config{Cache: CacheConfig{Disabled: true}})
	f.Fuzz(func(t *testing.T, q string) {
		res, err := e.Search(context.Background(), Request{Query: q})
		if err != nil {
			if !errors.Is(err, ErrEmptyQuery) && !errors.Is(err, ErrQueryTooLong) && !errors.Is(err, ErrOnlyNegative) {
				t.Fatalf("%q: %v", q, err)
			}
			return
		}
		for _, h := range res.Hits {
			if !utf8.ValidString(h.TitleHTML) || !utf8.ValidString(h.SnippetHTML) {
				t.Fatalf("%q: invalid UTF-8 in %q / %q", q, h.TitleHTML, h.SnippetHTML)
			}
		}
	})
}

package indexer

import (
	"context"
	"fmt"
	"testing"

	"github.com/blugelabs/bluge/analysis"
	"github.com/blugelabs/bluge/analysis/analyzer"

	"github.com/wensou/wensou/corpus"
)

// plainAnalyzers stands in for the segmenter where the test is about index
// mechanics, not Chinese analysis.
type plainAnalyzers struct{}

func (plainAnalyzers) IndexWords() *analysis.Analyzer    { return analyzer.NewStandardAnalyzer() }
func (plainAnalyzers) Bigrams() *analysis.Analyzer       { return analyzer.NewStandardAnalyzer() }
func (plainAnalyzers) Pinyin() *analysis.Analyzer        { return analyzer.NewSimpleAnalyzer() }
func (plainAnalyzers) TitlePrefixes() *analysis.Analyzer { return analyzer.NewKeywordAnalyzer() }

func testDocs(n int, prefix string) []corpus.Document {
	out := make([]corpus.Document, n)
	for i := range out {
		out[i] = corpus.Document{
			ID: fmt.Sprintf("%s-%d", prefix, i), Kind: corpus.KindArticle,
			Title: fmt.Sprintf("title %s %d", prefix, i), Body: "body text " + prefix,
		}
	}
	return out
}

func feed(docs []corpus.Document) <-chan corpus.Document {
	ch := make(chan corpus.Document, len(docs))
	for _, d := range docs {
		ch <- d
	}
	close(ch)
	return ch
}

func build(t *testing.T, d *Dir, docs []corpus.Document) string {
	t.Helper()
	name, ch, err := d.Build(context.Background(), feed(docs), plainAnalyzers{}, Options{BatchSize: 7})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if ch.Documents != len(docs) {
		t.Fatalf("Build wrote %d documents, want %d", ch.Documents, len(docs))
	}
	return name
}

func count(t *testing.T, h *Readers) uint64 {
	t.Helper()
	r, release, err := h.Acquire()
	if err != nil {
		t.Fatalf("Acquire: %v", err)
	}
	defer release()
	n, err := r.Count()
	if err != nil {
		t.Fatalf("Count: %v", err)
	}
	return n
}

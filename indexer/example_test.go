package indexer_test

import (
	"context"
	"fmt"
	"os"

	"github.com/blugelabs/bluge/analysis"
	"github.com/blugelabs/bluge/analysis/analyzer"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
)

// plain stands in for segment.Segmenter to keep the example fast.
type plain struct{}

func (plain) IndexWords() *analysis.Analyzer    { return analyzer.NewStandardAnalyzer() }
func (plain) Bigrams() *analysis.Analyzer       { return analyzer.NewStandardAnalyzer() }
func (plain) Pinyin() *analysis.Analyzer        { return analyzer.NewSimpleAnalyzer() }
func (plain) TitlePrefixes() *analysis.Analyzer { return analyzer.NewKeywordAnalyzer() }

func ExampleDir_Build() {
	dir, _ := os.MkdirTemp("", "wensou-example")
	defer os.RemoveAll(dir)
	d, err := indexer.OpenDir(dir)
	if err != nil {
		panic(err)
	}
	docs := make(chan corpus.Document, 2)
	docs <- corpus.Document{ID: "a", Kind: corpus.KindArticle, Title: "first", Hash: "1"}
	docs <- corpus.Document{ID: "b", Kind: corpus.KindArticle, Title: "second", Hash: "2"}
	close(docs)
	name, changes, err := d.Build(context.Background(), docs, plain{}, indexer.Options{})
	if err != nil {
		panic(err)
	}
	cur, _ := d.Current()
	fmt.Println(name, cur, changes.Added, changes.Documents)
	// Output: gen-000001 gen-000001 2 2
}

package indexer

import (
	"path/filepath"
	"testing"

	"github.com/blugelabs/bluge"
	"github.com/blugelabs/bluge/analysis"
	segapi "github.com/blugelabs/bluge_segment_api"
	ice "github.com/blugelabs/ice"

	"github.com/wensou/wensou/corpus"
)

// BenchmarkSegment measures bluge's segment building alone (ice.New, what
// one index.Writer.Batch runs on its goroutine) over 5,000 analysed poetry
// documents, for the real schema and for cut-down schemas, to show where
// a build's time goes (docs/BENCHMARKS.md): the bigram fields, with many
// distinct terms, and term positions cost most. Skipped without the bench
// corpus (scripts/bench.sh builds it).
func BenchmarkSegment(b *testing.B) {
	docs := readPoetry(b, benchCorpus("poetry.jsonl"), 5000)
	s := benchSegmenter(b)
	for _, v := range []struct {
		name string
		mk   func(corpus.Document, Analyzers) *bluge.Document
	}{
		{"schema", func(d corpus.Document, a Analyzers) *bluge.Document { bd, _ := NewDocument(d, a); return bd }},
		{"title-body-with-positions", func(d corpus.Document, a Analyzers) *bluge.Document {
			return plainDoc(d, a, fieldSet{wordPos: true, bigrams: true, bigramPos: true})
		}},
		{"title-body-bigram-positions", func(d corpus.Document, a Analyzers) *bluge.Document {
			return plainDoc(d, a, fieldSet{bigrams: true, bigramPos: true})
		}},
		{"title-body-without-positions", func(d corpus.Document, a Analyzers) *bluge.Document {
			return plainDoc(d, a, fieldSet{bigrams: true})
		}},
		{"words-only", func(d corpus.Document, a Analyzers) *bluge.Document { return plainDoc(d, a, fieldSet{wordPos: true}) }},
	} {
		sd := make([]segapi.Document, len(docs))
		for i, d := range docs {
			bd := v.mk(d, s)
			bd.Analyze()
			sd[i] = analyzed{bd}
		}
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := ice.New(sd, func(string, int) float32 { return 1 }); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "docs/s")
		})
	}
}

// fieldSet says which of the schema's title and body fields plainDoc
// writes, and which with term positions.
type fieldSet struct{ wordPos, bigrams, bigramPos bool }

// plainDoc is the schema's title and body fields: words, and, with
// fs.bigrams, bigrams and title pinyin.
func plainDoc(d corpus.Document, a Analyzers, fs fieldSet) *bluge.Document {
	doc := bluge.NewDocument(d.ID)
	add := func(name, v string, an *analysis.Analyzer, store, positions bool) {
		f := bluge.NewTextField(name, v).WithAnalyzer(an)
		if positions {
			f.SearchTermPositions()
		}
		if store {
			f.StoreValue()
		}
		doc.AddField(f)
	}
	add(FieldTitle, d.Title, a.IndexWords(), true, fs.wordPos)
	add(FieldBody, d.Body, a.IndexWords(), true, fs.wordPos)
	if fs.bigrams {
		add(FieldTitleBigram, d.Title, a.Bigrams(), false, fs.bigramPos)
		add(FieldTitlePinyin, d.Title, a.Pinyin(), false, false)
		add(FieldBodyBigram, d.Body, a.Bigrams(), false, fs.bigramPos)
	}
	return doc
}

func benchCorpus(name string) string { return filepath.Join(benchCorpusDir(), name) }

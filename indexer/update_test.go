package indexer

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/blugelabs/bluge"
	"github.com/blugelabs/bluge/analysis"
	"github.com/blugelabs/bluge/analysis/analyzer"

	"github.com/wensou/wensou/corpus"
)

func withSources(docs []corpus.Document) []corpus.Document {
	for i := range docs {
		docs[i].Source = "src/" + docs[i].ID + ".html"
		docs[i].Hash = corpus.HashBytes([]byte(docs[i].Title + docs[i].Body))
	}
	return docs
}

func update(t *testing.T, d *Dir, docs []corpus.Document) (string, Changes) {
	t.Helper()
	name, ch, err := d.Update(context.Background(), feed(docs), plainAnalyzers{}, Options{BatchSize: 3})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	if ch.Segments < 0 || (ch.Segments == 0 && ch.Added+ch.Updated+ch.Deleted > 0) {
		t.Fatalf("Update: %d segments after %+v", ch.Segments, ch)
	}
	ch.Segments = 0 // the counts are what these tests check
	return name, ch
}

func TestIncrementalCounts(t *testing.T) {
	d, _ := OpenDir(t.TempDir())
	docs := withSources(testDocs(10, "a"))
	g1, ch := update(t, d, docs)
	if ch != (Changes{Added: 10, Documents: 10}) {
		t.Fatalf("first run = %+v, want 10 added", ch)
	}
	g2, ch := update(t, d, docs)
	if ch != (Changes{Unchanged: 10, Documents: 10}) || g2 != g1 {
		t.Fatalf("rerun = %s %+v, want 0/0/0 and no new generation (%s)", g2, ch, g1)
	}
	edited := withSources(testDocs(10, "a"))[:9] // a-9 removed
	edited[3].Body = "edited body"
	edited[3].Hash = corpus.HashBytes([]byte("edited"))
	g3, ch := update(t, d, edited)
	if ch != (Changes{Updated: 1, Deleted: 1, Unchanged: 8, Documents: 9}) || g3 == g1 {
		t.Fatalf("after one edit and one removal = %s %+v, want exactly 1 updated, 1 deleted", g3, ch)
	}
	h, err := d.OpenReaders()
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if got := count(t, h); got != 9 {
		t.Fatalf("index holds %d documents, want 9", got)
	}
}

func TestPushedSurviveRebuilds(t *testing.T) {
	d, _ := OpenDir(t.TempDir())
	build(t, d, withSources(testDocs(5, "file")))
	x, err := d.OpenWritable(func() Analyzers { return plainAnalyzers{} })
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	ctx := context.Background()
	if err := x.Put(ctx, []corpus.Document{{ID: "pushed-1", Kind: corpus.KindArticle, Title: "pushed one"}, {ID: "pushed-2", Kind: corpus.KindArticle, Title: "pushed two"}}); err != nil {
		t.Fatal(err)
	}
	if got := count(t, x.Readers()); got != 7 {
		t.Fatalf("after push: %d documents, want 7 (searchable at once)", got)
	}
	if err := x.Delete(ctx, []string{"pushed-2"}); err != nil {
		t.Fatal(err)
	}
	// A full rebuild from files while the writable index is open.
	_, ch, err := d.Build(ctx, feed(withSources(testDocs(3, "file"))), plainAnalyzers{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ch.Documents != 4 {
		t.Fatalf("rebuild holds %d documents, want 3 files + 1 pushed", ch.Documents)
	}
	r, release, _ := x.Readers().Acquire() // in flight across the switch
	if switched, err := x.Follow(); err != nil || !switched {
		t.Fatalf("Follow = %v, %v", switched, err)
	}
	if n, err := r.Count(); err != nil || n != 6 {
		t.Fatalf("in-flight reader after switch: %d, %v; want the old 6", n, err)
	}
	release()
	if got := count(t, x.Readers()); got != 4 {
		t.Fatalf("after switch: %d documents, want 4", got)
	}
	// An incremental run keeps the pushed document too.
	if _, ch := update(t, d, withSources(testDocs(3, "file"))); ch.Deleted != 0 || ch.Documents != 4 {
		t.Fatalf("incremental after rebuild = %+v, want nothing deleted", ch)
	}
	if err := x.Put(ctx, []corpus.Document{{ID: "pushed-3", Kind: corpus.KindArticle, Title: "after switch"}}); err != nil {
		t.Fatal(err)
	}
	if got := count(t, x.Readers()); got != 5 {
		t.Fatalf("push after switch: %d documents, want 5", got)
	}
}

// upperAnalyzers indexes whole words with a different analysis than
// plainAnalyzers: "title a 1" → "title", "a", "1" vs keyword-like tokens.
type keywordAnalyzers struct{ plainAnalyzers }

func (keywordAnalyzers) IndexWords() *analysis.Analyzer { return analyzer.NewKeywordAnalyzer() }

func TestReanalyzeWithoutSources(t *testing.T) {
	d, _ := OpenDir(t.TempDir())
	g1 := build(t, d, withSources(testDocs(4, "a")))
	find := func(term string) uint64 {
		r, _, err := d.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		q := bluge.NewTermQuery(term).SetField(FieldTitle)
		it, err := r.Search(context.Background(), bluge.NewTopNSearch(10, q).WithStandardAggregations())
		if err != nil {
			t.Fatal(err)
		}
		for m, err := it.Next(); m != nil || err != nil; m, err = it.Next() {
			if err != nil {
				t.Fatal(err)
			}
		}
		return it.Aggregations().Count()
	}
	if find("title") != 4 || find("title a 1") != 0 {
		t.Fatal("standard analysis not as expected before reanalysis")
	}
	g2, ch, err := d.Reanalyze(context.Background(), keywordAnalyzers{}, Options{})
	if err != nil || g2 == g1 || ch.Documents != 4 {
		t.Fatalf("Reanalyze = %s %+v %v", g2, ch, err)
	}
	if find("title a 1") != 1 || find("title") != 0 {
		t.Errorf("after reanalysis the new analyzer's terms are not indexed")
	}
}

func TestChunkLen(t *testing.T) {
	doc := func(n int) corpus.Document { return corpus.Document{Body: strings.Repeat("a", n)} }
	tests := []struct {
		name  string
		docs  []corpus.Document
		limit int
		want  int
	}{
		{"all fit", []corpus.Document{doc(10), doc(10)}, 100, 2},
		{"limit reached by the second", []corpus.Document{doc(60), doc(60), doc(60)}, 100, 2},
		{"one over the limit alone", []corpus.Document{doc(500), doc(1)}, 100, 1},
		{"exactly the limit", []corpus.Document{doc(50), doc(50), doc(1)}, 100, 2},
		{"headings and title count", []corpus.Document{{Title: "tttt", Headings: []string{"hhhh"}}, doc(1)}, 8, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := chunkLen(tt.docs, tt.limit); got != tt.want {
				t.Fatalf("chunkLen = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestPutChunks: a push larger than putChunkBytes is written in several
// batches and every document of it is searchable afterwards.
func TestPutChunks(t *testing.T) {
	d, _ := OpenDir(t.TempDir())
	build(t, d, withSources(testDocs(2, "file")))
	x, err := d.OpenWritable(func() Analyzers { return plainAnalyzers{} })
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	docs := testDocs(12, "big")
	for i := range docs {
		docs[i].Body = strings.Repeat(fmt.Sprintf("word%d ", i), putChunkBytes/4/7)
	}
	if n := chunkLen(docs, putChunkBytes); n >= len(docs) {
		t.Fatalf("fixture fits one chunk (%d docs): it tests nothing", n)
	}
	if err := x.Put(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	if got := count(t, x.Readers()); got != 14 {
		t.Fatalf("after a chunked push: %d documents, want 2 + 12", got)
	}
}

package indexer

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/blugelabs/bluge"

	"github.com/wensou/wensou/corpus"
)

// TestArticleFormsAreOneDocument: the sample article as HTML, as GBK HTML
// and as text in one folder is one article (the form with a URL) with its
// related entries once, whichever form is read first, and the summary
// names the form dropped.
func TestArticleFormsAreOneDocument(t *testing.T) {
	names := []string{"how-to-close-online-loan-account.html", "how-to-close-online-loan-account.gbk.html",
		"how-to-close-online-loan-account.txt"}
	for _, workers := range []int{1, 2, 4} {
		root := t.TempDir()
		for _, n := range names {
			b, err := os.ReadFile(filepath.Join("..", "corpus", "sample", n))
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(root, n), b)
		}
		d, err := OpenDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		_, ch, rep, err := d.IndexSources(context.Background(), []string{root}, SourceOptions{Workers: workers}, plainAnalyzers{}, Options{}, true)
		if err != nil {
			t.Fatal(err)
		}
		if ch.Documents != 100 || rep.Articles < 1 {
			t.Errorf("workers %d: %d documents (%+v), want 100: one article and its 99 related entries", workers, ch.Documents, ch)
		}
		if len(rep.Duplicates) != 1 || rep.Duplicates[0].Kept == rep.Duplicates[0].Dropped {
			t.Errorf("workers %d: duplicates %+v, want the text form dropped for the HTML one", workers, rep.Duplicates)
		}
		articles := 0
		for _, doc := range allDocs(t, d) {
			if doc.Kind == corpus.KindArticle {
				articles++
				if doc.URL == "" {
					t.Errorf("workers %d: the article kept is the form without a URL (%s)", workers, doc.ID)
				}
			}
		}
		if articles != 1 {
			t.Errorf("workers %d: %d articles, want 1", workers, articles)
		}
	}
}

// allDocs loads every document of d's served generation.
func allDocs(t *testing.T, d *Dir) []corpus.Document {
	t.Helper()
	r, _, err := d.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	it, err := r.Search(context.Background(), bluge.NewAllMatches(bluge.NewMatchAllQuery()))
	if err != nil {
		t.Fatal(err)
	}
	var out []corpus.Document
	for m, err := it.Next(); m != nil || err != nil; m, err = it.Next() {
		if err != nil {
			t.Fatal(err)
		}
		doc, err := LoadDocument(m.VisitStoredFields)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, doc)
	}
	return out
}

func TestSameFormKeepsTheOneWithAURL(t *testing.T) {
	html := corpus.Document{ID: "article-1", Kind: corpus.KindArticle, URL: "https://x.cn/1.html", Title: "标题", Body: "第一段\n第二段", Source: "a.html"}
	text := corpus.Document{ID: "a", Kind: corpus.KindArticle, Title: " 标题", Body: "第一段 第二段", Source: "a.txt"}
	other := corpus.Document{ID: "b", Kind: corpus.KindArticle, Title: "标题", Body: "另一篇", Source: "b.txt"}
	tests := []struct {
		name      string
		order     []corpus.Document
		sent      []string
		retracted []string
	}{
		{"html first", []corpus.Document{html, text, other}, []string{"article-1", "b"}, nil},
		{"text first", []corpus.Document{text, html, other}, []string{"a", "article-1", "b"}, []string{"a"}},
		{"two texts", []corpus.Document{text, {ID: "a2", Kind: corpus.KindArticle, Title: "标题", Body: "第一段第二段"}}, []string{"a"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r Report
			var sent []string
			for _, d := range tt.order {
				if r.first(d) {
					sent = append(sent, d.ID)
				}
			}
			if !slices.Equal(sent, tt.sent) || !slices.Equal(r.Retracted(), tt.retracted) {
				t.Errorf("sent %v retracted %v, want %v %v", sent, r.Retracted(), tt.sent, tt.retracted)
			}
			if len(r.Duplicates) != 1 {
				t.Errorf("duplicates %+v, want one", r.Duplicates)
			}
		})
	}
}

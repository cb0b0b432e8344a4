package httpapi

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
	"github.com/wensou/wensou/search"
	"github.com/wensou/wensou/segment"
)

// TestBrowserFacetClick: on a server whose own field author is a facet,
// the search page lists the authors of the results with their counts; a
// click on one keeps it in the URL (filter=author:…), shows only that
// author's documents, as many as the count said, and marks the value
// chosen; a second click on it lifts the filter.
func TestBrowserFacetClick(t *testing.T) {
	b := newBrowser(t)
	seg, err := segment.New(segment.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var docs []corpus.Document
	for i, author := range []string{"李白", "李白", "李白", "杜甫", "杜甫", "王维"} {
		docs = append(docs, corpus.Document{ID: fmt.Sprintf("poem-%d", i), Kind: corpus.KindArticle, Title: fmt.Sprintf("春日%d", i),
			Body: fmt.Sprintf("春风又绿江南岸，第%d首。", i), Fields: map[string]string{"author": author}})
	}
	w, _, err := indexer.Memory(context.Background(), feedDocs(docs...), seg, indexer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	x, err := indexer.NewMemoryWritable(w, func() indexer.Analyzers { return seg })
	if err != nil {
		t.Fatal(err)
	}
	engine := search.New(x.Readers(), func() search.Analysis { return seg },
		search.Config{Fields: map[string]search.FieldSpec{"author": {Type: "keyword", Filterable: true, Facet: true}}})
	fbase, _ := startHardened(t, Config{RateLimit: -1, FieldTypes: map[string]corpus.FieldType{"author": {Type: "keyword"}},
		FacetFields: []string{"author"}}, Deps{Searcher: engine, Generation: x.Readers().Name})

	b.viewport(1280, 900, false)
	b.do("search 春风", chromedp.Navigate(fbase+"/?q="+url.QueryEscape("春风")))
	b.waitFor("the author facet", `document.querySelector('.field-facet[data-field=author] a')`)
	facet := eval[map[string]string](b, `Object.fromEntries([...document.querySelectorAll('.field-facet[data-field=author] li')]
		.map(li => [li.querySelector('a').textContent, li.querySelector('.n').textContent]))`)
	if facet["李白"] != "3" || facet["杜甫"] != "2" || facet["王维"] != "1" {
		t.Fatalf("author facet %v, want 李白 3, 杜甫 2, 王维 1", facet)
	}
	if n := len(b.titles()); n != 6 {
		t.Fatalf("%d results before the click, want 6", n)
	}
	b.shot("facet-1-before")
	b.do("click 杜甫", chromedp.Click(`//section[@data-field="author"]//a[text()="杜甫"]`))
	b.waitFor("the author filter in the URL", `new URLSearchParams(location.search).getAll('filter').includes('author:杜甫') && document.querySelector('.result')`)
	if got := b.titles(); len(got) != 2 || !strings.HasPrefix(got[0], "春日") {
		t.Errorf("after the click %d results %q, want the 2 poems of 杜甫", len(got), got)
	}
	if on := eval[string](b, `(document.querySelector('.field-facet[data-field=author] a.on') || {}).textContent || ''`); on != "杜甫" {
		t.Errorf("the value marked chosen is %q, want 杜甫", on)
	}
	if q := b.query(); q.Get("q") != "春风" {
		t.Errorf("the filter link lost the query: %v", q)
	}
	b.shot("facet-2-after")
	b.do("click 杜甫 again", chromedp.Click(`//section[@data-field="author"]//a[text()="杜甫"]`))
	b.waitFor("the filter lifted", `!new URLSearchParams(location.search).getAll('filter').length && document.querySelectorAll('.result').length === 6`)
}

package search

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/blugelabs/bluge"
	bsearch "github.com/blugelabs/bluge/search"
	"github.com/blugelabs/bluge/search/aggregations"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
)

func TestFacetCounterTop(t *testing.T) {
	names := []string{"", "a", "b", "c", "d"}
	tests := []struct {
		name string
		add  []uint16
		size int
		want map[string]uint64
	}{
		{"empty", nil, 2, map[string]uint64{}},
		{"none ignored", []uint16{0, 0, 1}, 2, map[string]uint64{"a": 1}},
		{"top two", []uint16{1, 2, 2, 3, 3, 3, 4}, 2, map[string]uint64{"c": 3, "b": 2}},
		{"all when fewer", []uint16{4, 1}, 10, map[string]uint64{"d": 1, "a": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newFacetCounter(len(names))
			for _, i := range tt.add {
				c.add(i)
			}
			if got := c.top(names, tt.size); !maps.Equal(got, tt.want) {
				t.Errorf("top = %v, want %v", got, tt.want)
			}
		})
	}
}

// monthDocs are documents spread over 50 months with many equal counts,
// so that the 36-month cut falls between ties.
func monthDocs() []corpus.Document {
	var docs []corpus.Document
	for i := range 120 {
		m := i % 50
		if i%7 == 0 {
			m = i % 5
		}
		kind := corpus.KindArticle
		if i%3 == 0 {
			kind = corpus.KindRelated
		}
		docs = append(docs, corpus.Document{ID: fmt.Sprintf("m%d", i), Kind: kind, Title: fmt.Sprintf("租机月份%d", i),
			Body: "每月的租机记录。", Published: time.Date(2020+m/12, time.Month(m%12+1), 3, 0, 0, 0, 0, corpus.DefaultZone())})
	}
	return docs
}

// TestFacetsEqualTermsAggregations checks the facet table against bluge's
// terms aggregations over doc values, which it replaces.
func TestFacetsEqualTermsAggregations(t *testing.T) {
	e := testEngine(t, monthDocs()...)
	r, release, err := e.readers.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	b := builder{a: e.analysis(), w: e.cfg.Weights}
	queries := map[string]bluge.Query{
		"all":  bluge.NewMatchAllQuery(),
		"term": bluge.NewTermQuery("租机").SetField(indexer.FieldTitle),
		"none": bluge.NewTermQuery("不存在的词").SetField(indexer.FieldTitle),
	}
	for _, q := range []string{"租机", "注销", "月份 -记录", "网贷"} {
		queries[q] = b.build(mustParse(t, q), true)
	}
	for name, q := range queries {
		want, got := refFacets(t, r, q), tableFacets(t, e, r, q)
		if !maps.Equal(got.Kind, want.Kind) || !maps.Equal(got.Month, want.Month) {
			t.Errorf("%s: facets %v, want %v", name, got, want)
		}
	}
}

func mustParse(t *testing.T, q string) Query {
	t.Helper()
	pq, err := Parse(q, ParseLimits{})
	if err != nil {
		t.Fatal(err)
	}
	return pq
}

func drain(t *testing.T, it bsearch.DocumentMatchIterator) {
	t.Helper()
	for m, err := it.Next(); m != nil || err != nil; m, err = it.Next() {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func refFacets(t *testing.T, r *bluge.Reader, q bluge.Query) Facets {
	sr := bluge.NewTopNSearch(10, q).WithStandardAggregations()
	sr.AddAggregation("kind", aggregations.NewTermsAggregation(bsearch.Field(indexer.FieldKind), kindFacetSize))
	sr.AddAggregation("month", aggregations.NewTermsAggregation(bsearch.Field(indexer.FieldMonth), monthFacetSize))
	it, err := r.Search(context.Background(), sr)
	if err != nil {
		t.Fatal(err)
	}
	drain(t, it)
	f := Facets{Kind: map[string]uint64{}, Month: map[string]uint64{}}
	for _, b := range it.Aggregations().Buckets("kind") {
		f.Kind[b.Name()] = b.Count()
	}
	for _, b := range it.Aggregations().Buckets("month") {
		f.Month[b.Name()] = b.Count()
	}
	return f
}

func tableFacets(t *testing.T, e *Engine, r *bluge.Reader, q bluge.Query) Facets {
	table, err := e.facets.get(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	fa := newFacetAgg(table, nil)
	sr := bluge.NewTopNSearch(10, q).WithStandardAggregations()
	sr.AddAggregation("facets", fa)
	it, err := r.Search(context.Background(), sr)
	if err != nil {
		t.Fatal(err)
	}
	drain(t, it)
	return fa.facets()
}

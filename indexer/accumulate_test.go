package indexer

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/blugelabs/bluge"
	"github.com/blugelabs/bluge/index"

	"github.com/wensou/wensou/corpus"
)

// TestFullRunSegmentsSameResults: a full run written as one accumulated
// segment, or as several kept as written, serves the same documents with
// the same scores as one written as one bluge batch; written as several
// segments merged (bluge batches, or accumulated segments past
// MaxSegments), the same documents for every query. (bluge's merge
// changes BM25 scores: a merged segment's scores differ from an unmerged
// one's for the same documents.) Each variant leaves the segments it says.
func TestFullRunSegmentsSameResults(t *testing.T) {
	docs := make([]corpus.Document, 1500)
	words := []string{"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"}
	for i := range docs {
		body := ""
		for j := range 1 + i%7 {
			body += words[(i*j+i/3)%len(words)] + " "
		}
		docs[i] = corpus.Document{ID: fmt.Sprintf("d-%d", i), Kind: corpus.KindArticle,
			Title: fmt.Sprintf("title %s %d", words[i%len(words)], i%50), Body: body + "common"}
	}
	docs = append(docs, corpus.Document{ID: "d-7", Title: "a repeated id: the first wins"})
	variants := []struct {
		name     string
		opt      Options
		merged   bool
		segments int
	}{
		{"one bluge batch", Options{SegmentBytes: -1, BatchSize: 5000}, false, 1},
		{"bluge batches, merged", Options{SegmentBytes: -1, BatchSize: 100}, true, 1},
		{"one accumulated segment", Options{}, false, 1},
		{"accumulated segments of 256 documents, kept", Options{SegmentBytes: 1, MaxSegments: 16}, false, 6},
		{"accumulated segments of 256 documents, merged down to 2", Options{SegmentBytes: 1, MaxSegments: 2}, true, 2},
		{"accumulated segments of 256 documents, merged (the default)", Options{SegmentBytes: 1}, true, 1},
	}
	var want map[string]float64
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			d, _ := OpenDir(t.TempDir())
			if _, ch, err := d.Build(context.Background(), feed(docs), plainAnalyzers{}, v.opt); err != nil || ch.Documents != 1500 {
				t.Fatalf("Build: %+v, %v", ch, err)
			}
			if n := servedSegments(t, d); n != v.segments {
				t.Errorf("%d segments, want %d", n, v.segments)
			}
			got := scores(t, d, words)
			if want == nil {
				want = got
				return
			}
			if len(got) != len(want) {
				t.Fatalf("%d scored hits, want %d", len(got), len(want))
			}
			for k, s := range want {
				if g, ok := got[k]; !ok || !v.merged && math.Abs(g-s) > 1e-9 {
					t.Fatalf("%s: score %v (found %v), want %v", k, g, ok, s)
				}
			}
		})
	}
}

// servedSegments counts the segments of d's served generation.
func servedSegments(t *testing.T, d *Dir) int {
	t.Helper()
	cur, err := d.Current()
	if err != nil {
		t.Fatal(err)
	}
	s, err := index.OpenReader(writerConfig(d.GenPath(cur), nil))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	return len(s.Segments())
}

// scores searches every word in body and title and returns each hit's
// score by query and id, with each document's stored title.
func scores(t *testing.T, d *Dir, words []string) map[string]float64 {
	t.Helper()
	r, _, err := d.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	out := map[string]float64{}
	for _, w := range append(words, "common", "title") {
		for _, f := range []string{FieldBody, FieldTitle} {
			it, err := r.Search(context.Background(), bluge.NewTopNSearch(2000, bluge.NewTermQuery(w).SetField(f)))
			if err != nil {
				t.Fatal(err)
			}
			for m, err := it.Next(); m != nil || err != nil; m, err = it.Next() {
				if err != nil {
					t.Fatal(err)
				}
				doc, err := LoadDocument(m.VisitStoredFields)
				if err != nil {
					t.Fatal(err)
				}
				out[w+"/"+f+"/"+doc.ID+"/"+doc.Title] = m.Score
			}
		}
	}
	return out
}

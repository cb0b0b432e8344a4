package indexer

import (
	"context"
	"testing"
)

// TestFullRunIsOneSegment checks that a full run written as many small
// batches, by one or several writers, ends as one segment holding every
// document, and that an incremental run on top keeps every document.
func TestFullRunIsOneSegment(t *testing.T) {
	for _, c := range []struct {
		name string
		opt  Options
	}{
		{"one writer", Options{BatchSize: 7, Writers: 1}},
		{"three writers", Options{BatchSize: 7, Writers: 3}},
		{"one batch", Options{}},
		{"more segments than one merge reads", Options{BatchSize: 2, Writers: 2, MergeFanIn: 64}}, // 150 > 64
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := OpenDir(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			docs := testDocs(300, "c")
			for i := range docs {
				docs[i].Hash = docs[i].ID
			}
			_, ch, err := d.Build(context.Background(), feed(docs), plainAnalyzers{}, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			if ch.Segments != 1 || ch.Documents != 300 {
				t.Fatalf("full run: %d segments, %d documents; want 1, 300", ch.Segments, ch.Documents)
			}
			docs[0].Body += " changed"
			docs[0].Hash = "changed"
			_, ch, err = d.Update(context.Background(), feed(docs), plainAnalyzers{}, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			if ch.Updated != 1 || ch.Documents != 300 || ch.Segments < 1 {
				t.Fatalf("incremental run: %+v", ch)
			}
		})
	}
}

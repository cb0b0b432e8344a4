package indexer

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"
	"time"

	segapi "github.com/blugelabs/bluge_segment_api"
	"github.com/blugelabs/ice"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer/iceseg"
)

// TestSegmentBuilderSameAsIce builds batches of the real schema (the
// Chinese analysis, own fields, dates, pushed documents) with ice.New and
// with the iceseg.Builder the writers use, and requires the persisted
// segments to be byte for byte the same. WENSOU_ICESEG_CORPUS=1 adds
// every batch of 1,000 of the bench corpora (poetry.jsonl with its
// author, man-zh.jsonl; scripts/bench.sh builds them).
func TestSegmentBuilderSameAsIce(t *testing.T) {
	s := testSegmenter(t)
	sample, err := corpus.Sample()
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2025, 6, 22, 16, 15, 29, 0, time.FixedZone("CST", 8*3600))
	for i := range sample {
		if i%3 == 0 {
			sample[i].Published = when.AddDate(0, -i, 0)
		}
		if i%4 == 0 {
			sample[i].Fields = map[string]string{"author": "李白", "tags": "分期\n租机", "price": "129.5"}
		}
	}
	b := iceseg.NewBuilder()
	compareBatch(t, b, s, sample, "")
	compareBatch(t, b, s, sample[:1], OriginAPI)
	if os.Getenv("WENSOU_ICESEG_CORPUS") == "" {
		return
	}
	for _, name := range []string{"poetry.jsonl", "man-zh.jsonl"} {
		docs := readCorpus(t, benchCorpus(name))
		for i := 0; i < len(docs); i += 1000 {
			compareBatch(t, b, s, docs[i:min(i+1000, len(docs))], "")
		}
		t.Logf("%s: %d documents in %d batches byte-identical", name, len(docs), (len(docs)+999)/1000)
	}
}

func compareBatch(t *testing.T, b *iceseg.Builder, a Analyzers, docs []corpus.Document, origin string) {
	t.Helper()
	sd := make([]segapi.Document, len(docs))
	for i, d := range docs {
		bd, err := newDocument(d, a, origin)
		if err != nil {
			t.Fatal(err)
		}
		bd.Analyze()
		sd[i] = analyzed{bd}
	}
	want, _, err := ice.New(sd, bm25Norm)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := b.Build(sd, bm25Norm); !ok || err != nil {
		t.Fatalf("Build: ok %v, %v", ok, err)
	}
	got, _, err := b.New(sd, bm25Norm)
	if err != nil {
		t.Fatal(err)
	}
	var wb, gb bytes.Buffer
	if _, err := want.WriteTo(&wb, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := got.WriteTo(&gb, nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(wb.Bytes(), gb.Bytes()) {
		t.Fatalf("batch of %d from %s: segment differs from ice.New's (%d vs %d bytes)", len(docs), docs[0].ID, gb.Len(), wb.Len())
	}
}

// readCorpus reads a bench corpus JSONL as `wensou index` does.
func readCorpus(t testing.TB, path string) []corpus.Document {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("bench corpus: %v (build it with scripts/bench.sh)", err)
	}
	defer f.Close()
	r := corpus.NewJSONLReader(f, corpus.Options{})
	var out []corpus.Document
	for {
		d, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("%s line %d: %v", path, r.Line(), err)
		}
		out = append(out, d)
	}
}

// testSegmenter is the real Chinese analysis (built once per test binary).
func testSegmenter(t testing.TB) Analyzers {
	t.Helper()
	s, err := benchSeg()
	if err != nil {
		t.Fatalf("segment.New: %v", err)
	}
	return s
}

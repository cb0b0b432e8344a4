package iceseg

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/RoaringBitmap/roaring"
	"github.com/blugelabs/bluge"
	"github.com/blugelabs/bluge/analysis"
	"github.com/blugelabs/bluge/analysis/analyzer"
	segapi "github.com/blugelabs/bluge_segment_api"
	"github.com/blugelabs/ice"
)

// norm is the norm function the tests build with: BM25's, as the index's.
func norm(_ string, n int) float32 { return 1 / float32(n+1) }

// persisted returns the bytes seg writes when bluge persists it.
func persisted(t testing.TB, seg segapi.Segment) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := seg.WriteTo(&buf, nil); err != nil {
		t.Fatalf("WriteTo: %v", err)
	}
	return buf.Bytes()
}

// sameAsIce builds docs with ice.New and with a Builder and fails unless
// the persisted segments are byte for byte the same.
func sameAsIce(t testing.TB, b *Builder, docs []segapi.Document) {
	t.Helper()
	want, _, err := ice.New(docs, norm)
	if err != nil {
		t.Fatalf("ice.New: %v", err)
	}
	data, ok, err := b.Build(docs, norm)
	if err != nil || !ok {
		t.Fatalf("Build: ok %v, %v", ok, err)
	}
	got, size, err := b.New(docs, norm)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	wb, gb := persisted(t, want), persisted(t, got)
	if !bytes.Equal(wb, gb) {
		t.Fatalf("segment of %d documents: %d bytes, ice.New's %d; first difference at byte %d", len(docs), len(gb), len(wb), firstDiff(wb, gb))
	}
	if size != uint64(len(data)-footerLen) {
		t.Errorf("size %d, want %d", size, len(data)-footerLen)
	}
	if got.Count() != want.Count() {
		t.Errorf("count %d, want %d", got.Count(), want.Count())
	}
}

// accumulatedSameAsIce adds docs one by one to an Accumulator and fails
// unless the segment it stands for (loaded by b.New) persists byte for
// byte as ice.New's of the same documents.
func accumulatedSameAsIce(t testing.TB, b *Builder, docs []segapi.Document) {
	t.Helper()
	want, _, err := ice.New(docs, norm)
	if err != nil {
		t.Fatalf("ice.New: %v", err)
	}
	a := NewAccumulator(norm)
	for _, d := range docs {
		if err := a.Add(d); err != nil {
			t.Fatal(err)
		}
	}
	if a.Len() != len(docs) || a.Size() <= 0 {
		t.Errorf("Len %d, Size %d", a.Len(), a.Size())
	}
	p, err := a.Segment()
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := b.New([]segapi.Document{p}, norm)
	if err != nil {
		t.Fatal(err)
	}
	wb, gb := persisted(t, want), persisted(t, got)
	if !bytes.Equal(wb, gb) {
		t.Fatalf("accumulated segment of %d documents: %d bytes, ice.New's %d; first difference at byte %d", len(docs), len(gb), len(wb), firstDiff(wb, gb))
	}
	if p.Documents() != uint64(len(docs)) || got.Count() != want.Count() {
		t.Errorf("documents %d, count %d; want %d", p.Documents(), got.Count(), want.Count())
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// spaces splits on spaces: terms with positions and offsets, repeats.
var spaces = &analysis.Analyzer{Tokenizer: whitespace{}}

type whitespace struct{}

func (whitespace) Tokenize(input []byte) analysis.TokenStream {
	var out analysis.TokenStream
	start := 0
	for i := 0; i <= len(input); i++ {
		if i < len(input) && input[i] != ' ' {
			continue
		}
		if i > start {
			out = append(out, &analysis.Token{Term: input[start:i], Start: start, End: i, PositionIncr: 1, Type: analysis.AlphaNumeric})
		}
		start = i + 1
	}
	return out
}

func analysed(docs ...*bluge.Document) []segapi.Document {
	out := make([]segapi.Document, len(docs))
	for i, d := range docs {
		d.Analyze()
		out[i] = d
	}
	return out
}

func TestBuildSameAsIce(t *testing.T) {
	when := time.Date(2025, 6, 22, 16, 15, 29, 0, time.UTC)
	std := analyzer.NewStandardAnalyzer()
	tests := []struct {
		name string
		docs func() []segapi.Document
	}{
		{"one document, id only", func() []segapi.Document { return analysed(bluge.NewDocument("a")) }},
		{"text with positions, stored, doc values", func() []segapi.Document {
			var docs []*bluge.Document
			for i := range 30 {
				d := bluge.NewDocument(fmt.Sprintf("doc-%02d", i))
				d.AddField(bluge.NewTextField("body", fmt.Sprintf("a b c a %d b a", i%7)).WithAnalyzer(spaces).SearchTermPositions().StoreValue())
				d.AddField(bluge.NewTextField("title", "Hello World hello").WithAnalyzer(std).StoreValue())
				d.AddField(bluge.NewKeywordField("kind", []string{"article", "related", ""}[i%3]).StoreValue().Aggregatable())
				d.AddField(bluge.NewNumericField("n", float64(i*i)).Sortable())
				d.AddField(bluge.NewDateTimeField("published", when.Add(time.Duration(i)*time.Hour)))
				if i%4 == 0 {
					d.AddField(bluge.NewStoredOnlyField("related", []byte(`[{"t":"x"}]`)))
				}
				docs = append(docs, d)
			}
			return analysed(docs...)
		}},
		{"several values of one field in a document", func() []segapi.Document {
			var docs []*bluge.Document
			for i := range 12 {
				d := bluge.NewDocument(fmt.Sprintf("m%d", i))
				d.AddField(bluge.NewTextField("tags", "x y x").WithAnalyzer(spaces).SearchTermPositions().StoreValue())
				d.AddField(bluge.NewTextField("other", "q r").WithAnalyzer(spaces).SearchTermPositions())
				d.AddField(bluge.NewTextField("tags", "y z x").WithAnalyzer(spaces).SearchTermPositions().StoreValue())
				d.AddField(bluge.NewKeywordField("kw", "v1").Aggregatable())
				d.AddField(bluge.NewKeywordField("kw", fmt.Sprintf("v%d", i%3)).Aggregatable())
				docs = append(docs, d)
			}
			return analysed(docs...)
		}},
		{"fields missing from some documents, empty values", func() []segapi.Document {
			var docs []*bluge.Document
			for i := range 9 {
				d := bluge.NewDocument(fmt.Sprintf("e%d", i))
				if i%2 == 0 {
					d.AddField(bluge.NewTextField("body", "").WithAnalyzer(spaces).SearchTermPositions().StoreValue())
				}
				if i%3 == 0 {
					d.AddField(bluge.NewKeywordField("kw", "").StoreValue().Sortable())
				}
				docs = append(docs, d)
			}
			return analysed(docs...)
		}},
		{"5,000 documents: several chunks, bitmap containers", func() []segapi.Document { return randomDocs(5000, 1) }},
		{"70,000 documents: several roaring containers", func() []segapi.Document { return randomDocs(70000, 2) }},
	}
	b := NewBuilder()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sameAsIce(t, b, tt.docs())
			sameAsIce(t, b, tt.docs()) // the reused state builds the same again
			accumulatedSameAsIce(t, b, tt.docs())
		})
	}
}

// randomDocs are n documents of words from a Zipf distribution: common
// terms in more than 4,096 documents, rare terms in one.
func randomDocs(n int, seed uint64) []segapi.Document {
	r := rand.New(rand.NewPCG(seed, seed))
	z := rand.NewZipf(r, 1.2, 1, 5000)
	docs := make([]*bluge.Document, n)
	var text []byte
	for i := range docs {
		d := bluge.NewDocument(fmt.Sprintf("r%d", i))
		text = text[:0]
		for j := range 1 + r.IntN(12) {
			if j > 0 {
				text = append(text, ' ')
			}
			text = fmt.Appendf(text, "w%d", z.Uint64())
		}
		d.AddField(bluge.NewTextField("body", string(text)).WithAnalyzer(spaces).SearchTermPositions())
		d.AddField(bluge.NewTextField("words", string(text)).WithAnalyzer(spaces).StoreValue())
		if r.IntN(5) == 0 {
			d.AddField(bluge.NewKeywordField("kind", "k"+fmt.Sprint(r.IntN(3))).Aggregatable())
		}
		docs[i] = d
	}
	return analysed(docs...)
}

// TestBuildLeavesCompositeFieldsToIce: a composite field's locations name
// their source fields; such a batch is built by ice.New.
func TestBuildLeavesCompositeFieldsToIce(t *testing.T) {
	d := bluge.NewDocument("c")
	d.AddField(bluge.NewTextField("body", "a b").WithAnalyzer(spaces).SearchTermPositions())
	d.AddField(bluge.NewCompositeFieldExcluding("_all", nil))
	docs := analysed(d)
	if _, ok, err := NewBuilder().Build(docs, norm); ok || err != nil {
		t.Fatalf("Build: ok %v, %v; want it left to ice.New", ok, err)
	}
	seg, _, err := NewBuilder().New(docs, norm)
	if err != nil {
		t.Fatal(err)
	}
	want, _, _ := ice.New(docs, norm)
	if !bytes.Equal(persisted(t, seg), persisted(t, want)) {
		t.Fatal("the composite batch differs from ice.New's")
	}
}

func TestAppendRoaringSameAsRoaring(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for _, c := range []struct {
		n, max int
	}{{1, 1}, {1, 1 << 20}, {4096, 4096}, {4097, 4097}, {4097, 70000}, {20000, 140000}, {300, 1 << 31}} {
		set := map[uint32]bool{}
		for len(set) < c.n {
			set[uint32(r.IntN(c.max))] = true
		}
		bm := roaring.New()
		var docs []uint32
		for d := range set {
			docs = append(docs, d)
		}
		slices.Sort(docs)
		for _, d := range docs {
			bm.Add(d)
		}
		want, err := bm.ToBytes()
		if err != nil {
			t.Fatal(err)
		}
		got := appendRoaring(nil, docs)
		size, n := binary.Uvarint(got)
		if int(size) != len(got)-n || !bytes.Equal(got[n:], want) {
			t.Errorf("%d values below %d: serialisation differs from roaring's (%d vs %d bytes)", c.n, c.max, len(got)-n, len(want))
		}
	}
}

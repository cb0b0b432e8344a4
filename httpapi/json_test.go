package httpapi

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"testing"

	"github.com/wensou/wensou/search"
)

// encodingJSON is what writeJSON writes for v, without the newline.
func encodingJSON(t testing.TB, v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func TestAppendResultEqualsEncodingJSON(t *testing.T) {
	odd := "a\"b\\c\x00\x01\x1f\b\f\n\r\t<>&\x7f é 注销 😀 \u2028\u2029 \xff\xfe bad\xe2\x80 end"
	tests := []*search.Result{
		{},
		{Query: "注销", Total: 2, Page: 1, Size: 10, TookMS: 0.123, Hits: []search.Hit{}, Facets: search.Facets{Kind: map[string]uint64{}, Month: map[string]uint64{}}},
		benchResult(),
		{Query: odd, Relaxed: true, Partial: true, Corrected: odd, ExactTotal: 3, TookMS: 1e21, Hits: []search.Hit{
			{ID: odd, Kind: odd, Title: odd, URL: odd, Published: odd, Score: 1e-7, TitleHTML: odd, SnippetHTML: odd},
			{ID: "x", Score: -0.5},
			{ID: "y", Score: 5e-324},
			{ID: "z", Score: 123456789.125},
			{ID: "big", Score: 1e300, SnippetHTML: "\n\r\n \t"},
			{ID: "w", Score: 17.23456789, TitleHTML: "a\nb", SnippetHTML: "第一段。\n\n  第二段 \r\n第三段\n"},
		}, Facets: search.Facets{Kind: map[string]uint64{"related": 3, "article": 1 << 40},
			Month: map[string]uint64{"2024-02": 1, "2023-12": 7, "2024-01": 0, odd: 2}}},
		{Hits: []search.Hit{}, Facets: search.Facets{Kind: map[string]uint64{"article": 2}, Month: map[string]uint64{},
			Fields: map[string]map[string]uint64{"author": {"李白": 2, odd: 1}, "tags": {}, "a": nil}}},
	}
	for i, res := range tests {
		got, ok := appendResult(nil, res)
		if want := encodingJSON(t, PresentResult(res)); !ok || !bytes.Equal(got, want) {
			t.Errorf("%d: ok=%v\n got %s\nwant %s", i, ok, got, want)
		}
	}
}

func TestAppendResultDeclines(t *testing.T) {
	for name, res := range map[string]*search.Result{
		"explain":        {Hits: []search.Hit{{Explain: json.RawMessage(`{"value":1}`)}}},
		"score by field": {Hits: []search.Hit{{ScoreByField: map[string]float64{"title": 1}}}},
		"NaN score":      {Hits: []search.Hit{{Score: math.NaN()}}},
		"infinite took":  {TookMS: math.Inf(1)},
	} {
		if _, ok := appendResult(nil, res); ok {
			t.Errorf("%s: appendResult accepted it", name)
		}
	}
}

// TestAppendResultKnowsEveryField fails when a field is added to the
// result types: appendResult must learn to write it.
func TestAppendResultKnowsEveryField(t *testing.T) {
	for _, c := range []struct {
		typ  reflect.Type
		want int
	}{{reflect.TypeFor[search.Result](), 12}, {reflect.TypeFor[search.Hit](), 10}, {reflect.TypeFor[search.Facets](), 3}} {
		if n := c.typ.NumField(); n != c.want {
			t.Errorf("%v has %d fields, appendResult writes %d: update it", c.typ, n, c.want)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "注销", "a\"\\\n\x00", "\u2028x\u2029", "\xe2\x80", "\xff", "😀\xf0\x9f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := appendString(nil, s), encodingJSON(t, s); !bytes.Equal(got, want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	})
}

func BenchmarkAppendResult(b *testing.B) {
	res := benchResult()
	b.Run("appendResult", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			buf, _ = appendResult(buf[:0], res)
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			encodingJSON(b, res)
		}
	})
}

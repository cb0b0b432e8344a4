package corpus

import (
	"encoding/json"
	"errors"
	"io"
	"maps"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestDecodeJSON(t *testing.T) {
	tests := []struct {
		name, in string
		check    func(t *testing.T, d Document)
		err      error
	}{
		{name: "full", in: `{"id":"a1","url":"https://x.cn/p/1.html","title":" 标题 ","body":"第一段\n\n 第二段 ","published":"2025-06-22 16:15:29",
			"headings":["一、", ""],"related":[{"title":"甲","url":"/p/2.html"},"乙",{"title":"甲","url":"/p/2.html"}],"kind":"article","author":"李白"}`,
			check: func(t *testing.T, d Document) {
				if d.ID != "a1" || d.Title != "标题" || d.Body != "第一段\n第二段" || len(d.Headings) != 1 {
					t.Errorf("%+v", d)
				}
				if d.Published.Format(time.RFC3339) != "2025-06-22T16:15:29+08:00" {
					t.Errorf("published %v", d.Published)
				}
				if len(d.Related) != 2 || d.Related[0].URL != "https://x.cn/p/2.html" || d.Related[1] != (Link{Title: "乙"}) {
					t.Errorf("related %+v", d.Related)
				}
			}},
		{name: "derived id", in: `{"url":"https://x.cn/article/7.html","title":"t"}`, check: func(t *testing.T, d Document) {
			if d.ID != "article-7" || d.Kind != KindArticle {
				t.Errorf("%+v", d)
			}
		}},
		{name: "numeric id, date only", in: `{"id":42,"title":"t","published":"2025-06-22"}`, check: func(t *testing.T, d Document) {
			if d.ID != "42" || d.Published.Format(time.RFC3339) != "2025-06-22T00:00:00+08:00" {
				t.Errorf("%+v", d)
			}
		}},
		{name: "related kind", in: `{"kind":"related","title":"相关"}`, check: func(t *testing.T, d Document) {
			if d.ID != relatedID(Link{Title: "相关"}) {
				t.Errorf("%+v", d)
			}
		}},
		{name: "round trip of a Document", in: `{"id":"x","kind":"article","title":"t","published":"2025-06-22T16:15:29+08:00","related":[{"title":"a","url":"https://x.cn/a"}]}`,
			check: func(t *testing.T, d Document) {
				if d.Related[0].URL != "https://x.cn/a" {
					t.Errorf("%+v", d)
				}
			}},
		{name: "empty", in: `{"id":"x"}`, err: ErrEmpty},
		{name: "null", in: `null`, err: ErrEmpty},
		{name: "bad kind", in: `{"title":"t","kind":"poem"}`, err: ErrMalformed},
		{name: "bad date", in: `{"title":"t","published":"yesterday"}`, err: ErrMalformed},
		{name: "array", in: `[1]`, err: ErrMalformed},
		{name: "trailing", in: `{"title":"t"} {"title":"u"}`, err: ErrMalformed},
		{name: "truncated", in: `{"title":"t"`, err: ErrMalformed},
		{name: "bad related", in: `{"title":"t","related":[1]}`, err: ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := DecodeJSON([]byte(tc.in), Options{Source: "api"})
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkDocument(t, d)
			if d.Source != "api" || d.Hash != HashBytes([]byte(tc.in)) {
				t.Errorf("source %q hash %q", d.Source, d.Hash)
			}
			tc.check(t, d)
		})
	}
}

func TestJSONLReader(t *testing.T) {
	in := "\ufeff" + `{"id":"p1","title":"静夜思","author":"李白","body":"床前明月光"}` + "\r\n" +
		"\n   \n" +
		`{"title":"` + strings.Repeat("长", 100) + `"}` + "\n" +
		`{"title": broken}` + "\n" +
		`{"title":"无换行结尾","published":"2025-06-22"}`
	r := NewJSONLReader(strings.NewReader(in), Options{Source: "poetry.jsonl"})
	r.MaxLine = 200
	var docs []Document
	var lineErrs []*LineError
	for {
		d, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var le *LineError
		if errors.As(err, &le) {
			lineErrs = append(lineErrs, le)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		checkDocument(t, d)
		docs = append(docs, d)
	}
	if len(docs) != 2 || docs[0].ID != "p1" || docs[0].Body != "床前明月光" || docs[1].Title != "无换行结尾" {
		t.Fatalf("docs %+v", docs)
	}
	if docs[0].Hash != HashBytes([]byte(`{"id":"p1","title":"静夜思","author":"李白","body":"床前明月光"}`)) || docs[0].Source != "poetry.jsonl" {
		t.Errorf("hash/source %s %s", docs[0].Hash, docs[0].Source)
	}
	if len(lineErrs) != 2 || lineErrs[0].Line != 4 || !errors.Is(lineErrs[0], ErrLineTooLong) ||
		lineErrs[1].Line != 5 || !errors.Is(lineErrs[1], ErrMalformed) {
		t.Fatalf("line errors %v", lineErrs)
	}
	if !strings.Contains(lineErrs[1].Error(), "poetry.jsonl line 5") {
		t.Errorf("error text %q", lineErrs[1])
	}
	if _, err := r.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("after EOF: %v", err)
	}
}

// hugeLine is a reader of one n-byte JSONL line followed by a good line,
// generated on the fly.
type hugeLine struct{ n, off int }

func (h *hugeLine) Read(p []byte) (int, error) {
	tail := "\"}\n{\"title\":\"后\"}\n"
	total := h.n + len(tail)
	if h.off >= total {
		return 0, io.EOF
	}
	i := 0
	for ; i < len(p) && h.off < total; i, h.off = i+1, h.off+1 {
		switch {
		case h.off < 10:
			p[i] = `{"title":"`[h.off]
		case h.off < h.n:
			p[i] = 'x'
		default:
			p[i] = tail[h.off-h.n]
		}
	}
	return i, nil
}

// TestJSONLReaderBoundedMemory reads a 256 MB line with a 1 MB cap: the
// reader must skip it without holding it.
func TestJSONLReaderBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 256 MB")
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := NewJSONLReader(&hugeLine{n: 256 << 20}, Options{})
	r.MaxLine = 1 << 20
	if _, err := r.Next(); !errors.Is(err, ErrLineTooLong) {
		t.Fatalf("err = %v", err)
	}
	d, err := r.Next()
	if err != nil || d.Title != "后" {
		t.Fatalf("next line: %v %+v", err, d)
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 16<<20 {
		t.Errorf("allocated %d MB for a skipped line", grew>>20)
	}
}

func TestJSONFields(t *testing.T) {
	tests := []struct {
		in   string
		want map[string]string
	}{
		{`{"id":"p1","title":"静夜思","author":"李白"}`, map[string]string{"author": "李白"}},
		{`{"id":"p1","title":"t","Author":" 李白 ","tags":["分期","租机"],"price":199,"ok":true}`,
			map[string]string{"author": "李白", "tags": "分期\n租机", "price": "199", "ok": "true"}},
		{`{"id":"p1","title":"t","fields":{"author":"杜甫"}}`, map[string]string{"author": "杜甫"}},
		{`{"id":"p1","title":"t","meta":{"a":1},"none":null,"bad-name":"x","empty":""}`, nil},
	}
	for _, tt := range tests {
		d, err := DecodeJSON([]byte(tt.in), Options{})
		if err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if !maps.Equal(d.Fields, tt.want) {
			t.Errorf("%s: fields %v, want %v", tt.in, d.Fields, tt.want)
		}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeJSON(b, Options{})
		if err != nil || !maps.Equal(back.Fields, d.Fields) {
			t.Errorf("%s: round trip %v (%v), want %v", tt.in, back.Fields, err, d.Fields)
		}
	}
}

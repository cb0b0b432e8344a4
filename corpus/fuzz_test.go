package corpus

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// addSeeds adds the testdata files matching the patterns and extra inputs.
func addSeeds(f *testing.F, patterns []string, extra ...string) {
	for _, pat := range patterns {
		files, _ := filepath.Glob(filepath.Join("testdata", pat))
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
	for _, s := range extra {
		f.Add([]byte(s))
	}
}

const (
	scriptMark = "SCRIPTMARK"
	styleMark  = "STYLEMARK"
)

func FuzzParseHTML(f *testing.F) {
	addSeeds(f, []string{"*.html"},
		strings.Repeat("<div>", 600)+"<p>x",
		"<title>a - b</title><p>&lt;script&gt;</p>",
		`<html><head><meta charset="big5"></head><body><h2>相关文章</h2><ul><li><a href="/a">a</a></ul>`,
		`<svg><style>x</style></svg><math><mi>y</mi></math><table><td>1<td>2</table>`,
		"<p>\u200b\ufeff</p>", "\xef\xbb\xbf<p>bom</p>", "\xfe\xff\x00<\x00p")
	f.Fuzz(func(t *testing.T, data []byte) {
		if d, err := ParseHTML(data, Options{URL: "https://x.cn/a/b.html", Fields: fuzzFieldTypes}); err == nil {
			checkDocument(t, d)
		} else if !errors.Is(err, ErrEmpty) && !errors.Is(err, ErrBinary) && !errors.Is(err, ErrEncoding) {
			t.Fatalf("unexpected error %v", err)
		}
		// Whatever the input, text of a script or style element that
		// follows it must not reach the body.
		page := append(append([]byte("<article><p>"), data...), "</p><script>"+scriptMark+"</script><style>"+styleMark+"</style></article>"...)
		up := bytes.ToUpper(data)
		if bytes.Contains(up, []byte(scriptMark)) || bytes.Contains(up, []byte(styleMark)) || bytes.ContainsAny(data, "&\x00") {
			return
		}
		d, err := ParseHTML(page, Options{})
		if err != nil {
			return
		}
		checkDocument(t, d)
		if strings.Contains(d.Body, scriptMark) || strings.Contains(d.Body, styleMark) {
			t.Fatalf("script or style text in body: %q", d.Body)
		}
	})
}

func FuzzParseText(f *testing.F) {
	addSeeds(f, []string{"*.txt", "*.md"},
		"标题\n发布时间：2025年6月22日\n一、节\n  1. 项\n相关内容:\n甲\nTo Top\n",
		"# T\n## 相关内容\n- [a](</x y>)\n- [b](javascript:x)\n## 后\n",
		"\xff\xfe\x00\x00", "\r\r\n\u2028x",
		"---\ntitle: 租机\ndate: 2025-06-22\ntags: [a, b]\nprice: 9\nx: {y: [1, {z: 2}]}\n---\n正文\n", "---\r\n: [\n...\n")
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range []string{"a.txt", "a.md"} {
			d, err := ParseFile(name, data, Options{URL: "https://x.cn/", Fields: fuzzFieldTypes})
			if err == nil {
				checkDocument(t, d)
			} else if !errors.Is(err, ErrEmpty) && !errors.Is(err, ErrBinary) && !errors.Is(err, ErrEncoding) && !errors.Is(err, ErrMalformed) {
				t.Fatalf("unexpected error %v", err)
			}
		}
	})
}

func FuzzJSONL(f *testing.F) {
	addSeeds(f, nil,
		`{"id":"p1","title":"静夜思","author":"李白","body":"床前明月光"}`+"\n"+`{"title":"x","published":"2025-06-22","related":["a",{"title":"b","url":"/c"}]}`,
		`{"title":"\u200b\ud800","body":"a\u0000b","headings":[null]}`,
		"{}\n[]\nnull\n\"s\"\n{\"id\":1e999}\n{\"kind\":\"related\",\"title\":\"r\"}",
		"\ufeff{\"title\":\"t\"}\r\n"+strings.Repeat("x", 300)+"\n{\"title\":\"u\"}")
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewJSONLReader(bytes.NewReader(data), Options{Source: "f.jsonl"})
		r.MaxLine = 256
		for i := 0; ; i++ {
			if i > len(data)+1 {
				t.Fatal("reader does not end")
			}
			d, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			var le *LineError
			if err != nil && !errors.As(err, &le) {
				t.Fatalf("not a line error: %v", err)
			}
			if err == nil {
				checkDocument(t, d)
			}
		}
		if d, err := DecodeJSON(data, Options{}); err == nil {
			checkDocument(t, d)
		}
	})
}

// fuzzFieldTypes declares fields the HTML and text parsers read.
var fuzzFieldTypes = map[string]FieldType{"tags": {Type: "keyword", Multi: true}, "category": {Type: "keyword"},
	"price": {Type: "number"}, "updated": {Type: "date"}}

package main

import (
	"strings"
	"testing"
	"time"

	"github.com/wensou/wensou/search"
)

// fixedResult is a search result as the engine returns it: highlighted
// HTML with escapes, line breaks in the snippet, an explain map.
func fixedResult() *search.Result {
	return &search.Result{Query: "注销", Total: 12, Page: 2, Size: 2, Took: 1500 * time.Microsecond, Hits: []search.Hit{
		{ID: "a-1", Kind: "article", Title: "如何注销网贷账户?", URL: "https://www.example.cn/article/1000.html", Score: 28.30612,
			TitleHTML: "如何<mark>注销</mark>网贷账户?", SnippetHTML: "……申请<mark>注销</mark>账户\n在账户设置中 &lt;b&gt; &amp; “关闭”\x1b[31m……"},
		{ID: "r-2", Kind: "related", Title: "注销", Score: 3.5, TitleHTML: "<mark>注销</mark>",
			ScoreByField: map[string]float64{"title": 2.5, "body": 1}},
	}}
}

func TestPrintResultGolden(t *testing.T) {
	for _, tt := range []struct {
		name  string
		style markStyle
	}{{"search-plain.golden", stylePlain}, {"search-terminal.golden", styleTerminal}} {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := printResult(&b, fixedResult(), tt.style); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, b.String())
			if tt.style == stylePlain && (strings.Contains(b.String(), "<mark>") || strings.Contains(b.String(), "\x1b")) {
				t.Errorf("plain output holds markup or escapes:\n%s", b.String())
			}
		})
	}
}

func TestPrintResultPlurals(t *testing.T) {
	for _, tt := range []struct {
		total   uint64
		relaxed bool
		want    string
	}{{0, false, "0 hits for"}, {1, false, "1 hit for"}, {2, true, "2 hits for \"q\" (0.00 ms): not every word matched"}} {
		var b strings.Builder
		if err := printResult(&b, &search.Result{Query: "q", Total: tt.total, Relaxed: tt.relaxed, Page: 1, Size: 10}, stylePlain); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(b.String(), tt.want) {
			t.Errorf("total %d: %q, want it to start with %q", tt.total, b.String(), tt.want)
		}
	}
}

func TestRenderHTML(t *testing.T) {
	tests := []struct {
		in, plain, terminal string
	}{
		{"a<mark>b</mark>c", "abc", "a\x1b[1;31mb\x1b[0mc"},
		{"&lt;mark&gt; is text", "<mark> is text", "<mark> is text"},
		{"x\ny\r\nz\tw", "x y  z w", "x y  z w"},
		{"bell\a esc\x1b[2J del\x7f", "bell esc[2J del", "bell esc[2J del"},
		{"1 < 2", "1 < 2", "1 < 2"},
	}
	for _, tt := range tests {
		if got := renderHTML(tt.in, stylePlain); got != tt.plain {
			t.Errorf("plain %q = %q, want %q", tt.in, got, tt.plain)
		}
		if got := renderHTML(tt.in, styleTerminal); got != tt.terminal {
			t.Errorf("terminal %q = %q, want %q", tt.in, got, tt.terminal)
		}
	}
}

func TestStyleFor(t *testing.T) {
	var b strings.Builder
	for _, tt := range []struct {
		color, noColor string
		want           markStyle
		wantErr        bool
	}{
		{"always", "", styleTerminal, false},
		{"never", "", stylePlain, false},
		{"auto", "", stylePlain, false}, // not a terminal
		{"auto", "1", stylePlain, false},
		{"rainbow", "", stylePlain, true},
	} {
		if tt.noColor != "" {
			t.Setenv("NO_COLOR", tt.noColor)
		}
		got, err := styleFor(tt.color, &b)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("styleFor(%q) = %v, %v", tt.color, got, err)
		}
	}
}

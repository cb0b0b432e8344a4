package search

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMark(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		spans []Span
		want  string
	}{
		{"none", "注销网贷账户", nil, "注销网贷账户"},
		{"one", "如何注销网贷账户", []Span{{6, 12}}, "如何<mark>注销</mark>网贷账户"},
		{"adjacent merge", "注销网贷账户", []Span{{0, 6}, {6, 12}, {12, 18}}, "<mark>注销网贷账户</mark>"},
		{"overlap merge", "中华人民共和国", []Span{{0, 6}, {3, 21}}, "<mark>中华人民共和国</mark>"},
		{"unsorted", "ab cd ef", []Span{{6, 8}, {0, 2}}, "<mark>ab</mark> cd <mark>ef</mark>"},
		{"escape", `<b>注销</b> & "x"`, []Span{{3, 9}}, "&lt;b&gt;<mark>注销</mark>&lt;/b&gt; &amp; &#34;x&#34;"},
		{"mid-rune widened", "注销", []Span{{1, 4}}, "<mark>注销</mark>"},
		{"out of range clamped", "abc", []Span{{-5, 99}}, "<mark>abc</mark>"},
		{"empty span dropped", "abc", []Span{{1, 1}}, "abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Mark(tt.text, tt.spans); got != tt.want {
				t.Errorf("Mark(%q, %v) = %q, want %q", tt.text, tt.spans, got, tt.want)
			}
		})
	}
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("甲乙丙丁戊己庚辛。", 30) // 9 runes per sentence
	target := "这里说注销账户的步骤。"
	text := long + target + long
	at := strings.Index(text, "注销")
	tests := []struct {
		name  string
		text  string
		spans []Span
		size  int
		want  string
	}{
		{"short text whole", "注销网贷账户。", []Span{{0, 6}}, 120, "<mark>注销</mark>网贷账户。"},
		{"no match starts at the beginning", "第一句。第二句。", nil, 5, "第一句。"},
		{"cut mid-sentence", "第一句很长很长很长", nil, 4, "第一句很…"},
		{"starts after the sentence end", text, []Span{{at, at + 6}}, 12,
			"这里说<mark>注销</mark>账户的步骤。"},
		{"escaped", "a<b>注销", []Span{{6, 12}}, 120, "a&lt;b&gt;<mark>注销</mark>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Snippet(tt.text, tt.spans, tt.size); got != tt.want {
				t.Errorf("Snippet = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSnippetPicksDensestWindow(t *testing.T) {
	text := "注销一次。" + strings.Repeat("无关的内容。", 40) + "注销网贷账户后再注销。"
	var spans []Span
	for i := 0; ; {
		j := strings.Index(text[i:], "注销")
		if j < 0 {
			break
		}
		spans = append(spans, Span{i + j, i + j + 6})
		i += j + 6
	}
	got := Snippet(text, spans, 30)
	if !strings.Contains(got, "<mark>注销</mark>网贷账户后再<mark>注销</mark>") {
		t.Errorf("Snippet did not choose the window with two matches: %q", got)
	}
}

func FuzzSnippet(f *testing.F) {
	f.Add("注销网贷账户。第二句", 3, 9, 10)
	f.Add("a<b>&c", 0, 2, 1)
	f.Add("\xff\xfe注", 1, 4, 3)
	f.Fuzz(func(t *testing.T, text string, start, end, size int) {
		out := Snippet(text, []Span{{start, end}}, size%500)
		if utf8.ValidString(text) && !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 from valid input: %q", out)
		}
		rest := strings.ReplaceAll(strings.ReplaceAll(out, markOpen, ""), markClose, "")
		if strings.ContainsAny(rest, "<>") {
			t.Fatalf("unescaped markup in %q", out)
		}
	})
}

// TestRuneLen: runeLen's fast paths count exactly as utf8.DecodeRuneInString
// does, over every lead and second byte, with valid and invalid third bytes
// and truncated texts.
func TestRuneLen(t *testing.T) {
	for c := range 256 {
		for b1 := range 256 {
			for _, b2 := range []byte{0x00, 0x7F, 0x80, 0xBF, 0xC0, 0xFF} {
				for _, text := range []string{string([]byte{byte(c), byte(b1), b2}), string([]byte{byte(c), byte(b1)}), string([]byte{byte(c)})} {
					_, want := utf8.DecodeRuneInString(text)
					if got := runeLen(text, 0); got != want {
						t.Fatalf("runeLen(% x) = %d, DecodeRuneInString %d", text, got, want)
					}
				}
			}
		}
	}
}

// TestBestAnchorWeighsFirstSpans: the window is chosen among the first
// maxAnchorSpans matches, so a dense cluster after them is not walked to.
func TestBestAnchorWeighsFirstSpans(t *testing.T) {
	var b strings.Builder
	var spans []Span
	for range maxAnchorSpans + 10 { // sparse: one match every 400 characters
		spans = append(spans, Span{Start: b.Len(), End: b.Len() + 3})
		b.WriteString(strings.Repeat("文", 400))
	}
	cluster := b.Len()
	for range 20 { // dense: 20 matches in 40 characters
		spans = append(spans, Span{Start: b.Len(), End: b.Len() + 3})
		b.WriteString("文文")
	}
	text := b.String()
	if got := bestAnchor(text, spans, 120); got >= cluster || got > spans[maxAnchorSpans-1].Start {
		t.Errorf("anchor %d, want one of the first %d spans (the cluster at %d is past them)", got, maxAnchorSpans, cluster)
	}
	if got := bestAnchor(text, spans[maxAnchorSpans:], 120); got != cluster {
		t.Errorf("anchor %d, want the cluster at %d", got, cluster)
	}
}

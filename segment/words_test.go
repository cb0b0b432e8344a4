package segment

import (
	"slices"
	"strings"
	"testing"
)

func TestIndexWordsSubWords(t *testing.T) {
	s := testSegmenter(t)
	tests := []struct {
		text string
		want []string
	}{
		{"中华人民共和国", []string{"中华人民共和国", "+中华", "+人民共和国", "+人民", "+共和国", "+共和"}},
		{"待处理", []string{"待处理", "+处理"}},
		{"网贷 平台", []string{"网贷", "平台"}},
	}
	for _, tt := range tests {
		if got := terms(s.IndexWords().Analyze([]byte(tt.text))); !slices.Equal(got, tt.want) {
			t.Errorf("IndexWords(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestQueryWordsMatchIndexWords: every query term of a text is an index term
// of the same text (index and query segmentation agree).
func TestQueryWordsMatchIndexWords(t *testing.T) {
	s := testSegmenter(t)
	text := sampleArticle(t)
	index := map[string]bool{}
	for _, tok := range s.IndexWords().Analyze(text) {
		index[string(tok.Term)] = true
	}
	for _, tok := range s.QueryWords().Analyze(text) {
		if !index[string(tok.Term)] {
			t.Errorf("query term %q not indexed", tok.Term)
		}
	}
	for _, w := range []string{"借呗", "微粒贷", "360借条", "网贷", "账户", "京东金融", "租机宝", "0首付"} {
		if !index[w] {
			t.Errorf("sample article: %q not indexed", w)
		}
	}
}

func TestWordsNoSpaceTokens(t *testing.T) {
	s := testSegmenter(t)
	for _, tok := range s.IndexWords().Analyze([]byte("网贷   注销 \t 账户。！？")) {
		if strings.TrimSpace(string(tok.Term)) == "" || !hasWordRune(tok.Term) {
			t.Errorf("token %q", tok.Term)
		}
	}
}

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

// TestZeroFormsAgree: 零X and 0X give the same terms in every analyzer, also
// when gse splits the collocation.
func TestZeroFormsAgree(t *testing.T) {
	s := testSegmenter(t)
	pairs := [][2]string{
		{"零首付分期", "0首付分期"},
		{"极客零元分期手机", "极客0元分期手机"},
		{"零利息借款", "0利息借款"},
		{"零押金租机宝", "0押金租机宝"},
		{"零門檻", "０门槛"},
	}
	for _, p := range pairs {
		for _, an := range analyzers(s) {
			a, b := terms(an.a.Analyze([]byte(p[0]))), terms(an.a.Analyze([]byte(p[1])))
			if !slices.Equal(a, b) {
				t.Errorf("%s: %q → %q but %q → %q", an.name, p[0], a, p[1], b)
			}
		}
	}
}

func TestWordsInsideAWidenedWord(t *testing.T) {
	s := testSegmenter(t)
	text := "零成本创业" // 0成本 is not in the dictionary: gse splits 0|成本
	if got, want := terms(s.QueryWords().Analyze([]byte(text))), []string{"0成本", "创业"}; !slices.Equal(got, want) {
		t.Errorf("QueryWords(%q) = %q, want %q", text, got, want)
	}
	index := s.IndexWords().Analyze([]byte(text))
	if got, want := terms(index), []string{"0成本", "+成本", "创业"}; !slices.Equal(got, want) {
		t.Errorf("IndexWords(%q) = %q, want %q", text, got, want)
	}
	checkTokens(t, s, text, index, true)
}

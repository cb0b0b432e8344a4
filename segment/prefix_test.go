package segment

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// titlePrefixTerms returns the TitlePrefixes terms of text in order.
func titlePrefixTerms(t *testing.T, s *Segmenter, text string) []string {
	t.Helper()
	var out []string
	for _, tok := range s.TitlePrefixes().Analyze([]byte(text)) {
		out = append(out, string(tok.Term))
	}
	return out
}

func TestTitlePrefixes(t *testing.T) {
	s := testSegmenter(t)
	for _, tc := range []struct {
		name, text string
		want, not  []string
	}{
		{name: "starts, characters, pinyin", text: "支付宝",
			want: []string{"^支", "^支付", "^支付宝", "~支", "~付", "~宝", "@z", "@zh", "@zhi", "@zhif", "@zf", "@zfb"},
			not:  []string{"@zhifu", "^付"}},
		{name: "traditional is normalised", text: "網貸",
			want: []string{"^网", "^网贷", "~网", "~贷", "@wang", "@wd"}, not: []string{"^網"}},
		{name: "punctuation and spaces stay in starts only", text: "帝京篇 一",
			want: []string{"^帝京篇 ", "^帝京篇 一", "~一"}, not: []string{"~ "}},
		{name: "full-width latin folds", text: "ＰＲＯ版",
			want: []string{"^p", "^pr", "^pro", "^pro版", "~版"}},
		{name: "starts capped", text: strings.Repeat("山", MaxTitlePrefix+3),
			want: []string{"^" + strings.Repeat("山", MaxTitlePrefix)},
			not:  []string{"^" + strings.Repeat("山", MaxTitlePrefix+1)}},
		{name: "empty", text: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := titlePrefixTerms(t, s, tc.text)
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("%q: no term %q in %q", tc.text, w, got)
				}
			}
			for _, n := range tc.not {
				if slices.Contains(got, n) {
					t.Errorf("%q: unexpected term %q in %q", tc.text, n, got)
				}
			}
		})
	}
}

// TestTitlePrefixesDistinctAndSpans: every term once, every span on rune
// boundaries of the original text, and ^ + Normalize of every prefix of
// the text (up to MaxTitlePrefix characters) is a term.
func TestTitlePrefixesDistinctAndSpans(t *testing.T) {
	s := testSegmenter(t)
	for _, text := range []string{"如何注销網貸賬戶？完整的步驟解析", "iPhone15零首付 租机", "銀行卡", "ｚｆｂ 支付寶"} {
		toks := s.TitlePrefixes().Analyze([]byte(text))
		seen := map[string]bool{}
		for _, tok := range toks {
			term := string(tok.Term)
			if seen[term] {
				t.Errorf("%q: term %q twice", text, term)
			}
			seen[term] = true
			if tok.Start < 0 || tok.End > len(text) || tok.Start >= tok.End ||
				!utf8.ValidString(text[tok.Start:tok.End]) {
				t.Errorf("%q: term %q has bad span %d:%d", text, term, tok.Start, tok.End)
			}
		}
		norm := []rune(s.Normalize(text))
		for k := 1; k <= len(norm) && k <= MaxTitlePrefix; k++ {
			if p := PrefixMarkTitle + string(norm[:k]); !seen[p] {
				t.Errorf("%q: no term %q", text, p)
			}
		}
	}
}

func BenchmarkTitlePrefixes(b *testing.B) {
	s := testSegmenter(b)
	a := s.TitlePrefixes()
	title := []byte("如何注销网贷账户?完整的步骤解析")
	b.ReportAllocs()
	for b.Loop() {
		a.Analyze(title)
	}
}

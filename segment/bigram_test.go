package segment

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestBigrams(t *testing.T) {
	s := testSegmenter(t)
	tests := []struct {
		text string
		want []string
	}{
		{"网", nil}, // a lone character at an edge may be inside a longer run
		{"网 贷", nil},
		{"网贷", []string{"网贷"}},
		{"注销网贷", []string{"注销", "销网", "网贷"}},
		{"A网B", []string{"a", "网", "b"}},
		{"iPhone15 Pro", []string{"iphone15", "pro"}},
		{"ひらがなカタ", []string{"ひら", "らが", "がな", "なカ", "カタ"}},
		{"零元购", []string{"0元", "元购"}},
		{"零元", []string{"0元"}},               // as inside 零元分期: no lone 元
		{"零元分期", []string{"0元", "元分", "分期"}}, // the unit's tail pairs with the next character
		{"零元，分期", []string{"0元", "分期"}},      // 元 is the collocation's tail
		{"0元", []string{"0元"}},
		{"100元", []string{"100"}},
		{"100元 ", []string{"100", "元"}},
	}
	for _, tt := range tests {
		if got := terms(s.Bigrams().Analyze([]byte(tt.text))); !slices.Equal(got, tt.want) {
			t.Errorf("Bigrams(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		r    rune
		want runKind
	}{
		{'网', kindCJK}, {'カ', kindCJK}, {'한', kindCJK}, {'a', kindAlnum}, {'9', kindAlnum}, {'ж', kindAlnum}, {' ', kindOther}, {'，', kindOther},
	}
	for _, tt := range tests {
		if got := kindOf(tt.r); got != tt.want {
			t.Errorf("kindOf(%q) = %v, want %v", tt.r, got, tt.want)
		}
	}
}

// substringTexts seed the substring property of Bigrams.
var substringTexts = []string{
	"零元分期", "零元", "极客零元分期手机", "0元租机车", "零首付分期", "iPhone15零首付租机",
	"零元，分期", "100元", "A网B", "a网", "网贷 平台", "如何注銷網貸帳戶？零首付租機寶",
	"零零首付", "0零元购", "零利率低", "ＰＲＯ版本", "cafe\u0301网 贷", "零成本创业",
}

func TestBigramsOfSubstrings(t *testing.T) {
	s := testSegmenter(t)
	texts := append([]string(nil), substringTexts...)
	for _, c := range analyzeTable {
		texts = append(texts, c.text)
	}
	for _, text := range texts {
		checkAllSubstrings(t, s, text, 0)
	}
	// Windows of the sample article: every substring of up to 8 runes.
	if b := sampleArticleOrNil(); b != nil {
		checkAllSubstrings(t, s, string(b), 8)
	}
}

// checkAllSubstrings checks the property for every substring of text of at
// most maxRunes runes (0: any length).
func checkAllSubstrings(t *testing.T, s *Segmenter, text string, maxRunes int) {
	t.Helper()
	var starts []int
	bounds := runeBoundaries(text)
	for i, ok := range bounds {
		if ok {
			starts = append(starts, i)
		}
	}
	tb := terms(s.Bigrams().Analyze([]byte(text)))
	fb := s.norm.fold([]byte(text))
	for x := range starts {
		for y := x + 1; y < len(starts) && (maxRunes == 0 || y-x <= maxRunes); y++ {
			if err := substringError(s, text, fb, tb, starts[x], starts[y]); err != nil {
				t.Error(err)
			}
		}
	}
}

// FuzzBigramsSubstring: for a random text B and a random substring A on rune
// boundaries, the bigram terms of A are consecutive bigram terms of B,
// unless A cuts a run of letters and digits (iphone inside iphone15 is
// another token) or a zero collocation (零首 inside 零首付 does not normalise
// to 0首). A lone CJK character gives no term at all.
func FuzzBigramsSubstring(f *testing.F) {
	for i, text := range substringTexts {
		f.Add([]byte(text), uint16(i), uint16(3*i+2))
	}
	s := testSegmenter(f)
	f.Fuzz(func(t *testing.T, data []byte, i, j uint16) {
		text := string(data)
		var starts []int
		for p, ok := range runeBoundaries(text) {
			if ok {
				starts = append(starts, p)
			}
		}
		x, y := int(i)%len(starts), int(j)%len(starts)
		if x > y {
			x, y = y, x
		}
		if x == y {
			return
		}
		tb := terms(s.Bigrams().Analyze(data))
		if err := substringError(s, text, s.norm.fold(data), tb, starts[x], starts[y]); err != nil {
			t.Error(err)
		}
	})
}

// substringError returns what breaks the property for A = text[i:j], whose
// containing text folds to fb and has the bigram terms tb; nil if it holds
// or does not apply.
func substringError(s *Segmenter, text string, fb *folded, tb []string, i, j int) error {
	a := text[i:j]
	ta := terms(s.Bigrams().Analyze([]byte(a)))
	if len(ta) == 0 {
		return nil
	}
	if !occursSafely(fb, s.Normalize(a)) {
		return nil // A cuts a run of letters and digits or a zero collocation
	}
	for k := 0; k+len(ta) <= len(tb); k++ {
		if slices.Equal(tb[k:k+len(ta)], ta) {
			return nil
		}
	}
	return fmt.Errorf("Bigrams(%q) = %q are not consecutive terms of Bigrams(%q) = %q", a, ta, text, tb)
}

// occursSafely reports whether normA occurs in the folded text f without
// cutting a run of letters and digits or a zero collocation.
func occursSafely(f *folded, normA string) bool {
	norm := unsafeString(f.norm)
	first, _ := utf8.DecodeRuneInString(normA)
	last, _ := utf8.DecodeLastRuneInString(normA)
	for off := 0; ; {
		k := strings.Index(norm[off:], normA)
		if k < 0 {
			return false
		}
		p := off + k
		q := p + len(normA)
		off = p + 1
		before, _ := utf8.DecodeLastRuneInString(norm[:p])
		after, _ := utf8.DecodeRuneInString(norm[q:])
		if p > 0 && kindOf(before) == kindAlnum && kindOf(first) == kindAlnum {
			continue
		}
		if q < len(norm) && kindOf(after) == kindAlnum && kindOf(last) == kindAlnum {
			continue
		}
		cut := false
		for c := f.chunkOf[p]; int(c) < len(f.chunks) && int(f.chunks[c].normEnd) <= q; c++ {
			if int(f.chunks[c].needEnd) > q {
				cut = true
			}
		}
		if !cut {
			return true
		}
	}
}

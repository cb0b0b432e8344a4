package segment

import (
	"slices"
	"testing"
)

func TestBigrams(t *testing.T) {
	s := testSegmenter(t)
	tests := []struct {
		text string
		want []string
	}{
		{"网", []string{"网"}},
		{"网贷", []string{"网贷"}},
		{"注销网贷", []string{"注销", "销网", "网贷"}},
		{"A网B", []string{"a", "网", "b"}},
		{"iPhone15 Pro", []string{"iphone15", "pro"}},
		{"ひらがなカタ", []string{"ひら", "らが", "がな", "なカ", "カタ"}},
		{"零元购", []string{"0元", "元购"}},
		{"100元", []string{"100", "元"}},
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

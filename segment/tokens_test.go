package segment

import (
	"strings"
	"testing"

	"github.com/blugelabs/bluge/analysis"
)

func TestHasWordRune(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"", false}, {" ", false}, {"，。!", false}, {"😀", false}, {"\uFFFD", false},
		{"a", true}, {"7", true}, {"网", true}, {"Ж", true}, {"①", true},
	}
	for _, tt := range tests {
		if got := hasWordRune([]byte(tt.in)); got != tt.want {
			t.Errorf("hasWordRune(%q) = %v", tt.in, got)
		}
	}
}

func TestTokenType(t *testing.T) {
	tests := []struct {
		in   string
		want analysis.TokenType
	}{
		{"360", analysis.Numeric}, {"360借条", analysis.Ideographic}, {"iphone15", analysis.AlphaNumeric}, {"カ", analysis.Ideographic},
	}
	for _, tt := range tests {
		if got := tokenType([]byte(tt.in)); got != tt.want {
			t.Errorf("tokenType(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestTokenBuilderDropsDuplicatesAndPunctuation(t *testing.T) {
	n := testNormalizer(t)
	b := newTokenBuilder(n.fold([]byte("零首付，")), 4)
	b.add(0, 7, 1) // 0首付
	b.add(0, 1, 0) // "0" widens to 0首付 again: duplicate
	b.add(1, 7, 0) // 首付
	b.add(7, 8, 1) // "," dropped
	b.add(3, 3, 1) // empty dropped
	if got := terms(b.stream()); len(got) != 2 || got[0] != "0首付" || got[1] != "+首付" {
		t.Errorf("got %q", got)
	}
}

func TestLongTermsDropped(t *testing.T) {
	s := testSegmenter(t)
	long := strings.Repeat("a", maxTermBytes+1)
	for _, an := range analyzers(s) {
		if got := terms(an.a.Analyze([]byte(long + " ok"))); len(got) > 1 {
			t.Errorf("%s: %d tokens, want at most \"ok\"", an.name, len(got))
		}
	}
}

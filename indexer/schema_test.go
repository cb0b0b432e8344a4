package indexer

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAnalysed(t *testing.T) {
	line := strings.Repeat("注销网贷账户的步骤。", 1000) + "\n" // 30,001 bytes
	tests := []struct {
		name string
		body string
		want int // bytes kept
	}{
		{"short", "网贷账户怎么注销", len("网贷账户怎么注销")},
		{"at the cap", strings.Repeat("a", MaxAnalyzedBytes), MaxAnalyzedBytes},
		{"cut after a line end", strings.Repeat(line, MaxAnalyzedBytes/len(line)+10), (MaxAnalyzedBytes/len(line))*len(line) - 1},
		{"no line end: a whole character", "a" + strings.Repeat("注", MaxAnalyzedBytes/3+10), 1 + 3*((MaxAnalyzedBytes-1)/3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Analysed(tt.body)
			if len(got) != tt.want || !strings.HasPrefix(tt.body, got) || !utf8.ValidString(got) {
				t.Errorf("Analysed kept %d bytes (valid UTF-8 %v), want the first %d", len(got), utf8.ValidString(got), tt.want)
			}
		})
	}
}

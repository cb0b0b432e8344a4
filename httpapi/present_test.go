package httpapi

import (
	"math"
	"testing"
	"time"

	"github.com/wensou/wensou/search"
)

func TestRoundScore(t *testing.T) {
	tests := []struct{ in, want float64 }{
		{17.23456789, 17.235}, {0.0004, 0}, {0.0005, 0.001}, {-2.71828, -2.718}, {3, 3}, {1e300, 1e300},
	}
	for _, tt := range tests {
		if got := roundScore(tt.in); got != tt.want {
			t.Errorf("roundScore(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
	if !math.IsNaN(roundScore(math.NaN())) || !math.IsInf(roundScore(math.Inf(-1)), -1) {
		t.Error("NaN or infinity changed")
	}
}

func TestOneLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"no break  at all\t", "no break  at all\t"},
		{"第一段。\n第二段", "第一段。 第二段"},
		{"a \n\n\t b", "a b"},
		{"a\r\nb", "a b"},
		{"\n  lead and trail \n", "lead and trail"},
		{"<mark>注销</mark>\n账户", "<mark>注销</mark> 账户"},
		{"\n\r\n", ""},
	}
	for _, tt := range tests {
		if got := oneLine(tt.in); got != tt.want {
			t.Errorf("oneLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPresentHitCopies(t *testing.T) {
	h := search.Hit{Score: 1.23456, SnippetHTML: "a\nb", ScoreByField: map[string]float64{"title": 0.98765}}
	p := presentHit(h)
	if p.Score != 1.235 || p.SnippetHTML != "a b" || p.ScoreByField["title"] != 0.988 {
		t.Errorf("presentHit = %+v", p)
	}
	if h.ScoreByField["title"] != 0.98765 {
		t.Error("presentHit changed the engine's (cached) map")
	}
	if presentHits(nil) != nil {
		t.Error("presentHits(nil) is not nil (the JSON would change from null to [])")
	}
}

func TestTookLabel(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{{0, "<0.001"}, {12 * time.Microsecond, "0.012"}, {340 * time.Microsecond, "0.34"}, {2345 * time.Microsecond, "2.3"}, {57 * time.Millisecond, "57"}} {
		if got := tookLabel(tt.d); got != tt.want {
			t.Errorf("tookLabel(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

package segment

import "testing"

func TestNormalize(t *testing.T) {
	s := testSegmenter(t)
	tests := []struct{ in, want string }{
		{"", ""},
		{"網貸帳戶", "网贷账户"},
		{"ＰＲＯ　Ｍａｘ！", "pro max!"},
		{"iPhone", "iphone"},
		{"零首付", "0首付"},
		{"零元購", "0元购"},
		{"零門檻", "0门槛"},
		{"零钱", "零钱"},
		{"零零首付", "零0首付"},
		{"100元", "100元"},
		{"iPhone15零首付", "iphone15 0首付"},
		{"0零元", "0 0元"},
		{"a0元", "a0元"},
		{"café e\u0301", "cafe e"},
		{"lǜ", "lv"},
		{"a\xffb", "a\uFFFDb"},
		{"\u0301网", "网"},
	}
	for _, tt := range tests {
		if got := s.Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFoldSpan(t *testing.T) {
	n := testNormalizer(t)
	tests := []struct {
		text            string
		ns, ne          int // normalised span asked for
		wantN, wantOrig string
	}{
		{"網貸", 0, 3, "网", "網"},
		{"ＰＲＯ", 1, 2, "r", "Ｒ"},
		{"零首付", 0, 1, "0首付", "零首付"},        // widened: 0 alone would cut the collocation
		{"零首付", 1, 7, "首付", "首付"},          // the tail alone is fine
		{"e\u0301x", 0, 1, "e", "e\u0301"}, // the mark belongs to its base
	}
	for _, tt := range tests {
		f := n.fold([]byte(tt.text))
		ns, ne, os, oe := f.span(tt.ns, tt.ne)
		if string(f.norm[ns:ne]) != tt.wantN || tt.text[os:oe] != tt.wantOrig {
			t.Errorf("%q span(%d,%d) = %q/%q, want %q/%q", tt.text, tt.ns, tt.ne, f.norm[ns:ne], tt.text[os:oe], tt.wantN, tt.wantOrig)
		}
	}
}

func TestParseTSCharactersRejectsGarbage(t *testing.T) {
	if _, err := parseTSCharacters("ab\tc\n"); err == nil {
		t.Error("multi-rune key accepted")
	}
	m, err := parseTSCharacters(tsCharacters)
	if err != nil || m['網'] != '网' || m['帳'] != '帐' {
		t.Errorf("embedded table: %v", err)
	}
}

// TestSimplifyIsFinal: no folding chain is left (Normalize is idempotent).
func TestSimplifyIsFinal(t *testing.T) {
	n := testNormalizer(t)
	for from, to := range n.ts {
		if again := n.simplify(to); again != to {
			t.Errorf("%c → %c → %c", from, to, again)
		}
	}
	for _, c := range []struct{ from, want rune }{{'薴', '苎'}, {'帳', '账'}, {'帐', '账'}, {'網', '网'}, {'网', '网'}} {
		if got := n.simplify(c.from); got != c.want {
			t.Errorf("simplify(%c) = %c, want %c", c.from, got, c.want)
		}
	}
}

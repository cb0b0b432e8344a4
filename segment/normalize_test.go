package segment

import (
	"testing"
	"unicode/utf8"
)

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
		// Traditional → Simplified word by word (TSPhrases), then rune by rune
		{"乾隆", "乾隆"},
		{"乾隆年間", "乾隆年间"},
		{"乾", "干"},
		{"乾燥", "干燥"},
		{"清乾隆帝", "清乾隆帝"},
		{"一目瞭然", "一目了然"},
		{"瞭", "瞭"},
		{"乾隆乾隆", "乾隆乾隆"},
		{"乾\u0301隆", "干隆"},
	}
	for _, tt := range tests {
		if got := s.Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestPhrasesKeepOffsets: a converted word maps rune for rune, so the
// analyzer's tokens over it still slice the original text exactly.
func TestPhrasesKeepOffsets(t *testing.T) {
	s := testSegmenter(t)
	text := "清朝乾隆年間，一目瞭然的帳戶"
	f := s.norm.fold([]byte(text))
	if got, want := string(f.norm), "清朝乾隆年间,一目了然的账户"; got != want {
		t.Fatalf("fold = %q, want %q", got, want)
	}
	for ns := 0; ns < len(f.norm); {
		_, size := utf8.DecodeRune(f.norm[ns:])
		_, _, os, oe := f.span(ns, ns+size)
		if !utf8.ValidString(text[os:oe]) || utf8.RuneCountInString(text[os:oe]) != 1 {
			t.Errorf("rune at %d maps to %q, want one original rune", ns, text[os:oe])
		}
		ns += size
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

// cutsPhrase reports whether [start, end) of text cuts a word that fold
// converts as a word (TSPhrases): it holds part of one, not all of it.
func (n *normalizer) cutsPhrase(text []byte, start, end int) bool {
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		if p := n.phraseAt(r, text[i:]); p != nil {
			pe := i + len(string(p.from))
			if i < end && start < pe && (i < start || end < pe) {
				return true
			}
			i = pe
			continue
		}
		i += size
	}
	return false
}

// inContext is the normalised form of text[start:end] within the whole
// text's normalisation.
func (n *normalizer) inContext(text []byte, start, end int) string {
	f := n.fold(text)
	var out []byte
	prevNorm, prevOrig := 0, 0
	for _, c := range f.chunks {
		if prevOrig >= start && int(c.origEnd) <= end {
			out = append(out, f.norm[prevNorm:c.normEnd]...)
		}
		prevNorm, prevOrig = int(c.normEnd), int(c.origEnd)
	}
	return string(out)
}

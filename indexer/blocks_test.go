package indexer

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// longText repeats unit to about n bytes.
func longText(unit string, n int) string {
	return strings.Repeat(unit, n/len(unit)+1)
}

func TestBlocksRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"one block", "短文"},
		{"exactly one block", strings.Repeat("a", bodyBlock)},
		{"cjk, no line ends", longText("网贷账户怎么注销，", 30_000)},
		{"lines", longText("第一行 NAME\n注销账户的步骤。\n", 50_000)},
		{"four-byte characters", longText("𠀀𠀁a", 9_000)},
		{"invalid utf-8", longText("\xff\xfe注销", 9_000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := ParseBlocks(EncodeBlocks(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if b.Len() != len(tt.body) {
				t.Fatalf("Len = %d, want %d", b.Len(), len(tt.body))
			}
			whole, base, err := b.Text(0, b.Len())
			if err != nil || base != 0 || whole != tt.body {
				t.Fatalf("Text(whole) = %d bytes at %d, %v; want the body", len(whole), base, err)
			}
			for i := 0; i+1 < len(b.raw); i++ {
				if size := b.raw[i+1] - b.raw[i]; size > bodyBlock || size == 0 {
					t.Errorf("block %d holds %d bytes", i, size)
				}
				if at := b.raw[i]; at < len(tt.body) && utf8.ValidString(tt.body) && !utf8.RuneStart(tt.body[at]) {
					t.Errorf("block %d starts inside a character", i)
				}
			}
			for _, at := range []int{0, len(tt.body) / 3, len(tt.body) / 2, len(tt.body) - 1} {
				text, base, err := b.Text(at, at+1)
				if err != nil || base > at || base+len(text) <= at || tt.body[base:base+len(text)] != text {
					t.Errorf("Text(%d, %d) = %d bytes at %d, %v: not the body's range around it", at, at+1, len(text), base, err)
				}
				if len(text) > bodyBlock {
					t.Errorf("Text(%d, %d) decoded %d bytes, want one block", at, at+1, len(text))
				}
			}
		})
	}
}

func TestBlocksCutAfterLineEnds(t *testing.T) {
	body := longText("一行注销的说明文字，共十多个字。\n", 40_000)
	b, err := ParseBlocks(EncodeBlocks(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i+1 < len(b.raw); i++ {
		if body[b.raw[i]-1] != '\n' {
			t.Errorf("block %d starts at %d, not after a line end", i, b.raw[i])
		}
	}
}

func TestParseBlocksRejectsDamage(t *testing.T) {
	good := EncodeBlocks(longText("注销账户的步骤。\n", 20_000))
	tests := map[string][]byte{
		"empty":       nil,
		"version":     append([]byte{9}, good[1:]...),
		"truncated":   good[:len(good)-10],
		"extra bytes": append(append([]byte{}, good...), 1, 2, 3),
		"huge count":  {blockVersion, 0xff, 0xff, 0xff, 0xff, 0x0f},
		"header only": good[:3],
	}
	for name, value := range tests {
		if _, err := ParseBlocks(value); err == nil {
			t.Errorf("%s: ParseBlocks accepted it", name)
		}
	}
}

// FuzzBlocks: ParseBlocks and Text never panic on any bytes, and a body
// always comes back whole.
func FuzzBlocks(f *testing.F) {
	f.Add([]byte("注销\n账户"), 0, 3)
	f.Add(EncodeBlocks(longText("注销账户。\n", 9_000)), 5000, 9000)
	f.Fuzz(func(t *testing.T, data []byte, from, to int) {
		if b, err := ParseBlocks(data); err == nil {
			from, to = max(0, min(from, b.Len())), max(0, min(to, b.Len()))
			_, _, _ = b.Text(min(from, to), max(from, to))
		}
		body := string(data)
		b, err := ParseBlocks(EncodeBlocks(body))
		if err != nil {
			t.Fatal(err)
		}
		if got, _, err := b.Text(0, b.Len()); err != nil || got != body {
			t.Fatalf("round trip of %q = %q, %v", body, got, err)
		}
	})
}

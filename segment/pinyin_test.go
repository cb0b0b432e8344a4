package segment

import (
	"slices"
	"testing"
)

func TestPinyin(t *testing.T) {
	s := testSegmenter(t)
	tests := []struct {
		text string
		want []string
	}{
		{"支付宝", []string{"zhifubao", "+zfb", "+zhifu", "+zf", "+fubao", "+fb"}},
		// Parts keep the word's readings: 银行 is yinhang inside 工商银行.
		{"工商银行", []string{"gongshangyinhang", "+gsyh", "+gongshang", "+gs", "+yinhang", "+yh", "+shangyin", "+sy"}},
		{"提前还款", []string{"tiqianhuankuan", "+tqhk", "+tiqian", "+tq", "+huankuan", "+hk", "+qianhuan", "+qh"}},
		{"重庆", []string{"chongqing", "+cq"}},
		// Sub-words and two-character windows, at the word's position.
		{"望江南・忆江南", []string{"wangjiangnan", "+wjn", "+jiangnan", "+jn", "+wangjiang", "+wj",
			"yijiangnan", "+yjn", "+jiangnan", "+jn", "+yijiang", "+yj"}},
		// Zero collocations read 零 whichever way they are written.
		{"零首付", []string{"lingshoufu", "+lsf", "+shoufu", "+sf"}},
		{"零元", []string{"lingyuan", "+ly"}},
		{"零元购", []string{"lingyuangou", "+lyg", "+lingyuan", "+ly", "+yuangou", "+yg"}},
		{"100元", []string{"yuan", "+y"}}, // no collocation: 0 is a digit of 100
		// Words inside a word widened over a zero collocation are parts of it.
		{"零成本创业", []string{"lingchengben", "+lcb", "+chengben", "+cb", "chuangye", "+cy"}},
		// A part without two syllables, or repeating the word's term, is left out.
		{"360借条", []string{"jietiao", "+jt"}},
		{"绿色", []string{"lvse", "+ls"}},
		{"iPhone", nil},
	}
	for _, tt := range tests {
		if got := terms(s.Pinyin().Analyze([]byte(tt.text))); !slices.Equal(got, tt.want) {
			t.Errorf("Pinyin(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestPinyinOffsetsSpanTheWord(t *testing.T) {
	s := testSegmenter(t)
	text := "我的銀行"
	for _, tok := range s.Pinyin().Analyze([]byte(text)) {
		if string(tok.Term) == "yinhang" && text[tok.Start:tok.End] != "銀行" {
			t.Errorf("yinhang spans %q", text[tok.Start:tok.End])
		}
	}
}

func TestPinyinQuery(t *testing.T) {
	s := testSegmenter(t)
	got := terms(s.PinyinQuery().Analyze([]byte("ＺＦＢ 支付 yin-hang2")))
	if want := []string{"zfb", "yin", "hang"}; !slices.Equal(got, want) {
		t.Errorf("PinyinQuery = %q, want %q", got, want)
	}
}

// TestPinyinPartSpans: the pinyin of a part spans the part, at PositionIncr
// 0, so 江南 in a title highlights and matches jiangnan.
func TestPinyinPartSpans(t *testing.T) {
	s := testSegmenter(t)
	text := "建設銀行・望江南"
	want := map[string]string{"yinhang": "銀行", "jianshe": "建設", "jiangnan": "江南", "jn": "江南", "wangjiangnan": "望江南"}
	seen := map[string]bool{}
	for _, tok := range s.Pinyin().Analyze([]byte(text)) {
		if w, ok := want[string(tok.Term)]; ok {
			seen[string(tok.Term)] = true
			if got := text[tok.Start:tok.End]; got != w {
				t.Errorf("%s spans %q, want %q", tok.Term, got, w)
			}
			if (string(tok.Term) == "wangjiangnan") != (tok.PositionIncr == 1) {
				t.Errorf("%s has PositionIncr %d", tok.Term, tok.PositionIncr)
			}
		}
	}
	if len(seen) != len(want) {
		t.Errorf("saw %v, want all of %v", seen, want)
	}
}

// TestPinyinPartsCapped: a long word gives at most maxPinyinParts parts.
func TestPinyinPartsCapped(t *testing.T) {
	s := testSegmenter(t)
	ts := s.Pinyin().Analyze([]byte("中华人民共和国"))
	parts := map[[2]int]bool{}
	for _, tok := range ts[1:] {
		if tok.PositionIncr != 0 {
			t.Fatalf("one word expected, got %q", terms(ts))
		}
		if tok.Start != 0 || tok.End != len("中华人民共和国") {
			parts[[2]int{tok.Start, tok.End}] = true
		}
	}
	if len(parts) != maxPinyinParts {
		t.Errorf("%d parts, want the cap %d: %q", len(parts), maxPinyinParts, terms(ts))
	}
}

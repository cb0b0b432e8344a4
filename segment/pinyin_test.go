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
		{"支付宝", []string{"zhifubao", "+zfb"}},
		{"工商银行", []string{"gongshangyinhang", "+gsyh"}},
		{"提前还款", []string{"tiqianhuankuan", "+tqhk"}},
		{"重庆", []string{"chongqing", "+cq"}},
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

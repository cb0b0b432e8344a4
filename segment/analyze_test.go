package segment

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blugelabs/bluge/analysis"
)

// analyzeCase is one row of the shared table: the terms every analyzer must
// produce for text. A nil expectation means "no tokens".
type analyzeCase struct {
	name        string
	text        string
	index       []string // IndexWords; sub-words are written "+sub"
	query       []string // QueryWords
	bigrams     []string
	pinyin      []string // Pinyin; initials at the same position "+zfb"
	pinyinQuery []string
}

// analyzeTable is run against every analyzer (charabia style) and seeds
// FuzzAnalyze.
var analyzeTable = []analyzeCase{
	{
		name:        "domain words in a question",
		text:        "如何注销网贷账户",
		index:       []string{"如何", "注销", "网贷", "账户"},
		query:       []string{"如何", "注销", "网贷", "账户"},
		bigrams:     []string{"如何", "何注", "注销", "销网", "网贷", "贷账", "账户"},
		pinyin:      []string{"ruhe", "+rh", "zhuxiao", "+zx", "wangdai", "+wd", "zhanghu", "+zh"},
		pinyinQuery: nil,
	},
	{
		name:    "product names kept whole",
		text:    "借呗、微粒贷和租机宝",
		index:   []string{"借呗", "微粒贷", "+微粒", "和", "租机宝", "+租机"},
		query:   []string{"借呗", "微粒贷", "和", "租机宝"},
		bigrams: []string{"借呗", "微粒", "粒贷", "贷和", "和租", "租机", "机宝"},
		pinyin: []string{"jiebei", "+jb", "weilidai", "+wld", "+weili", "+wl", "+lidai", "+ld",
			"he", "+h", "zujibao", "+zjb", "+zuji", "+zj", "+jibao", "+jb"},
		pinyinQuery: nil,
	},
	{
		name:        "traditional folded with traditional offsets",
		text:        "網貸帳戶",
		index:       []string{"网贷", "账户"},
		query:       []string{"网贷", "账户"},
		bigrams:     []string{"网贷", "贷账", "账户"},
		pinyin:      []string{"wangdai", "+wd", "zhanghu", "+zh"},
		pinyinQuery: nil,
	},
	{
		name:        "traditional converted word by word",
		text:        "乾隆年間", // per character 乾 is 干: the word stays 乾隆
		index:       []string{"乾隆年间", "+乾隆", "+年间"},
		query:       []string{"乾隆年间"},
		bigrams:     []string{"乾隆", "隆年", "年间"},
		pinyin:      []string{"qianlongnianjian", "+qlnj", "+qianlong", "+ql", "+nianjian", "+nj", "+longnian", "+ln"},
		pinyinQuery: nil,
	},
	{
		name:        "full width latin",
		text:        "ＰＲＯ版",
		index:       []string{"pro", "版"},
		query:       []string{"pro", "版"},
		bigrams:     []string{"pro"}, // 版 may start a longer run (ＰＲＯ版本)
		pinyin:      []string{"ban", "+b"},
		pinyinQuery: []string{"pro"},
	},
	{
		name:        "zero collocation in words",
		text:        "零首付",
		index:       []string{"0首付", "+首付"},
		query:       []string{"0首付"},
		bigrams:     []string{"0首付", "首付"},
		pinyin:      []string{"lingshoufu", "+lsf", "+shoufu", "+sf"}, // the 0 reads ling
		pinyinQuery: nil,
	},
	{
		name:        "zero collocation in digits",
		text:        "0首付",
		index:       []string{"0首付", "+首付"},
		query:       []string{"0首付"},
		bigrams:     []string{"0首付", "首付"},
		pinyin:      []string{"lingshoufu", "+lsf", "+shoufu", "+sf"},
		pinyinQuery: nil,
	},
	{
		name:        "zero collocation glued to digits",
		text:        "iPhone15零首付",
		index:       []string{"iphone15", "0首付", "+首付"},
		query:       []string{"iphone15", "0首付"},
		bigrams:     []string{"iphone15", "0首付", "首付"},
		pinyin:      []string{"lingshoufu", "+lsf", "+shoufu", "+sf"},
		pinyinQuery: []string{"iphone"},
	},
	{
		name:        "mixed latin and digits",
		text:        "360借条和iPhone15",
		index:       []string{"360借条", "+360", "+借条", "和", "iphone15"},
		query:       []string{"360借条", "和", "iphone15"},
		bigrams:     []string{"360", "借条", "条和", "iphone15"},
		pinyin:      []string{"jietiao", "+jt", "he", "+h"},
		pinyinQuery: []string{"iphone"},
	},
	{
		name:        "emoji and combining characters",
		text:        "cafe\u0301 😀 网贷👍🏽",
		index:       []string{"cafe", "网贷"},
		query:       []string{"cafe", "网贷"},
		bigrams:     []string{"cafe", "网贷"},
		pinyin:      []string{"wangdai", "+wd"},
		pinyinQuery: []string{"cafe"},
	},
	{name: "empty", text: ""},
	{name: "whitespace only", text: " \t\n\u3000 "},
	{
		name:        "pinyin of a brand",
		text:        "支付宝",
		index:       []string{"支付宝", "+支付"},
		query:       []string{"支付宝"},
		bigrams:     []string{"支付", "付宝"},
		pinyin:      []string{"zhifubao", "+zfb", "+zhifu", "+zf", "+fubao", "+fb"},
		pinyinQuery: nil,
	},
	{
		name:        "polyphone chosen per word",
		text:        "银行",
		index:       []string{"银行"},
		query:       []string{"银行"},
		bigrams:     []string{"银行"},
		pinyin:      []string{"yinhang", "+yh"},
		pinyinQuery: nil,
	},
	{
		name:        "pinyin query",
		text:        "ZFB zhi fu-bao",
		index:       []string{"zfb", "zhi", "fu", "bao"},
		query:       []string{"zfb", "zhi", "fu", "bao"},
		bigrams:     []string{"zfb", "zhi", "fu", "bao"},
		pinyin:      nil,
		pinyinQuery: []string{"zfb", "zhi", "fu", "bao"},
	},
}

// analyzers lists every analyzer by name; word analyzers satisfy
// Normalize(text[Start:End]) == Term.
func analyzers(s *Segmenter) []struct {
	name     string
	a        *analysis.Analyzer
	wordLike bool
} {
	return []struct {
		name     string
		a        *analysis.Analyzer
		wordLike bool
	}{
		{"IndexWords", s.IndexWords(), true},
		{"QueryWords", s.QueryWords(), true},
		{"Bigrams", s.Bigrams(), true},
		{"Pinyin", s.Pinyin(), false},
		{"PinyinQuery", s.PinyinQuery(), true},
	}
}

func (c analyzeCase) want(name string) []string {
	switch name {
	case "IndexWords":
		return c.index
	case "QueryWords":
		return c.query
	case "Bigrams":
		return c.bigrams
	case "Pinyin":
		return c.pinyin
	}
	return c.pinyinQuery
}

// terms renders a stream as in the table: "+term" for PositionIncr 0.
func terms(ts analysis.TokenStream) []string {
	var out []string
	for _, t := range ts {
		prefix := ""
		if t.PositionIncr == 0 {
			prefix = "+"
		}
		out = append(out, prefix+string(t.Term))
	}
	return out
}

func TestAnalyzeTable(t *testing.T) {
	s := testSegmenter(t)
	for _, c := range analyzeTable {
		for _, an := range analyzers(s) {
			t.Run(c.name+"/"+an.name, func(t *testing.T) {
				ts := an.a.Analyze([]byte(c.text))
				if got := terms(ts); !slices.Equal(got, c.want(an.name)) {
					t.Errorf("%q: got %q, want %q", c.text, got, c.want(an.name))
				}
				checkTokens(t, s, c.text, ts, an.wordLike)
			})
		}
	}
}

// checkTokens verifies the offset invariants of one stream.
func checkTokens(t *testing.T, s *Segmenter, text string, ts analysis.TokenStream, wordLike bool) {
	t.Helper()
	bounds := runeBoundaries(text)
	for i, tok := range ts {
		if err := tokenError(s, text, bounds, tok, wordLike, i == 0); err != nil {
			t.Errorf("text %q token %d: %v", text, i, err)
		}
	}
}

// tokenError returns what is wrong with tok, nil if nothing.
func tokenError(s *Segmenter, text string, bounds []bool, tok *analysis.Token, wordLike, first bool) error {
	switch {
	case tok.Start < 0 || tok.Start >= tok.End || tok.End > len(text):
		return fmt.Errorf("span [%d:%d] outside 0..%d or empty", tok.Start, tok.End, len(text))
	case !bounds[tok.Start] || !bounds[tok.End]:
		return fmt.Errorf("span [%d:%d] not on rune boundaries", tok.Start, tok.End)
	case !utf8.ValidString(text[tok.Start:tok.End]):
		return fmt.Errorf("span [%d:%d] %q is not valid UTF-8", tok.Start, tok.End, text[tok.Start:tok.End])
	case len(tok.Term) == 0 || strings.TrimSpace(string(tok.Term)) != string(tok.Term):
		return fmt.Errorf("bad term %q", tok.Term)
	case first && tok.PositionIncr != 1:
		return fmt.Errorf("first token has PositionIncr %d", tok.PositionIncr)
	case wordLike && s.norm.cutsPhrase([]byte(text), tok.Start, tok.End):
		// A token cutting a word converted as a word (轉乾 of 轉乾坤)
		// holds the word's conversion, not its own (转乾, not 转干).
		if got := s.norm.inContext([]byte(text), tok.Start, tok.End); got != string(tok.Term) {
			return fmt.Errorf("%q in context normalises to %q, term %q", text[tok.Start:tok.End], got, tok.Term)
		}
	case wordLike && s.Normalize(text[tok.Start:tok.End]) != string(tok.Term):
		return fmt.Errorf("Normalize(%q) = %q, term %q", text[tok.Start:tok.End], s.Normalize(text[tok.Start:tok.End]), tok.Term)
	}
	return nil
}

// runeBoundaries marks the offsets where decoding text from 0 starts a rune
// (invalid bytes count as one-byte runes), and len(text).
func runeBoundaries(text string) []bool {
	b := make([]bool, len(text)+1)
	b[len(text)] = true
	for i := range text {
		b[i] = true
	}
	return b
}

func FuzzAnalyze(f *testing.F) {
	for _, c := range analyzeTable {
		f.Add([]byte(c.text))
	}
	f.Add([]byte("零零首付\xff零元購ＰＲＯ\u0301網貸"))
	s := testSegmenter(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		text := string(data)
		norm := s.Normalize(text)
		if again := s.Normalize(norm); again != norm {
			t.Errorf("Normalize not idempotent: %q → %q → %q", text, norm, again)
		}
		for _, an := range analyzers(s) {
			ts := an.a.Analyze(data)
			checkTokens(t, s, text, ts, an.wordLike)
			// Analysing the normalised text gives the same terms.
			if n := terms(an.a.Analyze([]byte(norm))); !slices.Equal(terms(ts), n) {
				t.Errorf("%s: %q → %q but normalised %q → %q", an.name, text, terms(ts), norm, n)
			}
		}
	})
}

package segment

import (
	"slices"
	"strings"
	"testing"
)

func testNormalizer(t *testing.T) *normalizer {
	t.Helper()
	n, err := newNormalizer(tsCharacters, tsPhrases)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDictEntries(t *testing.T) {
	n := testNormalizer(t)
	tests := []struct {
		in      string
		want    []dictEntry
		wantErr bool
	}{
		{"# comment\n\n借唄\n", []dictEntry{{"借呗", 20000}}, false},
		{"零首付 5 n\nＰＲＯ版 9", []dictEntry{{"0首付", 5}, {"pro版", 9}}, false},
		{"a b", nil, true},
		{"a 0", nil, true},
		{"a 1 n extra", nil, true},
		{"\u0301 5", nil, true},
		{"。。 5", nil, true},
	}
	for _, tt := range tests {
		got, err := n.dictEntries(tt.in)
		if (err != nil) != tt.wantErr || (!tt.wantErr && !slices.Equal(got, tt.want)) {
			t.Errorf("dictEntries(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestLexEntries(t *testing.T) {
	in := []dictEntry{{"借呗", 20000}, {"rare", 1}, {"贷", 900}, {"abc", 2}}
	want := []lexEntry{{"借呗", 20000}, {"贷", 2}, {"abc", 2}}
	if got := lexEntries(in); !slices.Equal(got, want) {
		t.Errorf("lexEntries = %v, want %v", got, want)
	}
}

func TestParseSynonyms(t *testing.T) {
	n := testNormalizer(t)
	syn, err := n.parseSynonyms("網貸/网络贷款, 网络借贷\n0首付/零首付\n注销/销户\n注销/注销账户\n")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		term string
		want []string
	}{
		{"网贷", []string{"网络贷款", "网络借贷"}},
		{"网络借贷", []string{"网贷", "网络贷款"}},
		{"0首付", nil},
		{"注销", []string{"销户", "注销账户"}},
	}
	for _, tt := range tests {
		if got := syn[tt.term]; !slices.Equal(got, tt.want) {
			t.Errorf("syn[%q] = %q, want %q", tt.term, got, tt.want)
		}
	}
}

func TestParseStopWords(t *testing.T) {
	stop := testNormalizer(t).parseStopWords("# c\n嗎\n THE \n")
	if len(stop) != 2 {
		t.Fatalf("stop = %v", stop)
	}
	for _, w := range []string{"吗", "the"} {
		if _, ok := stop[w]; !ok {
			t.Errorf("%q missing", w)
		}
	}
}

func TestParsePinyinPhrases(t *testing.T) {
	n := testNormalizer(t)
	m, maxRunes, err := n.parsePinyinPhrases("銀行 yin hang\n差不多 cha bu duo\n")
	if err != nil || maxRunes != 3 || !slices.Equal(m["银行"], []string{"yin", "hang"}) {
		t.Errorf("got %v %d %v", m, maxRunes, err)
	}
	if _, _, err := n.parsePinyinPhrases("银行 yin\n"); err == nil {
		t.Error("syllable count mismatch accepted")
	}
	if _, _, err := n.parsePinyinPhrases(pinyinPhrases); err != nil {
		t.Errorf("embedded pinyin table: %v", err)
	}
}

func TestEmbeddedDomainDict(t *testing.T) {
	entries, err := testNormalizer(t).dictEntries(domainDict)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(entries); n < 80 {
		t.Errorf("domain pack has %d words, want ~80+", n)
	}
}

// TestDomainAndSynonymWordsStayWhole: every word of the domain pack and of
// the synonym groups is one QueryWords term (so synonyms can be looked up as
// terms of the word field).
func TestDomainAndSynonymWordsStayWhole(t *testing.T) {
	s := testSegmenter(t)
	var words []string
	_ = lines(domainDict, func(_ int, line string) error {
		words = append(words, strings.Fields(line)[0])
		return nil
	})
	_ = lines(defaultSynonyms, func(_ int, line string) error {
		words = append(words, splitGroup(s.Normalize(line))...)
		return nil
	})
	for _, w := range words {
		want := s.Normalize(w)
		if got := terms(s.QueryWords().Analyze([]byte(w))); len(got) != 1 || got[0] != want {
			t.Errorf("QueryWords(%q) = %q, want [%q]", w, got, want)
		}
	}
}

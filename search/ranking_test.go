package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/wensou/wensou/corpus"
)

// The failure classes of ranking round 2 (docs/RELEVANCE.md), each a
// table of queries over the sample corpus or documents made to show it.

// containDocs: the document holding the typed text verbatim in its body
// against documents whose short titles hold some of its words.
var containDocs = []corpus.Document{
	{ID: "peony-title", Kind: corpus.KindArticle, Title: "牡丹", Body: "庭前芍药妖无格，池上芙蕖净少情。"},
	{ID: "peony-line", Kind: corpus.KindArticle, Title: "春日即事", Body: "东风吹雨过，玉阑风牡丹开遍。"},
	{ID: "colors", Kind: corpus.KindArticle, Title: "为 ls 设置颜色", Body: "设置 ls 使用的颜色。"},
	{ID: "ls-page", Kind: corpus.KindArticle, Title: "列目录内容",
		Body: strings.Repeat("列出目录中的文件信息，按字母顺序排列。", 600) + "环境变量设置默认使用的时间格式。"},
	{ID: "umount", Kind: corpus.KindArticle, Title: "卸载文件系统", Body: "卸载已经挂载的设备。"},
	{ID: "fifo", Kind: corpus.KindArticle, Title: "先进先出特殊文件", Body: "管道的数据由内核传递，不会写入文件系统。"},
	{ID: "kind-of", Kind: corpus.KindArticle, Title: "类型说明", Body: "每一个这种类型的对象都有名字。"},
	{ID: "this-kind", Kind: corpus.KindArticle, Title: "这种类型", Body: "这种类型很常见。"},
}

func TestContainmentOutranksTitleWords(t *testing.T) {
	e := testEngine(t, containDocs...)
	for _, tt := range []struct{ q, first string }{
		{"玉阑风牡丹", "peony-line"},
		{"量设置默认使用", "ls-page"},
		{"不会写入文件系", "fifo"},
		{"一个这种类型的", "kind-of"},
		{"变量设置默认使用的时间", "ls-page"}, // a 20,000-character page holding it beats short titles
	} {
		res := search(t, e, tt.q)
		if len(res.Hits) == 0 || res.Hits[0].ID != tt.first {
			t.Errorf("%s: %v, want %s first", tt.q, ids(res), tt.first)
		}
	}
}

func TestQuestionsFallBackToInformativeWords(t *testing.T) {
	e := testEngine(t)
	for _, tt := range []struct{ q, inTitle string }{
		{"花呗能关吗", "花呗"},
		{"企业锁能解吗", "企业锁"},
		{"爱租机能退吗", "爱租机"},
	} {
		res := search(t, e, tt.q)
		if len(res.Hits) == 0 || !strings.Contains(res.Hits[0].Title, tt.inTitle) {
			t.Errorf("%s: %v, want a title with %s first", tt.q, titles(res), tt.inTitle)
		}
	}
}

func TestTypoCorrected(t *testing.T) {
	e := testEngine(t)
	for _, tt := range []struct{ typo, corrected string }{
		{"注消", "注销"},     // homophone
		{"如何注消", "如何注销"}, // homophone inside a clause
		{"爱组机", "爱租机"},   // homophone of a word the segmenter splits
		{"支什宝", "支付宝"},   // one character off, another sound
	} {
		right := search(t, e, tt.corrected)
		res := search(t, e, tt.typo)
		if res.Corrected != tt.corrected {
			t.Errorf("%s: corrected %q, want %q", tt.typo, res.Corrected, tt.corrected)
		}
		if len(res.Hits) == 0 || len(right.Hits) == 0 || res.Hits[0].ID != right.Hits[0].ID {
			t.Errorf("%s: %v, want %v first as for %s", tt.typo, ids(res), ids(right), tt.corrected)
		}
	}
	if res := search(t, e, "注销"); res.Corrected != "" {
		t.Errorf("注销 corrected to %q: a word found as typed is never corrected", res.Corrected)
	}
}

func TestLatinGluedToChinese(t *testing.T) {
	e := testEngine(t)
	glued, spaced := search(t, e, "租机app"), search(t, e, "租机 app")
	if glued.Total == 0 || glued.Total != spaced.Total || !slices.Equal(ids(glued), ids(spaced)) {
		t.Errorf("租机app: %d %v; 租机 app: %d %v", glued.Total, ids(glued), spaced.Total, ids(spaced))
	}
}

func TestPinyinWhileTyping(t *testing.T) {
	e := testEngine(t)
	for _, tt := range []struct{ q, mark string }{
		{"zhux", "<mark>注销</mark>"},
		{"zhuxiao", "<mark>注销</mark>"},
		{"zhuxiaowangdai", "<mark>注销网贷</mark>"},
	} {
		res := search(t, e, tt.q)
		if len(res.Hits) == 0 || res.Hits[0].ID != "article-1000" || !strings.Contains(res.Hits[0].TitleHTML, tt.mark) {
			t.Errorf("%s: %v, want article-1000 first with %s", tt.q, titleHTMLs(res), tt.mark)
		}
	}
	if res := search(t, e, "zhu"); res.Total == 0 {
		t.Errorf("zhu finds nothing: a pinyin prefix should find titles")
	}
}

func TestLongQueryDegrades(t *testing.T) {
	e := testEngine(t)
	q := "如何 注销 网贷 账户 完整 的 步骤 解析 登录 平台 进入 设置 页面 选项 申请 提交 审核 等待 结果 确认 完成"
	res, err := e.Search(context.Background(), Request{Query: q})
	if err != nil {
		t.Fatalf("%d-clause query: %v", len(strings.Fields(q)), err)
	}
	if len(res.Hits) == 0 || res.Hits[0].ID != "article-1000" {
		t.Errorf("%d-clause query: %v, want article-1000 first", len(strings.Fields(q)), ids(res))
	}
}

func titleHTMLs(res *Result) []string {
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.TitleHTML
	}
	return out
}

// TestGeneratedKnownItems is the known-item generator of the kinds of
// ../shared/eval/known-item-dev.tsv over the relevance fixture: for each
// document, a fragment of its body cut anywhere (6-10 characters), a line
// typed in the other script, and two separate pieces of one line; every
// such text found in one document only must find that document first.
func TestGeneratedKnownItems(t *testing.T) {
	e := relevanceEngine(t)
	docs, err := readFixture(filepath.Join(relevanceDir, "bench.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	a := e.analysis()
	norm := make([]string, len(docs))
	for i, d := range docs {
		norm[i] = a.Normalize(d.Body)
	}
	rng := rand.New(rand.NewPCG(11, 13))
	total, first := map[string]int{}, map[string]int{}
	for i, d := range docs {
		items := knownItemsOf(rng, d.Body)
		if f, ok := items["fragment"]; ok && a.Normalize(f) != f {
			items["other-script"] = a.Normalize(f) // typed in Simplified
		}
		for kind, q := range items {
			if uniqueAll(a.Normalize(q), norm) != i {
				continue
			}
			total[kind]++
			res := search(t, e, q)
			if len(res.Hits) > 0 && res.Hits[0].ID == d.ID {
				first[kind]++
			} else if testing.Verbose() {
				t.Logf("%s %q: %v, want %s", kind, q, ids(res), d.ID)
			}
		}
	}
	if len(total) < 3 {
		t.Errorf("kinds generated: %v", total)
	}
	for kind, n := range total {
		t.Logf("%s: %d/%d first", kind, first[kind], n)
		if s := float64(first[kind]) / float64(n); n < 20 || s < 0.95 {
			t.Errorf("%s: success@1 %.3f over %d queries, want >= 0.95", kind, s, n)
		}
	}
}

// knownItemsOf cuts the known-item queries of one body by kind.
func knownItemsOf(rng *rand.Rand, body string) map[string]string {
	out := map[string]string{}
	rs := []rune(body)
	if len(rs) < 24 {
		return out
	}
	n := 6 + rng.IntN(5)
	start := rng.IntN(len(rs) - n)
	if frag := rs[start : start+n]; hanCount(frag) >= n-1 && !cutsLatin(rs, start, start+n) {
		out["fragment"] = string(frag)
	}
	var han []rune
	for _, r := range rs {
		if unicode.Is(unicode.Han, r) {
			han = append(han, r)
			continue
		}
		if len(han) >= 7 {
			break
		}
		han = han[:0]
	}
	if len(han) >= 7 {
		out["words"] = string(han[:2]) + " " + string(han[4:7])
	}
	return out
}

// hanCount counts the Han characters of rs.
func hanCount(rs []rune) int {
	n := 0
	for _, r := range rs {
		if unicode.Is(unicode.Han, r) {
			n++
		}
	}
	return n
}

// cutsLatin reports whether rs[i:j] starts or ends inside a Latin word.
func cutsLatin(rs []rune, i, j int) bool {
	latin := func(k int) bool { return k >= 0 && k < len(rs) && rs[k] < 0x80 && unicode.IsLetter(rs[k]) }
	return latin(i) && latin(i-1) || latin(j-1) && latin(j)
}

// uniqueAll returns the index of the only text holding every
// space-separated piece of q, -1 otherwise.
func uniqueAll(q string, texts []string) int {
	at := -1
	for i, t := range texts {
		if allIn(t, strings.Fields(q)) {
			if at >= 0 {
				return -1
			}
			at = i
		}
	}
	return at
}

func allIn(t string, pieces []string) bool {
	for _, p := range pieces {
		if !strings.Contains(t, p) {
			return false
		}
	}
	return true
}

// TestRareTypoAlsoCorrected: a typo that one page carries as typed (注消)
// finds that page first, then what the right spelling finds, and says so
// (Corrected, ExactTotal); a rare word whose homophone is not more common
// in titles, and a word as common as its homophones, are not corrected.
func TestRareTypoAlsoCorrected(t *testing.T) {
	docs := []corpus.Document{{ID: "typo-page", Kind: corpus.KindArticle, Title: "一篇写错字的文章", Body: "这里把账户注消写错了。"}}
	for i, title := range []string{"信用卡注销流程", "手机号注销以后", "支付宝账户注销须知"} { // 注销 in four titles with the sample's
		docs = append(docs, corpus.Document{ID: fmt.Sprintf("zx-%d", i), Kind: corpus.KindArticle, Title: title, Body: title + "的正文。"})
	}
	e := testEngine(t, docs...)
	right := search(t, e, "注销")
	res := search(t, e, "注消")
	if res.Corrected != "注销" || res.ExactTotal != 1 {
		t.Fatalf("注消: corrected %q, exact_total %d, want 注销 and 1", res.Corrected, res.ExactTotal)
	}
	got := ids(res)
	if len(got) < 2 || got[0] != "typo-page" || got[1] != right.Hits[0].ID {
		t.Errorf("注消: %v, want typo-page first, then %s (first for 注销)", got, right.Hits[0].ID)
	}
	if res.Total != right.Total+1 {
		t.Errorf("注消: total %d, want %d (the typo page plus 注销's %d)", res.Total, right.Total+1, right.Total)
	}
	// Page 2 continues the same list: no document twice, none lost.
	p2, err := e.Search(context.Background(), Request{Query: "注消", Page: 2, Size: 10})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, id := range append(got, ids(p2)...) {
		if seen[id] {
			t.Errorf("注消: %s on page 1 and page 2", id)
		}
		seen[id] = true
	}
	if want := min(int(res.Total), 20); len(seen) != want {
		t.Errorf("注消: %d documents on pages 1-2, want %d", len(seen), want)
	}
	if exact, err := e.Search(context.Background(), Request{Query: "注消", Exact: true}); err != nil || exact.Total != 1 || exact.Corrected != "" {
		t.Errorf("注消 exact: %+v %v, want only the typo page", exact, err)
	}
	for _, q := range []string{"一篇写错字", "网贷账户怎么注销"} {
		if res := search(t, e, q); res.Corrected != "" {
			t.Errorf("%s: corrected to %q", q, res.Corrected)
		}
	}
}

package search

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/segment"
)

var (
	segOnce sync.Once
	seg     *segment.Segmenter
	segErr  error
)

// testSegmenter loads the dictionaries once per test binary (about 1 s).
func testSegmenter(tb testing.TB) *segment.Segmenter {
	tb.Helper()
	segOnce.Do(func() { seg, segErr = segment.New(segment.Config{}) })
	if segErr != nil {
		tb.Fatalf("segment.New: %v", segErr)
	}
	return seg
}

// extraDocs are small documents for behaviours the sample does not show.
var extraDocs = []corpus.Document{
	{ID: "gz", Kind: corpus.KindArticle, Title: "广州租机攻略", Body: "在广州租手机的流程。"},
	{ID: "hz1", Kind: corpus.KindArticle, Title: "惠州租机攻略", Body: "惠州的州府很漂亮，广场很大。"},
	{ID: "hz2", Kind: corpus.KindArticle, Title: "惠州广场的州际租机", Body: "惠州广场，州际公路。"},
}

var xssDoc = corpus.Document{ID: "xss", Kind: corpus.KindArticle, Title: "<script>alert(1)</script>注销", Body: "正文<b>注销</b>&amp;"}

// testEngine indexes the embedded sample plus docs in memory.
func testEngine(tb testing.TB, docs ...corpus.Document) *Engine {
	tb.Helper()
	sample, err := corpus.Sample()
	if err != nil {
		tb.Fatal(err)
	}
	return memoryEngine(tb, append(sample, docs...), Config{})
}

func search(tb testing.TB, e *Engine, q string) *Result {
	tb.Helper()
	res, err := e.Search(context.Background(), Request{Query: q})
	if err != nil {
		tb.Fatalf("Search(%q): %v", q, err)
	}
	return res
}

func ids(res *Result) []string {
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.ID
	}
	return out
}

func TestSearchFirstHit(t *testing.T) {
	e := testEngine(t, extraDocs...)
	tests := []struct{ q, firstTitle string }{
		{"注销", "如何注销网贷账户?完整的步骤解析"},
		{"注销账户的步骤", "如何注销网贷账户?完整的步骤解析"},
		{"网贷账户怎么注销", "如何注销网贷账户?完整的步骤解析"},
		{"银行卡", "分期购买手机是否需要银行卡"},
		{`"注销网贷账户"`, "如何注销网贷账户?完整的步骤解析"},
	}
	for _, tt := range tests {
		res := search(t, e, tt.q)
		if len(res.Hits) == 0 || res.Hits[0].Title != tt.firstTitle {
			t.Errorf("%q: first hit %v, want %q", tt.q, ids(res), tt.firstTitle)
		}
	}
}

func TestNoSingleCharacterOvermatch(t *testing.T) {
	e := testEngine(t, extraDocs...)
	res := search(t, e, "广州")
	if got := ids(res); len(got) != 1 || got[0] != "gz" {
		t.Fatalf("广州 returned %v, want only the 广州 document (no 惠州/广场/州际)", got)
	}
}

func TestExclusionAndRelaxed(t *testing.T) {
	e := testEngine(t, extraDocs...)
	with := search(t, e, "租机攻略")
	without := search(t, e, "租机攻略 -惠州")
	if with.Total != without.Total+1 {
		t.Errorf("-惠州 removed %d hits, want 1", with.Total-without.Total)
	}
	res := search(t, e, "注销 不存在的词汇组合xyz")
	if !res.Relaxed || res.Total == 0 {
		t.Errorf("query with an unmatched word: relaxed=%v total=%d, want best-effort hits", res.Relaxed, res.Total)
	}
}

func TestHighlightsAreEscaped(t *testing.T) {
	e := testEngine(t, xssDoc)
	res := search(t, e, "注销")
	for _, h := range res.Hits {
		if h.ID != "xss" {
			continue
		}
		if h.TitleHTML != "&lt;script&gt;alert(1)&lt;/script&gt;<mark>注销</mark>" {
			t.Errorf("title_html = %q", h.TitleHTML)
		}
		if h.SnippetHTML != "正文&lt;b&gt;<mark>注销</mark>&lt;/b&gt;&amp;amp;" {
			t.Errorf("snippet_html = %q", h.SnippetHTML)
		}
		return
	}
	t.Fatal("the escaped document was not found")
}

func TestRequestValidation(t *testing.T) {
	e := testEngine(t)
	tests := []struct {
		req  Request
		want error
	}{
		{Request{Query: "注销", Page: -1}, ErrBadPage},
		{Request{Query: "注销", Size: 101}, ErrBadSize},
		{Request{Query: "注销", Size: -5}, ErrBadSize},
		{Request{Query: "注销", Page: 1001, Size: 10}, ErrTooDeep},
		{Request{Query: "注销", Page: 1<<62 + 1, Size: 100}, ErrTooDeep}, // page*size overflows
		{Request{Query: ""}, ErrEmptyQuery},
	}
	for _, tt := range tests {
		if _, err := e.Search(context.Background(), tt.req); !errors.Is(err, tt.want) {
			t.Errorf("%+v: error %v, want %v", tt.req, err, tt.want)
		}
	}
}

func TestContextCancelled(t *testing.T) {
	e := testEngine(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Search(ctx, Request{Query: "租机"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled search error = %v, want context.Canceled", err)
	}
}

// TestPublicEvalFloor keeps ranking on the shared judged queries from
// regressing.
func TestPublicEvalFloor(t *testing.T) {
	f, err := os.Open("testdata/public.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	js, err := ReadJudgments(f)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := testEngine(t).Evaluate(context.Background(), js)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("public.tsv: nDCG@10 %.4f MRR %.4f zero %d first=3 %d/%d", ev.NDCG, ev.MRR, ev.ZeroResults, ev.FirstIs3, ev.Queries)
	if ev.NDCG < 0.96 || ev.ZeroResults > 0 {
		var lost []string
		for _, q := range ev.PerQuery {
			if q.NDCG < 1 {
				lost = append(lost, q.Query)
			}
		}
		t.Errorf("nDCG@10 %.4f (floor 0.96), zero results %d; losing: %s", ev.NDCG, ev.ZeroResults, strings.Join(lost, ", "))
	}
}

func TestZeroResultLogAndPopularSuggestions(t *testing.T) {
	e := testEngine(t)
	for range 3 {
		search(t, e, "喵呜汪汪嗷呜")
	}
	for _, client := range []string{"192.0.2.1", "192.0.2.2", "192.0.2.3"} { // QueryPolicy.MinClients
		search(t, e, "租机宝")
		e.NoteClient("租机宝", client)
	}
	zero := e.ZeroResults(10)
	if len(zero) != 1 || zero[0].Query != "喵呜汪汪嗷呜" || zero[0].Count != 3 || len(zero[0].Terms) == 0 {
		t.Fatalf("zero-result log = %+v", zero)
	}
	sug, err := e.Suggest(context.Background(), "租机", 8)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range sug {
		found = found || (s.Kind == "query" && s.Text == "租机宝")
	}
	if !found {
		t.Errorf("suggestions for 租机 = %+v, want the popular query 租机宝", sug)
	}
}

func TestExplainByField(t *testing.T) {
	e := testEngine(t)
	res, err := e.Search(context.Background(), Request{Query: "注销", Size: 1, Explain: true})
	if err != nil || len(res.Hits) == 0 {
		t.Fatal(err)
	}
	h := res.Hits[0]
	sum := 0.0
	for _, v := range h.ScoreByField {
		sum += v
	}
	if h.ScoreByField["title"] <= h.ScoreByField["body"] || h.ScoreByField["title"] <= h.ScoreByField["title_bg"] {
		t.Errorf("score by field %v: the whole-word title match should lead", h.ScoreByField)
	}
	if d := sum - h.Score; d > 1e-6 || d < -1e-6 {
		t.Errorf("fields sum to %f, score is %f", sum, h.Score)
	}
	plain := search(t, e, "注销").Hits[0]
	if plain.ScoreByField != nil || plain.Explain != nil || plain.Score != h.Score {
		t.Errorf("without explain: %v %s, score %f vs %f", plain.ScoreByField, plain.Explain, plain.Score, h.Score)
	}
}

func TestSingleCharacterQuery(t *testing.T) {
	e := testEngine(t, extraDocs...)
	res := search(t, e, "贷")
	if res.Total < 5 || res.Hits[0].ID != "article-1000" {
		t.Fatalf("贷: %d hits, first %v; want the 网贷/贷款 documents", res.Total, ids(res))
	}
	if !strings.Contains(res.Hits[0].SnippetHTML, "贷</mark>") {
		t.Errorf("snippet %q marks no 贷", res.Hits[0].SnippetHTML)
	}
}

func TestTraditionalDocumentHighlightedInTraditional(t *testing.T) {
	doc := corpus.Document{ID: "trad", Kind: corpus.KindArticle, Title: "網貸帳戶註銷指南", Body: "如何註銷網貸帳戶？先結清欠款。"}
	e := testEngine(t, doc)
	for _, q := range []string{"网贷账户", "網貸帳戶", "ＷＡＮＧ网贷"[len("ＷＡＮＧ"):]} {
		res := search(t, e, q)
		var h *Hit
		for i := range res.Hits {
			if res.Hits[i].ID == "trad" {
				h = &res.Hits[i]
			}
		}
		if h == nil {
			t.Fatalf("%s: the Traditional document was not found", q)
		}
		if !strings.HasPrefix(h.TitleHTML, "<mark>網貸") || !strings.Contains(h.SnippetHTML, "<mark>網貸") {
			t.Errorf("%s: title_html %q snippet_html %q, want marks on the Traditional text", q, h.TitleHTML, h.SnippetHTML)
		}
	}
}

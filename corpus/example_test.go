package corpus_test

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/wensou/wensou/corpus"
)

func ExampleParseHTML() {
	page := `<html><head><title>示例文章 - 站名</title>
<link rel="canonical" href="https://www.example.cn/article/42.html"></head>
<body><nav>首页</nav><article><h1>示例文章</h1>
<div class="meta">发布时间:2025-06-22 16:15:29</div>
<p>第一段 &lt;b&gt;正文&lt;/b&gt;。</p><script>track()</script>
<h2>一、小节</h2><p>第二段。</p></article>
<aside class="related"><a href="/article/7.html">相关文章</a></aside></body></html>`
	d, err := corpus.ParseHTML([]byte(page), corpus.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.ID, d.Title, d.Published.Format("2006-01-02T15:04:05Z07:00"))
	fmt.Println(d.Body)
	fmt.Println(d.Headings, d.Related[0].URL)
	// Output:
	// article-42 示例文章 2025-06-22T16:15:29+08:00
	// 第一段 <b>正文</b>。
	// 一、小节
	// 第二段。
	// [一、小节] https://www.example.cn/article/7.html
}

func ExampleParseText() {
	text := "示例\n发布时间：2025年6月22日\n正文。\n相关内容:\n甲\n乙\nTo Top\n"
	d, _ := corpus.ParseText([]byte(text), corpus.Options{})
	fmt.Println(d.Title, d.Published.Format("2006-01-02"), d.Body, len(d.Related))
	// Output: 示例 2025-06-22 正文。 2
}

func ExampleExpand() {
	a := corpus.Document{ID: "a", Kind: corpus.KindArticle, Title: "甲",
		Related: []corpus.Link{{Title: "乙", URL: "https://x.cn/b"}, {Title: "乙", URL: "https://x.cn/b"}, {Title: "甲"}}}
	for _, d := range corpus.Expand([]corpus.Document{a}) {
		fmt.Println(d.Kind, d.Title, d.URL != "")
	}
	// Output:
	// article 甲 false
	// related 乙 true
}

func ExampleSample() {
	docs, _ := corpus.Sample()
	fmt.Println(len(docs), docs[0].ID, docs[0].URL)
	// Output: 100 article-1000 https://www.example.cn/article/1000.html
}

func ExampleNewJSONLReader() {
	in := `{"id":"p1","title":"静夜思","author":"李白","body":"床前明月光"}
not json
{"title":"登鹳雀楼","published":"2025-06-22"}`
	r := corpus.NewJSONLReader(strings.NewReader(in), corpus.Options{Source: "poems.jsonl"})
	for {
		d, err := r.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			fmt.Println("skip:", err)
			continue
		}
		fmt.Println(d.ID, d.Title)
	}
	// Output:
	// p1 静夜思
	// skip: jsonl poems.jsonl line 2: malformed document: invalid character 'o' in literal null (expecting 'u')
	// t-b680b69b4534cfcd 登鹳雀楼
}

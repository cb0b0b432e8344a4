package search_test

import (
	"fmt"

	"github.com/wensou/wensou/search"
)

func ExampleMark() {
	text := "如何注销网贷账户?<完整>"
	// Two touching matches (注销, 网贷) become one mark; the text is escaped.
	fmt.Println(search.Mark(text, []search.Span{{Start: 6, End: 12}, {Start: 12, End: 18}}))
	// Output: 如何<mark>注销网贷</mark>账户?&lt;完整&gt;
}

func ExampleSnippet() {
	body := "第一句与此无关。第二句讲如何注销账户。第三句也无关。"
	at := len("第一句与此无关。第二句讲如何")
	fmt.Println(search.Snippet(body, []search.Span{{Start: at, End: at + len("注销")}}, 12))
	// Output: …句讲如何<mark>注销</mark>账户。
}

func ExampleParse() {
	q, err := search.Parse(`租机 "支付宝 订单" -押金 title:注销`, search.ParseLimits{})
	if err != nil {
		panic(err)
	}
	for _, c := range q.Clauses {
		fmt.Printf("%q phrase=%v negate=%v field=%q\n", c.Text, c.Phrase, c.Negate, c.Field)
	}
	// Output:
	// "租机" phrase=false negate=false field=""
	// "支付宝 订单" phrase=true negate=false field=""
	// "押金" phrase=false negate=true field=""
	// "注销" phrase=false negate=false field="title"
}

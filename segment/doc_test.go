package segment_test

import (
	"fmt"

	"github.com/wensou/wensou/segment"
)

func Example() {
	s, err := segment.New(segment.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	text := "如何注銷網貸帳戶？"
	for _, tok := range s.IndexWords().Analyze([]byte(text)) {
		fmt.Printf("%s %q\n", tok.Term, text[tok.Start:tok.End])
	}
	fmt.Println(s.Normalize("ＰＲＯ零首付"), s.Synonyms("网贷"), s.IsStop("如何"))
	// Output:
	// 如何 "如何"
	// 注销 "注銷"
	// 网贷 "網貸"
	// 账户 "帳戶"
	// pro 0首付 [网络贷款 网络借贷 网路贷款 网路借贷] true
}

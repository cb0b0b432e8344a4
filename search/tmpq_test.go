package search
import ("testing";"fmt")
func TestTmpQ(t *testing.T) {
	e := testEngine(t)
	for _, q := range []string{"花呗能关吗", "企业锁能解吗", "爱租机能退吗", "租机app", "租机 app", "zhu", "zhux", "zhuxiao", "zhuxiaowangdai", "注消", "网贷账户怎么注销"} {
		res := search(t, e, q)
		fmt.Println(q, res.Total, res.Relaxed)
		for i, h := range res.Hits { if i < 3 {fmt.Println("  ", h.TitleHTML, h.Score) }}
	}
}

package corpus

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestParseHTMLHostile runs generated pages too big to commit.
func TestParseHTMLHostile(t *testing.T) {
	deep := func(tag string, n int) string {
		return "<html><body><article><h1>深层嵌套</h1>" + strings.Repeat("<"+tag+">", n) + "<p>最深处的文字</p>" +
			strings.Repeat("</"+tag+">", n) + "<p>之后的文字</p></article></body></html>"
	}
	huge := strings.Repeat("A", 4<<20)
	tests := []struct {
		name    string
		page    string
		title   string
		body    []string // substrings of Body
		notBody []string
		err     error
		maxTime time.Duration
	}{
		{name: "50k deep div", page: deep("div", 50000), title: "深层嵌套", body: []string{"最深处的文字", "之后的文字"}},
		{name: "50k deep span", page: deep("span", 50000), title: "深层嵌套", body: []string{"最深处的文字"}},
		{name: "50k deep b", page: deep("b", 50000), title: "深层嵌套", body: []string{"最深处的文字"}},
		{name: "50k deep table", page: deep("table><tr><td", 20000), title: "深层嵌套", body: []string{"最深处的文字"}},
		{name: "50k unclosed li", page: "<title>列表</title><ul>" + strings.Repeat("<li>项", 50000), title: "列表", body: []string{"项"}},
		{name: "deep script survives flattening", page: strings.Repeat("<div>", 3000) + "<script>SCRIPT-DEEP</script><style>STYLE-DEEP</style><p>正文</p>", body: []string{"正文"}, notBody: []string{"SCRIPT-DEEP", "STYLE-DEEP"}},
		{name: "huge attributes", page: `<html><head><meta property="og:title" content="` + huge + `"><link rel="canonical" href="https://x.cn/` + huge + `"></head><body class="` + huge + `"><article data-x="` + huge + `" style="` + huge + `"><h1 title="` + huge + `">标题</h1><p>正文<a href="/` + huge + `">链接</a></p></article><aside class="related"><a href="` + huge + `">相关</a></aside></body></html>`, body: []string{"正文链接"}},
		{name: "huge text node", page: "<title>大文本</title><p>" + strings.Repeat("字", 1<<20) + "</p>", title: "大文本", body: []string{"字字字"}},
		{name: "unterminated comment", page: "<title>注释</title><p>正文</p><!-- <p>注释里", title: "注释", body: []string{"正文"}, notBody: []string{"注释里"}},
		{name: "plaintext swallows the rest", page: "<title>纯文本</title><p>前</p><plaintext><script>PLAIN</script>", body: []string{"前"}, notBody: []string{"PLAIN"}},
		{name: "math cdata", page: "<p>前</p><math><![CDATA[<script>MATH</script>]]></math>", body: []string{"前"}, notBody: []string{"MATH"}},
		{name: "only furniture", page: "<nav>导航</nav><footer>页脚</footer>", err: ErrEmpty},
		{name: "nul byte", page: "<p>a\x00b</p>", err: ErrBinary},
		{name: "utf-16 bom", page: "\xff\xfe<\x00p\x00>\x00\x2d\x4e\x87\x65<\x00/\x00p\x00>\x00", body: []string{"中文"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			d, err := ParseHTML([]byte(tc.page), Options{})
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkDocument(t, d)
			if tc.title != "" && d.Title != tc.title {
				t.Errorf("title = %.80q, want %q", d.Title, tc.title)
			}
			for _, s := range tc.body {
				if !strings.Contains(d.Body, s) {
					t.Errorf("body %.200q lacks %q", d.Body, s)
				}
			}
			for _, s := range tc.notBody {
				if strings.Contains(d.Body, s) {
					t.Errorf("body %.200q has %q", d.Body, s)
				}
			}
			// A guard against pathological (e.g. quadratic) parsing, far above
			// normal (tens of ms) so a loaded CI machine never trips it; speed
			// itself is measured by BenchmarkParseHTML, not here.
			if el := time.Since(start); el > time.Minute {
				t.Errorf("took %v", el)
			}
		})
	}
}

func TestStripSiteSuffix(t *testing.T) {
	for in, want := range map[string]string{
		"如何注销网贷账户?完整的步骤解析 - 分期生活网": "如何注销网贷账户?完整的步骤解析",
		"标题 | 站名":                         "标题",
		"标题_站名":                           "标题",
		"a - b - 站名":                      "a - b",
		"没有后缀":                            "没有后缀",
		" - 只有后缀":                         " - 只有后缀",
		"标题 - " + strings.Repeat("长", 31): "标题 - " + strings.Repeat("长", 31),
	} {
		if got := stripSiteSuffix(in); got != want {
			t.Errorf("stripSiteSuffix(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseDate(t *testing.T) {
	zone := DefaultZone()
	for in, want := range map[string]string{
		"2025-06-22T16:15:29+08:00": "2025-06-22T16:15:29+08:00",
		"2025-06-22T08:15:29Z":      "2025-06-22T16:15:29+08:00",
		"2025-06-22 16:15:29":       "2025-06-22T16:15:29+08:00",
		"2025-06-22":                "2025-06-22T00:00:00+08:00",
		"2025年6月22日":                "2025-06-22T00:00:00+08:00",
		"2025年6月22日 16:15":          "2025-06-22T16:15:00+08:00",
		"2025/6/22 16:15:29":        "2025-06-22T16:15:29+08:00",
		"2025-02-30":                "",
		"2025-13-01":                "",
		"昨天":                        "",
		"":                          "",
	} {
		got, ok := parseDate(in, zone)
		if s := ""; ok {
			s = got.Format(time.RFC3339)
			if s != want {
				t.Errorf("parseDate(%q) = %s, want %s", in, s, want)
			}
		} else if want != "" {
			t.Errorf("parseDate(%q) failed, want %s", in, want)
		}
	}
	if _, ok := publishLine("发布时间：2025年6月22日", zone); !ok {
		t.Error("publishLine with a full-width colon")
	}
}

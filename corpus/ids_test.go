package corpus

import (
	"regexp"
	"strings"
	"testing"
)

func TestIDFromURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.example.cn/article/1000.html":   "article-1000",
		"https://www.example.cn/article/1000.HTML":   "article-1000",
		"https://www.example.cn/News/2024/a_b.shtml": "news-2024-a_b",
		"https://x.cn/show.php?id=123&p=2":           "show-id-123-p-2",
		"https://x.cn/docs/":                         "docs",
		"https://x.cn/文章/42.htm":                     "42",
		"https://x.cn/":                              "",
		"":                                           "",
		"/relative/v1.2/page":                        "relative-v1.2-page",
		"https://x.cn/%zz":                           "",
	} {
		if got := IDFromURL(in); got != want {
			t.Errorf("IDFromURL(%q) = %q, want %q", in, got, want)
		}
	}
	long := IDFromURL("https://x.cn/" + strings.Repeat("abc/", 100))
	if len(long) > maxIDLen || !regexp.MustCompile(`^[a-z0-9._-]+$`).MatchString(long) {
		t.Errorf("long id %q", long)
	}
}

func TestArticleID(t *testing.T) {
	if got := articleID(Options{ID: " given "}, "https://x.cn/a.html", "t", ""); got != "given" {
		t.Errorf("opt.ID: %q", got)
	}
	a := articleID(Options{}, "", "如何注销网贷账户？完整的步骤解析", "")
	b := articleID(Options{}, "", " 如何注销网贷账户?完整的 步骤解析", "")
	if a != b || !strings.HasPrefix(a, "t-") || len(a) != 18 {
		t.Errorf("title ids %q %q", a, b)
	}
}

func TestNormalizeTitle(t *testing.T) {
	for in, want := range map[string]string{
		"如何注销网贷账户？完整的步骤解析": "如何注销网贷账户?完整的步骤解析",
		"ＡＢＣ　ｄｅｆ":          "abcdef",
		"Pro\u200bMax 13":  "promax13",
		"":                 "",
	} {
		if got := NormalizeTitle(in); got != want {
			t.Errorf("NormalizeTitle(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExpand(t *testing.T) {
	a := Document{ID: "a", Kind: KindArticle, URL: "https://x.cn/a.html", Title: "文章甲", Source: "a.html",
		Related: []Link{
			{Title: "乙", URL: "https://x.cn/b.html"},
			{Title: "丙"},
			{Title: "文章甲"}, // the article itself, by title
			{Title: "另一个标题", URL: "https://x.cn/a.html"}, // the article itself, by URL
			{Title: "乙", URL: "https://x.cn/b.html"},
			{Title: "同名", URL: "https://x.cn/1.html"},
			{Title: "同名", URL: "https://x.cn/2.html"}, // same title, other URL: another document
		}}
	b := Document{ID: "b", Kind: KindArticle, Title: "文章丁", Source: "b.txt",
		Related: []Link{{Title: "丙", URL: "https://x.cn/c.html"}, {Title: "乙"}, {Title: "ｄ"}, {Title: " "}}}
	got := Expand([]Document{a, b})
	want := []struct{ title, url, source string }{
		{"文章甲", "https://x.cn/a.html", "a.html"},
		{"文章丁", "", "b.txt"},
		{"乙", "https://x.cn/b.html", "a.html"},
		{"丙", "https://x.cn/c.html", "a.html"}, // URL learnt from b
		{"同名", "https://x.cn/1.html", "a.html"},
		{"同名", "https://x.cn/2.html", "a.html"},
		{"ｄ", "", "b.txt"},
	}
	if len(got) != len(want) {
		t.Fatalf("Expand: %d documents, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Title != w.title || g.URL != w.url || g.Source != w.source {
			t.Errorf("doc %d = %q %q %q, want %+v", i, g.Title, g.URL, g.Source, w)
		}
		if i >= 2 && (g.Kind != KindRelated || g.ID != relatedID(Link{Title: g.Title, URL: g.URL})) {
			t.Errorf("doc %d: kind %s id %s", i, g.Kind, g.ID)
		}
	}
	if got[6].ID != "r-"+hash16("t:d") {
		t.Errorf("title-only id %s", got[6].ID)
	}
	again := Expand([]Document{a, b})
	for i := range got {
		if got[i].ID != again[i].ID {
			t.Fatal("Expand is not deterministic")
		}
	}
}

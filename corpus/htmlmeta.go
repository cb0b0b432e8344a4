package corpus

import (
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
)

// maxTitleRunes caps titles; longer ones are cut.
const maxTitleRunes = 512

// maxURLLen is the longest URL kept; longer ones are dropped.
const maxURLLen = 4096

// metaContent is the content of the first non-empty <meta> whose property
// or name is one of keys.
func metaContent(doc *goquery.Document, keys ...string) string {
	for _, k := range keys {
		sel := `meta[property="` + k + `"], meta[name="` + k + `"], meta[itemprop="` + k + `"]`
		var found string
		doc.Find(sel).EachWithBreak(func(_ int, s *goquery.Selection) bool {
			found = cleanLine(s.AttrOr("content", ""))
			return found == ""
		})
		if found != "" {
			return found
		}
	}
	return ""
}

// pageURL is opt.URL, else <link rel=canonical>, else og:url.
func pageURL(doc *goquery.Document, opt Options) string {
	for _, u := range []string{
		opt.URL,
		doc.Find(`link[rel~="canonical"]`).First().AttrOr("href", ""),
		metaContent(doc, "og:url"),
	} {
		if u = cleanURL(u); u != "" {
			return u
		}
	}
	return ""
}

// cleanURL trims u and returns "" when it is not a usable URL.
func cleanURL(u string) string {
	u = strings.TrimSpace(u)
	if u == "" || len(u) > maxURLLen || !utf8.ValidString(u) {
		return ""
	}
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	switch strings.ToLower(p.Scheme) {
	case "", "http", "https":
		return p.String()
	}
	return ""
}

// pageTitle is og:title, else the first h1, else <title> without the site
// name suffix.
func pageTitle(doc *goquery.Document) string {
	if t := metaContent(doc, "og:title"); t != "" {
		return capRunes(t, maxTitleRunes)
	}
	var t string
	doc.Find("h1").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		t = cleanLine(nodeText(s.Get(0)))
		return t == ""
	})
	if t == "" {
		t = stripSiteSuffix(cleanLine(doc.Find("title").First().Text()))
	}
	return capRunes(t, maxTitleRunes)
}

// stripSiteSuffix removes a trailing " - 站名", " | 站名" or "_站名" of at
// most 30 characters.
func stripSiteSuffix(t string) string {
	cut := -1
	sepLen := 0
	for _, sep := range [...]string{" - ", " | ", " – ", " — ", "_", "｜", " · "} {
		if i := strings.LastIndex(t, sep); i > cut {
			cut, sepLen = i, len(sep)
		}
	}
	if cut <= 0 {
		return t
	}
	head, tail := strings.TrimSpace(t[:cut]), strings.TrimSpace(t[cut+sepLen:])
	if head == "" || tail == "" || utf8.RuneCountInString(tail) > 30 {
		return t
	}
	return head
}

func capRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for pos := range s {
		if i == n {
			return strings.TrimSpace(s[:pos])
		}
		i++
	}
	return s
}

// pagePublished tries, in order: article:published_time and similar
// metas, time[datetime] (main content first), JSON-LD datePublished, and
// a labelled date (发布时间:...) in the main content, then the page.
func pagePublished(doc *goquery.Document, main *goquery.Selection, zone *time.Location) time.Time {
	if t, ok := parsePublished(metaContent(doc, "article:published_time", "datePublished", "pubdate", "publishdate", "og:published_time"), zone); ok {
		return t
	}
	for _, s := range []*goquery.Selection{main, doc.Selection} {
		if t, ok := parsePublished(s.Find("time[datetime]").First().AttrOr("datetime", ""), zone); ok {
			return t
		}
	}
	if t, ok := jsonLDPublished(doc, zone); ok {
		return t
	}
	for _, s := range []*goquery.Selection{main, doc.Find("body")} {
		if t, ok := findPublishText(s.Text(), zone); ok {
			return t
		}
	}
	return time.Time{}
}

// jsonLDPublished is the first datePublished found in the page's JSON-LD
// scripts (also inside @graph and nested objects).
func jsonLDPublished(doc *goquery.Document, zone *time.Location) (time.Time, bool) {
	var t time.Time
	var ok bool
	doc.Find(`script[type="application/ld+json"]`).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		var v any
		if json.Unmarshal([]byte(s.Text()), &v) != nil {
			return true
		}
		if d := findKey(v, "datePublished", 0); d != "" {
			t, ok = parsePublished(d, zone)
		}
		return !ok
	})
	return t, ok
}

// findKey searches decoded JSON for a string-valued key, depth first.
func findKey(v any, key string, depth int) string {
	if depth > 32 {
		return ""
	}
	switch x := v.(type) {
	case map[string]any:
		if s, ok := x[key].(string); ok && s != "" {
			return s
		}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if s := findKey(x[k], key, depth+1); s != "" {
				return s
			}
		}
	case []any:
		for _, c := range x {
			if s := findKey(c, key, depth+1); s != "" {
				return s
			}
		}
	}
	return ""
}

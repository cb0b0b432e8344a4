package corpus

import (
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// fieldAliases are the <meta> keys and page links read for well-known own
// field names besides the name itself (name=NAME, property=article:NAME,
// property=og:NAME, itemprop=NAME).
var fieldAliases = map[string]struct {
	metas []string // further <meta> keys, every occurrence a value
	links string   // a selector of links whose texts are values
}{
	"tags":     {metas: []string{"keywords", "article:tag", "og:article:tag"}, links: `a[rel~="tag"]`},
	"tag":      {metas: []string{"keywords", "article:tag"}, links: `a[rel~="tag"]`},
	"keywords": {metas: []string{"article:tag"}},
	"category": {metas: []string{"article:section", "og:article:section"}, links: `a[rel~="category"]`},
	"section":  {metas: []string{"article:section"}},
	"author":   {metas: []string{"article:author", "og:article:author", "byl"}, links: `a[rel~="author"]`},
}

// htmlFields reads the declared own fields from a page: for each name,
// the <meta> tags of that name (and its aliases), else the page's
// tag/category/author links. Several values (a keywords list split at
// commas, several article:tag tags, several links) are joined with "\n",
// the separator of multi-valued fields; a field not declared is not read.
func htmlFields(doc *goquery.Document, types map[string]FieldType) map[string]string {
	if len(types) == 0 {
		return nil
	}
	metas := pageMetas(doc)
	var out map[string]string
	for name, t := range types {
		vals := metaValues(metas, name, t.Multi)
		if len(vals) == 0 {
			vals = linkValues(doc, fieldAliases[name].links)
		}
		if len(vals) == 0 {
			continue
		}
		if !t.Multi {
			vals = vals[:1]
		}
		if out == nil {
			out = map[string]string{}
		}
		out[name] = strings.Join(vals, "\n")
	}
	return cleanFields(out)
}

// pageMetas maps each <meta> key (property, name or itemprop) to its
// contents in page order: one walk over the page for all fields.
func pageMetas(doc *goquery.Document) map[string][]string {
	out := map[string][]string{}
	doc.Find("meta[content]").Each(func(_ int, s *goquery.Selection) {
		content := s.AttrOr("content", "")
		for _, attr := range []string{"property", "name", "itemprop"} {
			if k, ok := s.Attr(attr); ok && k != "" {
				k = strings.ToLower(strings.TrimSpace(k))
				out[k] = append(out[k], content)
			}
		}
	})
	return out
}

// metaValues collects the contents of the <meta> tags for name, in key
// order, without repeats; a multi field splits them at commas.
func metaValues(metas map[string][]string, name string, multi bool) []string {
	keys := append([]string{name, "article:" + name, "og:" + name}, fieldAliases[name].metas...)
	var vals []string
	seen := map[string]bool{}
	for _, k := range keys {
		for _, content := range metas[k] {
			for _, v := range splitValues(content, multi) {
				if !seen[v] {
					seen[v] = true
					vals = append(vals, v)
				}
			}
		}
	}
	return vals
}

// splitValues cleans a value and, for a multi field, splits it at ASCII
// and full-width commas and 、.
func splitValues(v string, multi bool) []string {
	v = cleanLine(v)
	if v == "" {
		return nil
	}
	if !multi {
		return []string{v}
	}
	var out []string
	for _, p := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// linkValues are the texts of the links sel picks, without repeats.
func linkValues(doc *goquery.Document, sel string) []string {
	if sel == "" {
		return nil
	}
	var vals []string
	seen := map[string]bool{}
	doc.Find(sel).Each(func(_ int, s *goquery.Selection) {
		if v := cleanLine(s.Text()); v != "" && !seen[v] {
			seen[v] = true
			vals = append(vals, v)
		}
	})
	return vals
}

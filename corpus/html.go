package corpus

import (
	"fmt"
	"net/url"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
)

// mainSelectors locate the main content, most specific first; the body
// is the fallback.
func mainSelectors() []string {
	return []string{
		"article", "[itemprop=articleBody]", "main", ".post-content", ".entry-content",
		".article-content", ".article-body", ".post-body", "#content", ".content", "body",
	}
}

// ParseHTML parses one HTML page into an article Document (see the
// package documentation for the rules). It sets Hash to HashBytes(data)
// and Source to opt.Source. Errors wrap ErrEmpty, ErrBinary or ErrEncoding.
func ParseHTML(data []byte, opt Options) (Document, error) {
	d, err := parseHTML(data, opt)
	if err != nil {
		return Document{}, fmt.Errorf("parse html %s: %w", opt.name(), err)
	}
	return d, nil
}

func parseHTML(data []byte, opt Options) (Document, error) {
	s, err := decodeHTML(data)
	if err != nil {
		return Document{}, err
	}
	root, err := parseTree(s)
	if err != nil {
		return Document{}, err
	}
	d := extract(root, opt)
	if d.Title == "" && d.Body == "" {
		return Document{}, ErrEmpty
	}
	if err := checkFields(d.Fields, opt.Fields); err != nil {
		return Document{}, err
	}
	d.Source, d.Hash = opt.Source, HashBytes(data)
	return d, nil
}

// extract builds the Document from the parsed page.
func extract(root *html.Node, opt Options) Document {
	doc := goquery.NewDocumentFromNode(root)
	d := Document{Kind: KindArticle, URL: pageURL(doc, opt), Title: pageTitle(doc)}
	blocks := relatedBlocks(root)
	skip := make(map[*html.Node]bool, len(blocks))
	for _, b := range blocks {
		skip[b] = true
	}
	main := mainContent(doc, skip)
	if main.Length() > 0 {
		d.Body, d.Headings = contentText(main.Get(0), skip, d.Title)
	}
	d.Related = relatedLinks(blocks, baseURL(doc, d.URL))
	d.Published = pagePublished(doc, main, opt.zone())
	d.ID = articleID(opt, d.URL, d.Title, d.Body)
	d.Fields = htmlFields(doc, opt.Fields)
	return d
}

// baseURL is the page URL, or <base href> resolved against it; nil when
// there is neither. Without an absolute page URL, links stay relative.
func baseURL(doc *goquery.Document, page string) *url.URL {
	base, _ := url.Parse(page)
	if href := cleanURL(doc.Find("base[href]").First().AttrOr("href", "")); href != "" {
		if b, err := url.Parse(href); err == nil {
			if base != nil {
				b = base.ResolveReference(b)
			}
			base = b
		}
	}
	if base == nil || base.String() == "" {
		return nil
	}
	return base
}

// mainContent is the match of the first selector that has text, not
// inside a related block; among several matches, the one with most text.
func mainContent(doc *goquery.Document, related map[*html.Node]bool) *goquery.Selection {
	for _, sel := range mainSelectors() {
		var best *html.Node
		bestLen := 0
		for _, n := range doc.Find(sel).Nodes {
			if insideAny(n, related) {
				continue
			}
			if l := len(nodeTextSkipping(n, related)); l > bestLen {
				best, bestLen = n, l
			}
		}
		if best != nil {
			return doc.FindNodes(best)
		}
	}
	return doc.Find("body")
}

// nodeTextSkipping is the text length measure used to compare candidates.
func nodeTextSkipping(n *html.Node, skip map[*html.Node]bool) string {
	body, _ := contentText(n, skip, "")
	return body
}

// insideAny reports whether n is one of set or inside one of them.
func insideAny(n *html.Node, set map[*html.Node]bool) bool {
	for p := n; p != nil; p = p.Parent {
		if set[p] {
			return true
		}
	}
	return false
}

package crawl

import (
	"bytes"
	"context"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/wensou/wensou/corpus"
)

// crawlLinks crawls from a start page breadth first, following links on
// the allowed hosts up to opt.Depth levels.
func (c *Crawler) crawlLinks(ctx context.Context, start Entry, first *page, sink Sink) error {
	seen := map[string]bool{start.Loc: true}
	level := []string{start.Loc}
	c.stats.do(func(s *Stats) { s.Listed++ })
	for depth := 0; len(level) > 0 && depth <= c.opt.Depth; depth++ {
		var next []string
		for _, u := range level {
			if err := ctx.Err(); err != nil {
				return err
			}
			body := c.visit(ctx, u, first, sink, depth == c.opt.Depth)
			first = nil
			if depth == c.opt.Depth {
				continue
			}
			for _, l := range pageLinks(body, u) {
				if !seen[l] && c.isAllowed(hostOf(l)) {
					seen[l] = true
					next = append(next, l)
					c.stats.do(func(s *Stats) { s.Listed++ })
				}
			}
		}
		level = next
	}
	return nil
}

// visit handles one page of a link crawl (first is the start page, already
// fetched) and returns its decoded body. Only a leaf (a page whose links
// are not followed) is asked for conditionally: a 304 has no links.
func (c *Crawler) visit(ctx context.Context, u string, first *page, sink Sink, leaf bool) []byte {
	if !c.robotsAllow(ctx, u) {
		c.stats.do(func(s *Stats) { s.SkippedRobots++ })
		return nil
	}
	p, err := first, error(nil)
	var prev corpus.CrawlState
	if leaf {
		prev = sink.Previous(u)
	}
	if p == nil {
		p, err = c.fetch(ctx, u, prev)
	}
	var body []byte
	if err == nil {
		body, err = c.emit(Entry{Loc: u}, p, sink)
	}
	c.failed(u, err, sink)
	return body
}

// pageLinks are the absolute http(s) links of an HTML page, without
// fragments.
func pageLinks(body []byte, base string) []string {
	b, err := url.Parse(base)
	if err != nil || body == nil {
		return nil
	}
	var out []string
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		if tt != html.StartTagToken {
			continue
		}
		t := z.Token()
		if t.DataAtom != atom.A {
			continue
		}
		for _, a := range t.Attr {
			if a.Key != "href" {
				continue
			}
			if r, err := b.Parse(strings.TrimSpace(a.Val)); err == nil && (r.Scheme == "http" || r.Scheme == "https") {
				r.Fragment = ""
				out = append(out, r.String())
			}
		}
	}
}

// metaNoindex reports a <meta name=robots|wensou content=...noindex...>
// in the page's head.
func metaNoindex(body []byte) bool {
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return false
		case html.EndTagToken:
			if t := z.Token(); t.DataAtom == atom.Head {
				return false
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			if t.DataAtom == atom.Body {
				return false
			}
			if t.DataAtom == atom.Meta && robotsMeta(t) {
				return true
			}
		}
	}
}

func robotsMeta(t html.Token) bool {
	var name, content string
	for _, a := range t.Attr {
		switch strings.ToLower(a.Key) {
		case "name":
			name = strings.ToLower(a.Val)
		case "content":
			content = a.Val
		}
	}
	return (name == "robots" || name == "wensou") && hasNoindex(content)
}

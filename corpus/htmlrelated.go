package corpus

import (
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// relatedHeadingRe matches the heading of a related-content list:
// 相关内容, 相关文章:, 相关阅读 ... and a few synonyms.
var relatedHeadingRe = regexp.MustCompile(`^(?:相关\S{0,4}|延伸阅读|推荐阅读|猜你喜欢)\s*[:：]?$`)

// relatedBlocks finds the related-content blocks of a page: the outermost
// elements whose class or id contains "related" and that hold links but
// not the h1, and the list that follows a 相关… heading (the heading is
// part of the block).
func relatedBlocks(root *html.Node) []*html.Node {
	var blocks []*html.Node
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if namedRelated(n) && hasLink(n) && !contains(n, atom.H1) {
				blocks = append(blocks, n)
				return
			}
			if isHeading(n.DataAtom) && n.DataAtom != atom.H1 {
				if list := headedList(n); list != nil {
					blocks = append(blocks, list...)
					return
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(root)
	return blocks
}

func namedRelated(n *html.Node) bool {
	for _, at := range n.Attr {
		if (at.Key == "class" || at.Key == "id") && len(at.Val) < 1024 &&
			strings.Contains(strings.ToLower(at.Val), "related") {
			return true
		}
	}
	return false
}

// headedList returns the heading and the link-holding siblings that follow
// it up to the next heading, when the heading reads 相关…. A heading alone
// in a wrapper (<div><h3>相关文章</h3></div><ul>…) uses the wrapper's
// siblings.
func headedList(h *html.Node) []*html.Node {
	if !relatedHeadingRe.MatchString(cleanLine(nodeText(h))) {
		return nil
	}
	start := h
	if p := h.Parent; p != nil && p.DataAtom != atom.Body && onlyElementChild(p, h) {
		start = p
	}
	nodes := []*html.Node{start}
	for s := start.NextSibling; s != nil; s = s.NextSibling {
		if s.Type != html.ElementNode {
			continue
		}
		if isHeading(s.DataAtom) || contains(s, atom.H1) {
			break
		}
		if hasLink(s) {
			nodes = append(nodes, s)
		}
	}
	if len(nodes) == 1 {
		return nil
	}
	return nodes
}

func onlyElementChild(p, c *html.Node) bool {
	for n := p.FirstChild; n != nil; n = n.NextSibling {
		if n.Type == html.ElementNode && n != c {
			return false
		}
	}
	return true
}

func hasLink(n *html.Node) bool { return contains(n, atom.A) }

// contains reports whether n has a descendant element a.
func contains(n *html.Node, a atom.Atom) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.DataAtom == a || contains(c, a)) {
			return true
		}
	}
	return false
}

// relatedLinks collects the links of the blocks in document order, with
// hrefs resolved against base; entries repeating an earlier one (same URL,
// or same normalised title when either has no URL) are dropped.
func relatedLinks(blocks []*html.Node, base *url.URL) []Link {
	var set linkSet
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.A {
			if l, ok := linkOf(n, base); ok {
				set.add(l)
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	for _, b := range blocks {
		visit(b)
	}
	return set.links
}

// linkSet keeps related entries in order without repeats: an entry
// repeats an earlier one with the same URL, or, when it has no URL, one
// with the same normalised title.
type linkSet struct {
	links  []Link
	seen   map[string]bool // "u:"+URL or "t:"+normalised title of kept entries
	titles map[string]bool // normalised titles of kept entries
}

func (s *linkSet) add(l Link) {
	if s.seen == nil {
		s.seen, s.titles = make(map[string]bool), make(map[string]bool)
	}
	t := NormalizeTitle(l.Title)
	key := "t:" + t
	if l.URL != "" {
		key = "u:" + l.URL
	}
	if t == "" || s.seen[key] || (l.URL == "" && s.titles[t]) {
		return
	}
	s.seen[key], s.titles[t] = true, true
	s.links = append(s.links, l)
}

// linkOf reads one <a>: its text (else its title attribute) and its href
// resolved against base. Links without text, and javascript:, mailto: and
// same-page links, are not entries.
func linkOf(a *html.Node, base *url.URL) (Link, bool) {
	title := capRunes(cleanLine(nodeText(a)), maxTitleRunes)
	href := ""
	for _, at := range a.Attr {
		switch at.Key {
		case "href":
			href = strings.TrimSpace(at.Val)
		case "title":
			if title == "" {
				title = capRunes(cleanLine(at.Val), maxTitleRunes)
			}
		}
	}
	if title == "" || strings.HasPrefix(href, "#") {
		return Link{}, false
	}
	u, ok := resolve(base, href)
	return Link{Title: title, URL: u}, ok
}

// resolve makes href absolute against base (when there is one) and drops
// its fragment. ok is false for links that lead nowhere useful.
func resolve(base *url.URL, href string) (string, bool) {
	if href == "" || len(href) > maxURLLen || !utf8.ValidString(href) {
		return "", true
	}
	u, err := url.Parse(href)
	if err != nil {
		return "", true
	}
	switch strings.ToLower(u.Scheme) {
	case "", "http", "https":
	default:
		return "", false
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String(), true
}

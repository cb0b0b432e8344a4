package corpus

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// publishPrefixRe matches a line that starts with a publish time; such
// lines are page furniture, not body text.
var publishPrefixRe = regexp.MustCompile(`^` + publishLabel + `\s*[:：]\s*` + datePattern)

// textWalker turns a subtree into lines of plain text and collects the
// h2–h6 headings met on the way.
type textWalker struct {
	skip     map[*html.Node]bool // subtrees to leave out (related blocks)
	root     *html.Node          // class/id rules do not apply to the root
	title    string              // normalised title: an h1 repeating it is left out
	content  bool                // leave out page furniture
	lines    []string
	headings []string
	cur      lineBuilder
	pre      int // depth of <pre> elements
}

// contentText returns the body text and headings of n.
func contentText(n *html.Node, skip map[*html.Node]bool, title string) (string, []string) {
	w := &textWalker{skip: skip, root: n, content: true, title: NormalizeTitle(title)}
	w.walk(n)
	w.flush()
	lines := w.lines[:0]
	for _, l := range w.lines {
		if !publishPrefixRe.MatchString(l) {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n"), w.headings
}

// nodeText is the text of n on one line, without markup-only content.
func nodeText(n *html.Node) string {
	w := &textWalker{root: n}
	w.walk(n)
	w.flush()
	return strings.Join(w.lines, " ")
}

func (w *textWalker) flush() {
	if !w.cur.empty() {
		w.lines = append(w.lines, w.cur.take())
	}
	w.cur.pending = false
}

func (w *textWalker) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode:
		w.element(n)
		return
	case html.DocumentNode:
		w.children(n)
	}
}

func (w *textWalker) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
}

func (w *textWalker) text(s string) {
	if w.pre == 0 {
		w.cur.write(s)
		return
	}
	for i, part := range strings.Split(s, "\n") {
		if i > 0 {
			w.flush()
		}
		w.cur.write(part)
	}
}

func (w *textWalker) element(n *html.Node) {
	if w.skipped(n) {
		return
	}
	a := n.DataAtom
	switch {
	case a == atom.Br:
		w.flush()
	case a == atom.Td || a == atom.Th:
		w.cur.pending = true
		w.children(n)
		w.cur.pending = true
	case isHeading(a):
		w.heading(n)
	case a == atom.Pre:
		w.flush()
		w.pre++
		w.children(n)
		w.pre--
		w.flush()
	case isBlock(a):
		w.flush()
		w.children(n)
		w.flush()
	default:
		w.children(n)
	}
}

func (w *textWalker) heading(n *html.Node) {
	w.flush()
	start := len(w.lines)
	w.children(n)
	w.flush()
	if n.DataAtom != atom.H1 && len(w.lines) > start {
		w.headings = append(w.headings, strings.Join(w.lines[start:], " "))
	}
}

func isHeading(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// skipped reports subtrees that are not content: scripts and other
// non-text elements, page furniture, hidden elements, related blocks.
func (w *textWalker) skipped(n *html.Node) bool {
	if w.skip[n] || isHidden(n) || (w.content && n.DataAtom == atom.H1 && w.isTitle(n)) {
		return true
	}
	switch strings.ToLower(n.Data) {
	case "script", "style", "noscript", "template", "iframe", "svg", "math", "textarea",
		"xmp", "plaintext", "noembed", "noframes", "title", "head", "object", "embed",
		"select", "button", "input", "form", "canvas", "audio", "video", "map", "dialog":
		return true
	case "nav", "header", "footer", "aside", "menu":
		return n != w.root
	}
	return n != w.root && w.content && isFurniture(n)
}

// isTitle reports an h1 that repeats the title (or is part of it).
func (w *textWalker) isTitle(h1 *html.Node) bool {
	t := NormalizeTitle(nodeText(h1))
	return t == "" || w.title == "" || strings.Contains(w.title, t) || strings.Contains(t, w.title)
}

// isHidden reports elements marked as not rendered.
func isHidden(n *html.Node) bool {
	for _, at := range n.Attr {
		switch strings.ToLower(at.Key) {
		case "hidden":
			return true
		case "aria-hidden":
			return strings.EqualFold(strings.TrimSpace(at.Val), "true")
		case "style":
			if len(at.Val) > 4096 {
				continue
			}
			st := strings.ToLower(strings.ReplaceAll(at.Val, " ", ""))
			if strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden") {
				return true
			}
		}
	}
	return false
}

// isFurniture reports blocks whose class or id names page furniture:
// meta lines (publish time, views), breadcrumbs, share and comment boxes.
func isFurniture(n *html.Node) bool {
	for _, at := range n.Attr {
		if at.Key != "class" && at.Key != "id" {
			continue
		}
		if len(at.Val) > 1024 {
			continue
		}
		v := strings.ToLower(at.Val)
		for _, w := range [...]string{"meta", "breadcrumb", "share", "comment", "pagination", "sidebar", "advert"} {
			if strings.Contains(v, w) {
				return true
			}
		}
	}
	return false
}

package corpus

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// parseTree parses decoded HTML. golang.org/x/net/html refuses documents
// nested deeper than 512 elements; those are flattened (tags below a depth
// limit dropped, their text kept) and parsed again.
func parseTree(s string) (*html.Node, error) {
	root, err := html.Parse(strings.NewReader(s))
	if err == nil {
		return root, nil
	}
	errs := []error{err}
	for _, limit := range []int{256, 32} {
		root, err = html.Parse(strings.NewReader(flattenDeep(s, limit)))
		if err == nil {
			return root, nil
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("html tree: %w", errors.Join(errs...))
}

// flattenDeep re-serialises the token stream of s, dropping start and end
// tags nested deeper than limit. A dropped block-level tag becomes <br> so
// that its text still starts a new line. Raw-text elements (script, style
// ...) are always kept, so their content never turns into text.
func flattenDeep(s string, limit int) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	b.Grow(len(s))
	depth := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.StartTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case isVoid(a) || isRawText(a):
				b.Write(z.Raw())
			case depth < limit:
				depth++
				b.Write(z.Raw())
			default:
				depth++
				if isBlock(a) {
					b.WriteString("<br>")
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case isVoid(a) || isRawText(a):
				b.Write(z.Raw())
			case depth <= limit:
				depth = max(depth-1, 0)
				b.Write(z.Raw())
			default:
				depth--
				if isBlock(a) {
					b.WriteString("<br>")
				}
			}
		default:
			b.Write(z.Raw())
		}
	}
}

func isVoid(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input,
		atom.Link, atom.Meta, atom.Source, atom.Track, atom.Wbr, atom.Param, atom.Keygen:
		return true
	}
	return false
}

// isRawText reports elements whose content the tokenizer reads as text.
func isRawText(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Textarea, atom.Title, atom.Xmp, atom.Iframe,
		atom.Noembed, atom.Noframes, atom.Noscript, atom.Plaintext:
		return true
	}
	return false
}

// isBlock reports elements that start and end a line of text.
func isBlock(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Body, atom.Caption,
		atom.Center, atom.Dd, atom.Details, atom.Dialog, atom.Div, atom.Dl, atom.Dt,
		atom.Fieldset, atom.Figcaption, atom.Figure, atom.Footer, atom.Form, atom.H1,
		atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Header, atom.Hgroup, atom.Hr,
		atom.Html, atom.Li, atom.Main, atom.Nav, atom.Ol, atom.P, atom.Pre, atom.Section,
		atom.Summary, atom.Table, atom.Tbody, atom.Tfoot, atom.Thead, atom.Tr, atom.Ul,
		atom.Br, atom.Menu, atom.Legend, atom.Option:
		return true
	}
	return false
}

package corpus

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	// sectionRe matches numbered section headings: 一、… 二．… 第三章 …
	sectionRe = regexp.MustCompile(`^(?:[一二三四五六七八九十百零〇]+[、．.]\S|第[一二三四五六七八九十百零〇\d]+[章节部分篇](?:$|[\s、：:]))`)
	// indentedItemRe is the marker of an indented numbered list item.
	indentedItemRe = regexp.MustCompile(`^\d{1,3}[.、)．]\s*`)
	// mdItemRe is a Markdown list or quote marker.
	mdItemRe = regexp.MustCompile(`^(?:[-*+]|\d{1,3}[.)]|>)\s+`)
	// mdHeadingRe is an ATX heading.
	mdHeadingRe = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*$`)
	// mdLinkRe is an inline link or image.
	mdLinkRe = regexp.MustCompile(`!?\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)`)
)

// ParseText parses a plain-text or Markdown article. Text layout: the
// first non-empty line is the title; a 发布时间: line gives Published; a
// repeat of the title before the body is dropped; numbered section lines
// (一、… 二、…) are headings and stay in the body; indented list numbers
// ("  1. ") are removed; after a 相关内容: line each non-empty line is one
// related title; "To Top" lines are ignored. Markdown (first line "# "):
// "## " headings, list markers and inline markup removed, and
// [text](url) entries in the 相关内容 section (URLs resolved against
// opt.URL). A leading YAML front matter block (--- … ---) gives the
// title, published (or date), url, id and the document's own fields
// (splitFrontMatter). Input that is not UTF-8 is decoded as GB18030 when that
// decodes without errors, else ErrEncoding.
func ParseText(data []byte, opt Options) (Document, error) {
	s, err := decodeText(data)
	if err != nil {
		return Document{}, fmt.Errorf("parse text %s: %w", opt.name(), err)
	}
	fm, s, hasFM, err := splitFrontMatter(s)
	if err != nil {
		return Document{}, fmt.Errorf("parse text %s: %w", opt.name(), err)
	}
	p := textParser{zone: opt, base: absURL(opt.URL)}
	if t := capRunes(cleanLine(fm.Title), maxTitleRunes); t != "" {
		// the front matter's title: the text is all body, Markdown as
		// such files are
		p.started, p.markdown, p.d.Title = true, true, t
	}
	for _, line := range splitLines(s) {
		p.line(line)
	}
	d := p.document(opt)
	if hasFM {
		if err := applyFrontMatter(&d, fm, opt); err != nil {
			return Document{}, fmt.Errorf("parse text %s: %w", opt.name(), err)
		}
	}
	if d.Title == "" && d.Body == "" {
		return Document{}, fmt.Errorf("parse text %s: %w", opt.name(), ErrEmpty)
	}
	d.Source, d.Hash = opt.Source, HashBytes(data)
	return d, nil
}

// absURL parses u when it is absolute.
func absURL(u string) *url.URL {
	b, err := url.Parse(cleanURL(u))
	if err != nil || !b.IsAbs() {
		return nil
	}
	return b
}

type textParser struct {
	zone      Options
	base      *url.URL
	markdown  bool
	started   bool // the first non-empty line was read
	inRelated bool
	d         Document
	body      []string
	related   linkSet
}

func (p *textParser) document(opt Options) Document {
	d := p.d
	d.Kind, d.URL = KindArticle, cleanURL(opt.URL)
	d.Body = strings.Join(p.body, "\n")
	d.Related = p.related.links
	d.ID = articleID(opt, d.URL, d.Title, d.Body)
	return d
}

func (p *textParser) line(raw string) {
	first, _ := utf8.DecodeRuneInString(raw)
	indented := unicode.IsSpace(first)
	line := cleanLine(raw)
	if line == "" || isToTop(line) || (p.markdown && strings.HasPrefix(line, "```")) {
		return
	}
	if !p.started {
		p.first(line)
		return
	}
	if p.d.Published.IsZero() && len(p.body) == 0 {
		if t, ok := publishLine(line, p.zone.zone()); ok {
			p.d.Published = t
			return
		}
	}
	level, text := p.heading(line)
	switch {
	case relatedHeadingRe.MatchString(text) && (!p.inRelated || endsWithColon(text)):
		// inside the section only a "…:" line is a heading again: a related
		// title may itself start with 相关 (相关政策解读)
		p.inRelated = true
	case p.inRelated && !(p.markdown && level > 0):
		p.relatedEntry(line)
	case len(p.body) == 0 && NormalizeTitle(text) == NormalizeTitle(p.d.Title):
		// the title repeated above the body
	default:
		p.inRelated = false
		p.bodyLine(line, text, level, indented)
	}
}

// first reads the first non-empty line: the title (a publish line before
// any title is taken as such).
func (p *textParser) first(line string) {
	p.started = true
	if t, ok := publishLine(line, p.zone.zone()); ok {
		p.d.Published = t
		p.started = false
		return
	}
	if m := mdHeadingRe.FindStringSubmatch(line); m != nil && m[1] == "#" {
		p.markdown = true
		line = m[2]
	}
	p.d.Title = capRunes(cleanLine(mdInline(line)), maxTitleRunes)
}

// heading returns the level of a Markdown heading (0 for other lines) and
// the line's text without the heading marker.
func (p *textParser) heading(line string) (int, string) {
	if !p.markdown {
		return 0, line
	}
	if m := mdHeadingRe.FindStringSubmatch(line); m != nil {
		return len(m[1]), cleanLine(mdInline(m[2]))
	}
	return 0, line
}

func (p *textParser) bodyLine(line, text string, level int, indented bool) {
	switch {
	case level > 0:
		line = text
	case p.markdown:
		line = cleanLine(mdInline(mdItemRe.ReplaceAllString(line, "")))
	case indented:
		line = indentedItemRe.ReplaceAllString(line, "")
	}
	if line == "" {
		return
	}
	if level > 0 || (!p.markdown && isSection(line)) {
		p.d.Headings = append(p.d.Headings, line)
	}
	p.body = append(p.body, line)
}

// relatedEntry reads one line of the related section: a title, or in
// Markdown a [title](url) link.
func (p *textParser) relatedEntry(line string) {
	line = mdItemRe.ReplaceAllString(line, "")
	if p.markdown {
		if m := mdLinkRe.FindStringSubmatch(line); m != nil && strings.TrimSpace(line) == m[0] {
			u, ok := resolve(p.base, m[2])
			if ok {
				p.related.add(Link{Title: capRunes(cleanLine(m[1]), maxTitleRunes), URL: u})
			}
			return
		}
		line = mdInline(line)
	}
	p.related.add(Link{Title: capRunes(cleanLine(line), maxTitleRunes)})
}

// mdInline removes inline Markdown: links and images keep their text;
// emphasis and code markers go.
func mdInline(s string) string {
	s = mdLinkRe.ReplaceAllString(s, "$1")
	return strings.NewReplacer("**", "", "__", "", "`", "").Replace(s)
}

func isToTop(line string) bool {
	switch strings.ToLower(line) {
	case "to top", "top", "返回顶部", "回到顶部":
		return true
	}
	return false
}

// isSection reports a numbered section heading of plain text: 一、… or
// 第二章 …, short and not ending like a sentence.
func isSection(line string) bool {
	return sectionRe.MatchString(line) && utf8.RuneCountInString(line) <= 40 &&
		!strings.HasSuffix(line, "。") && !strings.HasSuffix(line, "；")
}

func endsWithColon(s string) bool {
	return strings.HasSuffix(s, ":") || strings.HasSuffix(s, "：")
}

package corpus

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
)

// maxFrontMatter bounds the front matter block that is looked for.
const maxFrontMatter = 64 << 10

// splitFrontMatter cuts a leading YAML front matter block (a "---" line,
// YAML, a "---" or "..." line, as Hugo and Jekyll write it) off text. It
// returns the block's keys as a JSONInput (title, url, id, published or
// date; every other key an own field, read as JSON's are) and the rest of
// the text; ok false when text has no front matter.
func splitFrontMatter(text string) (in JSONInput, rest string, ok bool, err error) {
	first, body, found := strings.Cut(text, "\n")
	if !found || strings.TrimRight(first, " \r") != "---" {
		return in, text, false, nil
	}
	end, after := frontMatterEnd(body)
	if end < 0 {
		return in, text, false, nil
	}
	var m map[string]any
	if err := yaml.Unmarshal([]byte(body[:end]), &m); err != nil {
		return in, text, false, fmt.Errorf("%w: front matter: %s", ErrMalformed, firstLine(err.Error()))
	}
	if d, ok := m["date"]; ok && m["published"] == nil {
		m["published"] = d
		delete(m, "date")
	}
	for _, k := range []string{"body", "related", "headings", "kind"} {
		delete(m, k) // the text itself says these
	}
	b, err := json.Marshal(m)
	if err != nil {
		return in, text, false, fmt.Errorf("%w: front matter: %w", ErrMalformed, err)
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return in, text, false, fmt.Errorf("%w: front matter: %s", ErrMalformed, firstLine(err.Error()))
	}
	return in, body[after:], true, nil
}

// frontMatterEnd finds the closing line of a front matter block in body:
// the end of the YAML and where the text after the closing line starts;
// -1 when there is none within maxFrontMatter bytes.
func frontMatterEnd(body string) (end, after int) {
	for at := 0; at < len(body) && at <= maxFrontMatter; {
		line, _, more := strings.Cut(body[at:], "\n")
		if l := strings.TrimRight(line, " \r"); l == "---" || l == "..." {
			if !more {
				return at, len(body)
			}
			return at, at + len(line) + 1
		}
		if !more {
			break
		}
		at += len(line) + 1
	}
	return -1, 0
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return capRunes(line, 200)
}

// applyFrontMatter sets what the front matter says on the document parsed
// from the text after it (whose title it already gave: ParseText): its
// published time, URL and id win over the text's (opt.URL and opt.ID over
// both), and its other keys are the document's own fields.
func applyFrontMatter(d *Document, in JSONInput, opt Options) error {
	if p := strings.TrimSpace(in.Published); p != "" {
		t, ok := parseDate(p, opt.zone())
		if !ok {
			return fmt.Errorf("%w: front matter published %q is not a date", ErrMalformed, capRunes(p, 64))
		}
		if err := CheckPublished(t); err != nil {
			return fmt.Errorf("%w: front matter published %q: %w", ErrMalformed, capRunes(p, 64), err)
		}
		d.Published = t
	}
	if d.URL == "" {
		d.URL = cleanURL(in.URL)
	}
	d.Fields = cleanFields(in.Fields)
	if err := checkFields(d.Fields, opt.Fields); err != nil {
		return err
	}
	if id := cleanLine(in.ID); id != "" && opt.ID == "" {
		if err := CheckID(id); err != nil {
			return fmt.Errorf("%w: front matter: %w", ErrMalformed, err)
		}
		d.ID = id
	} else {
		d.ID = articleID(opt, d.URL, d.Title, d.Body)
	}
	return nil
}

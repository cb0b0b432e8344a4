package corpus

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// JSONInput is the JSON shape of one document, as read by DecodeJSON and
// JSONLReader (and accepted by POST /api/docs). Unknown fields (author
// ...) are ignored. Document marshals to a shape it reads back.
//
//	{"id": "a1", "url": "https://…", "title": "…", "body": "…",
//	 "published": "2025-06-22 16:15:29", "headings": ["…"],
//	 "related": [{"title": "…", "url": "/article/2.html"}, "title only"],
//	 "kind": "article"}
type JSONInput struct {
	ID        string         `json:"id"` // a JSON number is accepted too
	Kind      Kind           `json:"kind"`
	URL       string         `json:"url"`
	Title     string         `json:"title"`
	Body      string         `json:"body"`
	Headings  []string       `json:"headings"`
	Published string         `json:"published"` // RFC 3339, "2006-01-02 15:04:05" or "2006-01-02"
	Related   []RelatedInput `json:"related"`
}

// RelatedInput is one related entry: a {"title","url"} object or a plain
// title string.
type RelatedInput Link

// UnmarshalJSON accepts an object or a string.
func (r *RelatedInput) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		*r = RelatedInput{}
		return json.Unmarshal(b, &r.Title)
	}
	var l Link
	if err := json.Unmarshal(b, &l); err != nil {
		return err
	}
	*r = RelatedInput(l)
	return nil
}

// UnmarshalJSON decodes the object, accepting a number as id.
func (in *JSONInput) UnmarshalJSON(b []byte) error {
	type plain JSONInput // without this method
	var aux struct {
		plain
		ID flexString `json:"id"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*in = JSONInput(aux.plain)
	in.ID = string(aux.ID)
	return nil
}

// flexString is a JSON string that also accepts a number (an id of 42).
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] != '"' && !bytes.Equal(b, []byte("null")) {
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*f = flexString(n)
		return nil
	}
	var s string
	err := json.Unmarshal(b, &s)
	*f = flexString(s)
	return err
}

// DecodeJSON decodes one JSON object (JSONInput) into a Document; trailing
// data other than white space is an error. Hash is HashBytes(data).
func DecodeJSON(data []byte, opt Options) (Document, error) {
	d, err := decodeJSON(data, opt)
	if err != nil {
		return Document{}, fmt.Errorf("decode json %s: %w", opt.name(), err)
	}
	return d, nil
}

func decodeJSON(data []byte, opt Options) (Document, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var in JSONInput
	if err := dec.Decode(&in); err != nil {
		return Document{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Document{}, fmt.Errorf("%w: data after the object", ErrMalformed)
	}
	d, err := in.Document(opt)
	if err != nil {
		return Document{}, err
	}
	d.Hash = HashBytes(data)
	return d, nil
}

// Document validates and cleans the input: kind article (default) or
// related; text cleaned as the parsers do; related URLs resolved against
// the document URL; ID from the input, opt.ID, or derived. Source is
// opt.Source; Hash is left empty.
func (in JSONInput) Document(opt Options) (Document, error) {
	d := Document{
		ID:       cleanLine(in.ID),
		Kind:     in.Kind,
		URL:      cleanURL(in.URL),
		Title:    capRunes(cleanLine(in.Title), maxTitleRunes),
		Body:     cleanBlock(in.Body),
		Headings: cleanList(in.Headings),
		Source:   opt.Source,
	}
	switch d.Kind {
	case "":
		d.Kind = KindArticle
	case KindArticle, KindRelated:
	default:
		return Document{}, fmt.Errorf("%w: kind %q", ErrMalformed, capRunes(string(in.Kind), 32))
	}
	if d.URL == "" {
		d.URL = cleanURL(opt.URL)
	}
	if d.Title == "" && d.Body == "" {
		return Document{}, ErrEmpty
	}
	if p := strings.TrimSpace(in.Published); p != "" {
		t, ok := parseDate(p, opt.zone())
		if !ok {
			return Document{}, fmt.Errorf("%w: published %q is not a date", ErrMalformed, capRunes(p, 64))
		}
		if err := CheckPublished(t); err != nil {
			return Document{}, fmt.Errorf("%w: published %q: %w", ErrMalformed, capRunes(p, 64), err)
		}
		d.Published = t
	}
	d.Related = in.related(absURL(d.URL))
	d.ID = in.id(d, opt)
	if err := CheckID(d.ID); err != nil {
		return Document{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return d, nil
}

func (in JSONInput) related(base *url.URL) []Link {
	var set linkSet
	for _, r := range in.Related {
		if u, ok := resolve(base, strings.TrimSpace(r.URL)); ok {
			set.add(Link{Title: capRunes(cleanLine(r.Title), maxTitleRunes), URL: u})
		}
	}
	return set.links
}

func (in JSONInput) id(d Document, opt Options) string {
	switch {
	case d.ID != "":
		return d.ID
	case d.Kind == KindRelated && opt.ID == "":
		return relatedID(Link{Title: d.Title, URL: d.URL})
	}
	return articleID(opt, d.URL, d.Title, d.Body)
}

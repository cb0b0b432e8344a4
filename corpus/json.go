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
	// Fields are the object's other top-level keys with a string, number
	// or boolean value, or an array of strings (joined by newlines): the
	// document's own fields (the poetry corpus's author), kept and indexed
	// (see Document.Fields). Keys are lower-cased; other values are ignored.
	Fields map[string]string `json:"-"`
}

// knownKeys are the JSONInput keys that are not Fields.
var knownKeys = map[string]bool{"id": true, "kind": true, "url": true, "title": true, "body": true,
	"headings": true, "published": true, "related": true, "hash": true, "source": true}

// Bounds of a document's own fields.
const (
	MaxFields     = 32   // fields kept per document
	maxFieldName  = 32   // bytes of a field name
	maxFieldRunes = 4096 // characters of a field value
)

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
	fields, err := extraFields(b)
	in.Fields = fields
	return err
}

// extraFields collects the object's keys that are not JSONInput's own.
func extraFields(b []byte) (map[string]string, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, err
	}
	var out map[string]string
	var nested map[string]string // "fields": {…}, as Document marshals them
	if raw, ok := all["fields"]; ok {
		_ = json.Unmarshal(raw, &nested) // not an object of strings: ignored
		delete(all, "fields")
	}
	for k, v := range nested {
		all[k], _ = json.Marshal(v)
	}
	for k, raw := range all {
		name := strings.ToLower(k)
		if knownKeys[name] || !validFieldName(name) || len(out) >= MaxFields {
			continue
		}
		if v, ok := fieldValue(raw); ok {
			if out == nil {
				out = map[string]string{}
			}
			out[name] = v
		}
	}
	return out, nil
}

// validFieldName accepts names of letters, digits and _ (at most
// maxFieldName bytes).
func validFieldName(name string) bool {
	if name == "" || len(name) > maxFieldName {
		return false
	}
	for _, r := range name {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// fieldValue renders a field's JSON value as text; ok false for null,
// objects and arrays of anything but strings.
func fieldValue(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", false
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return "", false
		}
		return s, true
	case '[':
		var ss []string
		if json.Unmarshal(raw, &ss) != nil {
			return "", false
		}
		return strings.Join(ss, "\n"), true
	case '{', 'n':
		return "", false
	}
	return string(raw), true // a number or a boolean, as written
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
	d.Fields = cleanFields(in.Fields)
	if err := checkFields(d.Fields, opt.Fields); err != nil {
		return Document{}, err
	}
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

// cleanFields cleans field values as titles are cleaned, capped; empty
// values are dropped.
func cleanFields(in map[string]string) map[string]string {
	var out map[string]string
	for k, v := range in {
		if v = capRunes(cleanBlock(v), maxFieldRunes); v != "" {
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out
}

package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/httpapi"
	"github.com/wensou/wensou/search"
)

// DefaultIndex is the name of the index the server's own routes (/api/…)
// serve: the one of --index DIR.
const DefaultIndex = "default"

// ScopedKey is a key that admits to one index only (Config.Keys).
type ScopedKey struct {
	Key   string `yaml:"key" json:"key" secret:"true"`
	Index string `yaml:"index" json:"index"` // "default" or a named index
	Role  string `yaml:"role" json:"role"`   // search (the default: reads) or admin (reads, writes, reindex)
}

// scopedKeys are c.Keys as the HTTP service checks them.
func (c Config) scopedKeys() []httpapi.ScopedKey {
	if len(c.Keys) == 0 {
		return nil
	}
	out := make([]httpapi.ScopedKey, len(c.Keys))
	for i, k := range c.Keys {
		out[i] = httpapi.ScopedKey{Key: k.Key, Index: k.Index, Admin: k.Role == "admin"}
	}
	return out
}

// checkScopedKeys validates keys: each names an index and a role, and no
// key is given twice or is also a server-wide key.
func (c Config) checkScopedKeys(p *problems) {
	seen := map[string]bool{c.AdminKey: c.AdminKey != "", c.SearchKey: c.SearchKey != ""}
	for i, k := range c.Keys {
		switch {
		case k.Key == "":
			p.bad("keys[%d].key: empty", i)
		case strings.ContainsAny(k.Key, " \t\r\n"):
			p.bad("keys[%d].key: contains whitespace", i)
		case seen[k.Key]:
			p.bad("keys[%d].key: given twice (or also admin_key/search_key)", i)
		case len(k.Key) < minKeyLen:
			p.warn("keys[%d].key is shorter than %d characters: easy to guess", i, minKeyLen)
		}
		seen[k.Key] = k.Key != ""
		if k.Index != DefaultIndex {
			if err := ValidIndexName(k.Index); err != nil {
				p.bad("keys[%d].index: %v", i, err)
			}
		}
		switch k.Role {
		case "", "search", "admin":
		default:
			p.bad("keys[%d].role %q: search or admin", i, k.Role)
		}
	}
}

// maxIndexName bounds a named index's name.
const maxIndexName = 64

// ValidIndexName checks a named index's name: 1 to 64 lower-case ASCII
// letters, digits, '-' and '_', starting with a letter or digit, and not
// "default" (the server's own index). It is a directory name under the
// data directory, so nothing else is allowed.
func ValidIndexName(name string) error {
	if name == DefaultIndex {
		return errors.New(`"default" is the server's own index`)
	}
	if name == "" || len(name) > maxIndexName {
		return fmt.Errorf("index name %q: 1 to %d characters", name, maxIndexName)
	}
	for i, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || i > 0 && (r == '-' || r == '_')
		if !ok {
			return fmt.Errorf("index name %q: lower-case letters, digits, - and _ only, starting with a letter or digit", name)
		}
	}
	return nil
}

// IndexSettings are a named index's settings: the body of
// PUT /api/indexes/{name}, kept as DIR/indexes/NAME/settings.json. The
// zero value is an index shaped like the default one, with the embedded
// dictionaries.
type IndexSettings struct {
	// Fields declares the documents' own fields, as Config.Fields.
	Fields []Field `json:"fields,omitempty"`
	// Weights of the fixed fields; zero means the default.
	Weights IndexWeights `json:"weights,omitzero"`
	// Dictionary holds user dictionary entries, "word [freq [pos]]"
	// each, added to the embedded dictionary.
	Dictionary []string `json:"dictionary,omitempty"`
	// Synonyms holds synonym groups, words separated by / or , ("注销/销户");
	// none: the embedded synonyms.
	Synonyms []string `json:"synonyms,omitempty"`
	// StopWords are the query stop words; none: the embedded list.
	StopWords []string `json:"stop_words,omitempty"`
	// Sources are what the index's reindex job reads: http(s) URLs, or
	// paths under one of the server's own sources.
	Sources []string `json:"sources,omitempty"`
}

// IndexWeights weigh the fixed fields of a named index.
type IndexWeights struct {
	Title    float64 `json:"title,omitempty"`
	Headings float64 `json:"headings,omitempty"`
	Body     float64 `json:"body,omitempty"`
}

// Limits of IndexSettings.
const (
	maxSettingsLines = 100000 // dictionary, synonym and stop-word entries each
	maxSettingsLine  = 1000   // bytes of one entry
	maxSources       = 100
)

// ParseIndexSettings reads settings strictly: one JSON object, no
// unknown keys, then Validate.
func ParseIndexSettings(b []byte) (IndexSettings, error) {
	var s IndexSettings
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, fmt.Errorf("settings: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return s, errors.New("settings: one JSON object only")
	}
	return s, s.Validate()
}

// Validate reports every problem of s at once.
func (s IndexSettings) Validate() error {
	var p problems
	Config{Fields: s.Fields}.checkFields(&p)
	for _, w := range []struct {
		name string
		v    float64
	}{{"title", s.Weights.Title}, {"headings", s.Weights.Headings}, {"body", s.Weights.Body}} {
		if w.v < 0 || w.v > 100 {
			p.bad("weights.%s %v: between 0 (default) and 100", w.name, w.v)
		}
	}
	checkLines(&p, "dictionary", s.Dictionary)
	checkLines(&p, "synonyms", s.Synonyms)
	checkLines(&p, "stop_words", s.StopWords)
	if len(s.Sources) > maxSources {
		p.bad("sources: %d, at most %d", len(s.Sources), maxSources)
	}
	for i, src := range s.Sources {
		if strings.TrimSpace(src) == "" || strings.ContainsFunc(src, unicode.IsControl) {
			p.bad("sources[%d]: empty or holding control characters", i)
		} else if u, err := url.Parse(src); err == nil && u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" && len(u.Scheme) > 1 {
			p.bad("sources[%d] %q: http(s) URLs or paths only", i, src)
		}
	}
	return errors.Join(p.errs...)
}

// checkLines checks the entries of a dictionary list: each one line of
// valid UTF-8 without control characters, bounded in length and count.
func checkLines(p *problems, key string, lines []string) {
	if len(lines) > maxSettingsLines {
		p.bad("%s: %d entries, at most %d", key, len(lines), maxSettingsLines)
		return
	}
	for i, l := range lines {
		switch {
		case strings.TrimSpace(l) == "":
			p.bad("%s[%d]: empty", key, i)
		case len(l) > maxSettingsLine:
			p.bad("%s[%d]: %d bytes, at most %d", key, i, len(l), maxSettingsLine)
		case !utf8.ValidString(l) || strings.ContainsFunc(l, unicode.IsControl):
			p.bad("%s[%d]: not one line of text", key, i)
		}
	}
}

// DictionaryFiles are the files the index's analysis reads, by name
// (segment.Config's UserDict, Synonyms, StopWords), one entry per line;
// a list that is empty has no file (the embedded default).
func (s IndexSettings) DictionaryFiles() map[string]string {
	out := map[string]string{}
	for name, lines := range map[string][]string{UserDictFile: s.Dictionary, SynonymsFile: s.Synonyms, StopWordsFile: s.StopWords} {
		if len(lines) > 0 {
			out[name] = strings.Join(lines, "\n") + "\n"
		}
	}
	return out
}

// The dictionary files of a named index, in its directory.
const (
	UserDictFile  = "user_dict.txt"
	SynonymsFile  = "synonyms.txt"
	StopWordsFile = "stop_words.txt"
)

// Search is the engine's configuration of the index: base (the server's
// limits and cache) with the index's fields and weights.
func (s IndexSettings) Search(base search.Config) search.Config {
	c := Config{Fields: s.Fields}
	base.FieldWeights, base.Fields = c.fieldWeights(), c.fieldSpecs()
	base.Weights.Title, base.Weights.Headings, base.Weights.Body = s.Weights.Title, s.Weights.Headings, s.Weights.Body
	return base
}

// FieldTypes are the declared fields' types documents are checked against.
func (s IndexSettings) FieldTypes() map[string]corpus.FieldType {
	return Config{Fields: s.Fields}.FieldTypes()
}

// FacetFields are the declared fields with facet: true, in order.
func (s IndexSettings) FacetFields() []string { return Config{Fields: s.Fields}.facetFields() }

package indexer

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blugelabs/bluge"
	"github.com/blugelabs/bluge/analysis"

	"github.com/wensou/wensou/corpus"
)

// Field names of the index schema. The search package queries them by these
// names; word fields and bigram fields of the same text share offsets, so a
// match in either highlights the stored text.
const (
	FieldID            = "_id"
	FieldKind          = "kind"
	FieldURL           = "url"
	FieldTitle         = "title"
	FieldTitleBigram   = "title_bg"
	FieldTitlePinyin   = "title_py"
	FieldHeadings      = "headings"
	FieldHeadingBigram = "headings_bg"
	FieldBody          = "body"
	FieldBodyBigram    = "body_bg"
	FieldBodyBlocks    = "body_blocks"  // a body over BlockedBody bytes, stored in place of FieldBody (blocks.go)
	FieldPublished     = "published"    // DateTime, sortable, not stored
	FieldPublishedText = "published_at" // RFC 3339 with the original zone, stored
	FieldMonth         = "month"        // "2006-01", keyword for facets
	FieldSource        = "source"
	FieldHash          = "hash"
	FieldRelated       = "related"       // JSON of []corpus.Link, stored only
	FieldOrigin        = "origin"        // "api" for documents pushed over HTTP; absent for sources
	FieldETag          = "crawl_etag"    // a crawled page's ETag, stored only
	FieldLastModified  = "crawl_lastmod" // its Last-Modified, stored only
	FieldSitemap       = "crawl_sitemap" // the sitemap that listed it, stored only
	FieldTitleKey      = "title_key"     // corpus.NormalizeTitle(title), keyword: finds related entries by title
	FieldTitlePrefix   = "title_pre"     // Analyzers.TitlePrefixes of the title: suggestions, one term per typed text
	FieldForm          = "form"          // the duplicate check's content key of an article without related entries, stored only (known.go)
)

// FieldOwnPrefix starts the index fields of a document's own fields
// (corpus.Document.Fields): OwnFields("author") = "f.author" (its words,
// stored) and "f.author.bg" (its bigrams, with positions), analysed like
// the title and the body. Search looks for query words in them at the
// weights of search.Config.FieldWeights.
const FieldOwnPrefix = "f."

// OwnFields returns the word and bigram field names of the own field name.
func OwnFields(name string) (words, bigrams string) {
	return FieldOwnPrefix + name, FieldOwnPrefix + name + ownBigramSuffix
}

// ownBigramSuffix ends the bigram field of an own field; a field name
// never holds a '.', so no own field's words can end with it.
const ownBigramSuffix = ".bg"

// IsOwnWords reports whether an index field holds an own field's words,
// and which.
func IsOwnWords(field string) (string, bool) {
	name, ok := strings.CutPrefix(field, FieldOwnPrefix)
	return name, ok && !strings.Contains(name, ".")
}

// OwnExact is the exact field of own field name ("f.author.kw"): each of
// its values (one per line, an array's elements) as one keyword term, for
// filters and facets.
func OwnExact(name string) string { return FieldOwnPrefix + name + ".kw" }

// OwnNumber is the numeric field of own field name ("f.price.num"),
// sortable: the value as a number, or a date as Unix seconds (OwnValue).
func OwnNumber(name string) string { return FieldOwnPrefix + name + ".num" }

// OwnValue reads one own field value as a number: a decimal number, or a
// date (RFC 3339, "2006-01-02 15:04:05", "2006-01-02"; in corpus's default
// zone when it has none) as Unix seconds. ok false for anything else.
func OwnValue(v string) (n float64, isDate, ok bool) {
	v = strings.TrimSpace(v)
	if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
		return f, false, true
	}
	if t, ok := corpus.ParseDate(v); ok {
		return float64(t.Unix()), true, true
	}
	return 0, false, false
}

// addOwnExact indexes an own field's values as exact terms and, when it
// holds one number or date, as a sortable number.
func addOwnExact(doc *bluge.Document, name, value string) {
	for _, v := range strings.Split(value, "\n") {
		if v = strings.TrimSpace(v); v != "" {
			doc.AddField(bluge.NewKeywordField(OwnExact(name), v))
		}
	}
	if strings.Contains(value, "\n") {
		return
	}
	if n, _, ok := OwnValue(value); ok {
		doc.AddField(bluge.NewNumericField(OwnNumber(name), n).Sortable())
	}
}

// OriginAPI marks documents pushed through the API: they are carried over
// into every new generation, so a rebuild from files keeps them.
const OriginAPI = "api"

// Analyzers is what the schema needs from the analysis step.
type Analyzers interface {
	IndexWords() *analysis.Analyzer
	Bigrams() *analysis.Analyzer
	Pinyin() *analysis.Analyzer
	TitlePrefixes() *analysis.Analyzer
}

// MaxAnalyzedBytes caps the body text one document gets analysed: a body
// beyond it is stored whole but searchable (and highlighted) in its first
// MaxAnalyzedBytes only, cut after the last line end before the cap (else
// the last whole character). It bounds the memory and time of one
// document whatever its size; a push answers which documents it cut.
const MaxAnalyzedBytes = 4 << 20

// Analysed is the part of body that is analysed (MaxAnalyzedBytes).
func Analysed(body string) string {
	if len(body) <= MaxAnalyzedBytes {
		return body
	}
	cut := body[:MaxAnalyzedBytes]
	if i := strings.LastIndexByte(cut, '\n'); i > MaxAnalyzedBytes/2 {
		return cut[:i]
	}
	for i := len(cut); i > len(cut)-utf8.UTFMax && i > 0; i-- {
		if utf8.RuneStart(body[i]) {
			return body[:i]
		}
	}
	return cut
}

// headingSep joins headings in the stored headings field.
const headingSep = "\n"

// NewDocument maps a corpus document to a bluge document.
func NewDocument(d corpus.Document, a Analyzers) (*bluge.Document, error) {
	return newDocument(d, a, "")
}

func newDocument(d corpus.Document, a Analyzers, origin string) (*bluge.Document, error) {
	if d.ID == "" {
		return nil, fmt.Errorf("document without id (title %q)", d.Title)
	}
	doc := bluge.NewDocument(d.ID)
	addText(doc, FieldTitle, FieldTitleBigram, d.Title, a, true)
	doc.AddField(bluge.NewTextField(FieldTitlePinyin, d.Title).WithAnalyzer(a.Pinyin()))
	doc.AddField(bluge.NewTextField(FieldTitlePrefix, d.Title).WithAnalyzer(a.TitlePrefixes()))
	addText(doc, FieldHeadings, FieldHeadingBigram, strings.Join(d.Headings, headingSep), a, true)
	addText(doc, FieldBody, FieldBodyBigram, Analysed(d.Body), a, len(d.Body) <= BlockedBody)
	if len(d.Body) > BlockedBody {
		doc.AddField(bluge.NewStoredOnlyField(FieldBodyBlocks, EncodeBlocks(d.Body)))
	}
	doc.AddField(bluge.NewKeywordField(FieldKind, string(d.Kind)).StoreValue().Aggregatable())
	if d.URL != "" {
		doc.AddField(bluge.NewKeywordField(FieldURL, d.URL).StoreValue())
	}
	doc.AddField(bluge.NewKeywordField(FieldTitleKey, corpus.NormalizeTitle(d.Title)))
	addStored(doc, FieldSource, d.Source)
	addStored(doc, FieldHash, d.Hash)
	if hasForm(d) {
		addStored(doc, FieldForm, formKey(d))
	}
	addStored(doc, FieldETag, d.Crawl.ETag)
	addStored(doc, FieldLastModified, d.Crawl.LastModified)
	addStored(doc, FieldSitemap, d.Crawl.Sitemap)
	if err := addRelated(doc, d.Related); err != nil {
		return nil, fmt.Errorf("document %s: %w", d.ID, err)
	}
	addPublished(doc, d.Published)
	for _, name := range slices.Sorted(maps.Keys(d.Fields)) {
		words, bigrams := OwnFields(name)
		addText(doc, words, bigrams, d.Fields[name], a, true)
		addOwnExact(doc, name, d.Fields[name])
	}
	if origin != "" {
		doc.AddField(bluge.NewKeywordField(FieldOrigin, origin).StoreValue())
	}
	return doc, nil
}

// addText adds a text as its word field (stored; frequencies and norms
// only: scoring whole words needs no positions) and its bigram field (with
// positions and offsets: phrases, containment and highlighting read them).
func addText(doc *bluge.Document, words, bigrams, text string, a Analyzers, store bool) {
	if text == "" {
		return
	}
	f := bluge.NewTextField(words, text).WithAnalyzer(a.IndexWords())
	if store {
		f.StoreValue()
	}
	doc.AddField(f)
	doc.AddField(bluge.NewTextField(bigrams, text).WithAnalyzer(a.Bigrams()).SearchTermPositions().HighlightMatches())
}

func addStored(doc *bluge.Document, field, value string) {
	if value != "" {
		doc.AddField(bluge.NewStoredOnlyField(field, []byte(value)))
	}
}

func addRelated(doc *bluge.Document, links []corpus.Link) error {
	if len(links) == 0 {
		return nil
	}
	b, err := json.Marshal(links)
	if err != nil {
		return fmt.Errorf("encode related links: %w", err)
	}
	doc.AddField(bluge.NewStoredOnlyField(FieldRelated, b))
	return nil
}

// addPublished indexes the publish time. A time the index cannot hold
// (corpus.CheckPublished: only a document stored before that check
// existed can carry one) is left out, so the document is undated rather
// than sorted and filtered wrongly; the writes of new documents refuse
// such times (Writable.Put).
func addPublished(doc *bluge.Document, t time.Time) {
	if t.IsZero() || corpus.CheckPublished(t) != nil {
		return
	}
	doc.AddField(bluge.NewDateTimeField(FieldPublished, t))
	doc.AddField(bluge.NewStoredOnlyField(FieldPublishedText, []byte(t.Format(time.RFC3339))))
	doc.AddField(bluge.NewKeywordField(FieldMonth, t.Format("2006-01")).Aggregatable())
}

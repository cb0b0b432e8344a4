package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Kind says what a Document is: a full article of the site, or an entry
// of an article's related-content list that is known only by title and URL.
type Kind string

// The two kinds of document.
const (
	KindArticle Kind = "article"
	KindRelated Kind = "related"
)

// Link is one entry of an article's related-content block.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url,omitempty"`
}

// Document is the unit wensou indexes and returns.
//
// Body is plain text (no markup). Published is the zero time when the
// source gave no publish time. Source and Hash say where the document came
// from and the SHA-256 of the bytes it was parsed from; both are empty for
// documents pushed over the API without a source.
type Document struct {
	ID        string    `json:"id"`
	Kind      Kind      `json:"kind"`
	URL       string    `json:"url,omitempty"`
	Title     string    `json:"title"`
	Body      string    `json:"body,omitempty"`
	Headings  []string  `json:"headings,omitempty"`
	Published time.Time `json:"published,omitzero"`
	Related   []Link    `json:"related,omitempty"`
	Source    string    `json:"source,omitempty"`
	Hash      string    `json:"hash,omitempty"`
	// Fields are the document's own fields beyond these (a poem's author),
	// by lower-case name: from JSON and JSONL sources and pushes.
	Fields map[string]string `json:"fields,omitempty"`
	// Crawl is what a crawl learnt of the page (empty for other sources):
	// stored with the document, so the next run can ask for it
	// conditionally and keep what a failing sitemap listed.
	Crawl CrawlState `json:"crawl,omitzero"`
	// Unread marks a source document the reader recognised, by its Hash,
	// as one the index holds unchanged, and did not decode: only ID, Kind,
	// URL, Title, Source, Hash and the names of Fields are set. The
	// indexer keeps its indexed version; it never writes an Unread
	// document.
	Unread bool `json:"-"`
}

// CrawlState is a crawled page's HTTP validators and the sitemap that
// listed it.
type CrawlState struct {
	ETag         string `json:"etag,omitempty"`          // the response's ETag
	LastModified string `json:"last_modified,omitempty"` // its Last-Modified, as sent
	Sitemap      string `json:"sitemap,omitempty"`       // the sitemap (child of an index) that listed the page
}

// HashBytes returns the hex SHA-256 of b, the form of Document.Hash.
func HashBytes(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

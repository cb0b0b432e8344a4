package indexer

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	segapi "github.com/blugelabs/bluge_segment_api"

	"github.com/wensou/wensou/corpus"
)

// StoredVisitor is satisfied by bluge readers' and matches' stored-field
// visiting, so documents can be rebuilt from either.
type StoredVisitor func(visitor segapi.StoredFieldVisitor) error

// LoadDocument rebuilds the corpus document from its stored fields. The index
// is the raw document store: a rebuild re-analyses what this returns.
func LoadDocument(visit StoredVisitor) (corpus.Document, error) {
	var d corpus.Document
	var err error
	verr := visit(func(field string, value []byte) bool {
		err = setStored(&d, field, value)
		return err == nil
	})
	if verr != nil {
		return d, fmt.Errorf("visit stored fields: %w", verr)
	}
	if err != nil {
		return d, fmt.Errorf("stored document %s: %w", d.ID, err)
	}
	return d, nil
}

func setStored(d *corpus.Document, field string, value []byte) error {
	s := string(value)
	switch field {
	case FieldID:
		d.ID = s
	case FieldKind:
		d.Kind = corpus.Kind(s)
	case FieldURL:
		d.URL = s
	case FieldTitle:
		d.Title = s
	case FieldBody:
		d.Body = s
	case FieldBodyBlocks:
		b, err := ParseBlocks(value)
		if err == nil {
			d.Body, _, err = b.Text(0, b.Len())
		}
		return err
	case FieldHeadings:
		d.Headings = strings.Split(s, headingSep)
	case FieldSource:
		d.Source = s
	case FieldHash:
		d.Hash = s
	case FieldETag:
		d.Crawl.ETag = s
	case FieldLastModified:
		d.Crawl.LastModified = s
	case FieldSitemap:
		d.Crawl.Sitemap = s
	case FieldRelated:
		return json.Unmarshal(value, &d.Related)
	case FieldPublishedText:
		t, err := time.Parse(time.RFC3339, s)
		d.Published = t
		return err
	default:
		if name, ok := IsOwnWords(field); ok {
			if d.Fields == nil {
				d.Fields = map[string]string{}
			}
			d.Fields[name] = s
		}
	}
	return nil
}

package indexer

import (
	"context"
	"fmt"

	"github.com/blugelabs/bluge"

	"github.com/wensou/wensou/corpus"
)

// entry is what an incremental run needs to know of an indexed document.
type entry struct {
	hash, source, origin string
	crawl                corpus.CrawlState // of a crawled page
}

// manifest lists every document of r by id. The index is its own manifest:
// id, hash, source and origin are stored fields.
func manifest(ctx context.Context, r *bluge.Reader) (map[string]entry, error) {
	out := map[string]entry{}
	err := eachMatch(ctx, r, bluge.NewMatchAllQuery(), func(visit StoredVisitor) error {
		var id string
		var e entry
		err := visit(func(field string, value []byte) bool {
			switch field {
			case FieldID:
				id = string(value)
			case FieldHash:
				e.hash = string(value)
			case FieldSource:
				e.source = string(value)
			case FieldOrigin:
				e.origin = string(value)
			case FieldETag:
				e.crawl.ETag = string(value)
			case FieldLastModified:
				e.crawl.LastModified = string(value)
			case FieldSitemap:
				e.crawl.Sitemap = string(value)
			}
			return true
		})
		out[id] = e
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	return out, nil
}

// pushed returns the documents of r that were pushed through the API.
func pushed(ctx context.Context, r *bluge.Reader) ([]corpus.Document, error) {
	var out []corpus.Document
	q := bluge.NewTermQuery(OriginAPI).SetField(FieldOrigin)
	err := eachMatch(ctx, r, q, func(visit StoredVisitor) error {
		d, err := LoadDocument(visit)
		out = append(out, d)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read pushed documents: %w", err)
	}
	return out, nil
}

// eachMatch calls fn with the stored fields of every document matching q.
func eachMatch(ctx context.Context, r *bluge.Reader, q bluge.Query, fn func(StoredVisitor) error) error {
	it, err := r.Search(ctx, bluge.NewAllMatches(q))
	if err != nil {
		return err
	}
	for {
		m, err := it.Next()
		if err != nil || m == nil {
			return err
		}
		if err := fn(m.VisitStoredFields); err != nil {
			return err
		}
	}
}

// liveIDs is the set of the ids of r's documents.
func liveIDs(ctx context.Context, r *bluge.Reader) (map[string]bool, error) {
	out := map[string]bool{}
	err := eachMatch(ctx, r, bluge.NewMatchAllQuery(), func(visit StoredVisitor) error {
		return visit(func(field string, value []byte) bool {
			if field == FieldID {
				out[string(value)] = true
				return false
			}
			return true
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read document ids: %w", err)
	}
	return out, nil
}

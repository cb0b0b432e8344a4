package search

import (
	"context"
	"errors"
	"fmt"

	"github.com/blugelabs/bluge"
	bsearch "github.com/blugelabs/bluge/search"
	"github.com/blugelabs/bluge/search/aggregations"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
)

// Stats counts the served index's documents.
type Stats struct {
	Documents  uint64 `json:"documents"`
	Articles   uint64 `json:"articles"`
	Related    uint64 `json:"related"`
	Generation string `json:"generation,omitempty"`
}

// Stats counts documents by kind.
func (e *Engine) Stats(ctx context.Context) (Stats, error) {
	r, release, err := e.readers.Acquire()
	if err != nil {
		return Stats{}, fmt.Errorf("stats: %w", err)
	}
	defer release()
	req := bluge.NewTopNSearch(0, bluge.NewMatchAllQuery()).WithStandardAggregations()
	req.AddAggregation("kind", aggregations.NewTermsAggregation(bsearch.Field(indexer.FieldKind), 10))
	it, err := r.Search(ctx, req)
	if err != nil {
		return Stats{}, fmt.Errorf("stats: %w", err)
	}
	if _, err := it.Next(); err != nil {
		return Stats{}, fmt.Errorf("stats: %w", err)
	}
	aggs := it.Aggregations()
	s := Stats{Documents: aggs.Count()}
	for _, b := range aggs.Buckets("kind") {
		switch corpus.Kind(b.Name()) {
		case corpus.KindArticle:
			s.Articles = b.Count()
		case corpus.KindRelated:
			s.Related = b.Count()
		}
	}
	return s, nil
}

// ErrNotFound is returned for a document id the index does not hold.
var ErrNotFound = errors.New("document not found")

// Document returns the stored document with id.
func (e *Engine) Document(ctx context.Context, id string) (corpus.Document, error) {
	r, release, err := e.readers.Acquire()
	if err != nil {
		return corpus.Document{}, fmt.Errorf("document %s: %w", id, err)
	}
	defer release()
	q := bluge.NewTermQuery(id).SetField(indexer.FieldID)
	it, err := r.Search(ctx, bluge.NewTopNSearch(1, q))
	if err != nil {
		return corpus.Document{}, fmt.Errorf("document %s: %w", id, err)
	}
	m, err := it.Next()
	if err != nil {
		return corpus.Document{}, fmt.Errorf("document %s: %w", id, err)
	}
	if m == nil {
		return corpus.Document{}, fmt.Errorf("document %s: %w", id, ErrNotFound)
	}
	return indexer.LoadDocument(m.VisitStoredFields)
}

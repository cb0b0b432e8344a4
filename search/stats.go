package search

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/blugelabs/bluge"

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

// Stats counts documents by kind. It reads the facet table of the served
// reader (built once per reader, then shared with every search's facets),
// so /readyz and /metrics, which call it, cost a few slice passes.
func (e *Engine) Stats(ctx context.Context) (Stats, error) {
	r, release, err := e.readers.Acquire()
	if err != nil {
		return Stats{}, fmt.Errorf("stats: %w", err)
	}
	defer release()
	n, err := r.Count()
	if err != nil {
		return Stats{}, fmt.Errorf("stats: count: %w", err)
	}
	t, err := e.facets.get(ctx, r)
	if err != nil {
		return Stats{}, fmt.Errorf("stats: %w", err)
	}
	s := Stats{Documents: n}
	s.Articles, s.Related = t.count(string(corpus.KindArticle)), t.count(string(corpus.KindRelated))
	return s, nil
}

// count returns how many documents have the kind named kind.
func (t *facetTable) count(kind string) uint64 {
	ord := slices.Index(t.kinds, kind)
	if ord <= 0 {
		return 0
	}
	var n uint64
	for _, k := range t.kind {
		if int(k) == ord {
			n++
		}
	}
	return n
}

// ErrNotFound is returned for a document id the index does not hold.
var ErrNotFound = errors.New("document not found")

// Document returns the stored document with id.
func (e *Engine) Document(ctx context.Context, id string) (d corpus.Document, err error) {
	defer e.guard("document", &err)
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

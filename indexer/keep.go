package indexer

import (
	"context"
	"fmt"

	"github.com/blugelabs/bluge"

	"github.com/wensou/wensou/corpus"
)

// keptChunk bounds the ids of one query loading kept documents.
const keptChunk = 512

// copyKept sends the previous generation's documents that a full run
// keeps (Options.Keep: crawled pages that failed transiently, the pages
// of a sitemap that failed) into todo, from their stored fields: a full
// run never loses a page to a transient error. They count as unchanged.
func (j *job) copyKept(ctx context.Context, todo chan<- corpus.Document) error {
	keep := j.keptSet()
	var ids []string
	for id, e := range j.old {
		if !j.seen.has(id) && keep.keeps(e) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	r, name, err := j.dir.Open()
	if err != nil {
		return fmt.Errorf("keep %d documents: %w", len(ids), err)
	}
	defer r.Close()
	if name != j.base {
		return ErrConcurrentRun
	}
	for start := 0; start < len(ids); start += keptChunk {
		if err := j.sendStored(ctx, r, ids[start:min(start+keptChunk, len(ids))], todo); err != nil {
			return fmt.Errorf("keep %d documents: %w", len(ids), err)
		}
	}
	return nil
}

// sendStored loads the documents ids of r and sends them into todo.
func (j *job) sendStored(ctx context.Context, r *bluge.Reader, ids []string, todo chan<- corpus.Document) error {
	q := bluge.NewBooleanQuery()
	for _, id := range ids {
		q.AddShould(bluge.NewTermQuery(id).SetField(FieldID))
	}
	return eachMatch(ctx, r, q, func(visit StoredVisitor) error {
		d, err := LoadDocument(visit)
		if err != nil {
			return err
		}
		j.ids.add(d.ID)
		j.seen.add(d.ID)
		j.changes.Unchanged++
		select {
		case todo <- d:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
}

package search

import (
	"context"
	"fmt"

	"github.com/blugelabs/bluge"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
)

// Related returns up to size documents related to the document id: first
// the entries of its own related-content list that the index holds, in
// list order, then more documents like it (by the words of its title).
func (e *Engine) Related(ctx context.Context, id string, size int) ([]Hit, error) {
	if size < 1 || size > 100 {
		return nil, ErrBadSize
	}
	doc, err := e.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	r, release, err := e.readers.Acquire()
	if err != nil {
		return nil, fmt.Errorf("related %s: %w", id, err)
	}
	defer release()
	rel := relatedHits{e: e, r: r, seen: map[string]bool{id: true}, size: size}
	for _, l := range doc.Related {
		if err := rel.add(ctx, linkQuery(l), 1); err != nil || rel.full() {
			return rel.hits, err
		}
	}
	if q := e.likeQuery(doc); q != nil {
		err = rel.add(ctx, q, size)
	}
	return rel.hits, err
}

// linkQuery finds the document a related link names: by URL, else by title.
func linkQuery(l corpus.Link) bluge.Query {
	q := bluge.NewBooleanQuery().SetMinShould(1)
	if l.URL != "" {
		q.AddShould(bluge.NewTermQuery(l.URL).SetField(indexer.FieldURL))
	}
	q.AddShould(bluge.NewTermQuery(corpus.NormalizeTitle(l.Title)).SetField(indexer.FieldTitleKey))
	return q
}

// likeQuery matches any of the non-stop words of doc's title.
func (e *Engine) likeQuery(doc corpus.Document) bluge.Query {
	b := builder{a: e.analysis(), w: e.cfg.Weights}
	words := b.words(doc.Title)
	if len(words) == 0 {
		return nil
	}
	q := bluge.NewBooleanQuery().SetMinShould(1)
	for _, w := range words {
		q.AddShould(b.word(w, ""))
	}
	return q
}

type relatedHits struct {
	e    *Engine
	r    *bluge.Reader
	seen map[string]bool
	size int
	hits []Hit
}

func (rh *relatedHits) full() bool { return len(rh.hits) >= rh.size }

// add appends up to n unseen matches of q.
func (rh *relatedHits) add(ctx context.Context, q bluge.Query, n int) error {
	it, err := rh.r.Search(ctx, bluge.NewTopNSearch(n+len(rh.seen), q))
	if err != nil {
		return err
	}
	for added := 0; added < n && !rh.full(); {
		m, err := it.Next()
		if err != nil || m == nil {
			return err
		}
		h, err := rh.e.hit(m, false, nil)
		if err != nil {
			return err
		}
		if !rh.seen[h.ID] {
			rh.seen[h.ID] = true
			rh.hits = append(rh.hits, h)
			added++
		}
	}
	return nil
}

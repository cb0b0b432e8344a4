package search

import (
	"context"
	"sync"

	"github.com/blugelabs/bluge"
	bsearch "github.com/blugelabs/bluge/search"
	"github.com/blugelabs/bluge/search/searcher"
)

// perReader holds one value derived from the most recent reader (a table
// of facet ordinals, a copy of the title keys): built by the first request
// that needs it after a reader switch (a generation switch or a write),
// then shared by every request on that reader. A failed build (a
// cancelled request) is retried by the next call.
type perReader[T any] struct {
	mu  sync.Mutex
	cur *perReaderEntry[T]
}

type perReaderEntry[T any] struct {
	r     *bluge.Reader
	mu    sync.Mutex
	built bool
	v     T
}

// get returns r's value, calling build once per reader.
func (c *perReader[T]) get(r *bluge.Reader, build func() (T, error)) (T, error) {
	c.mu.Lock()
	if c.cur == nil || c.cur.r != r {
		c.cur = &perReaderEntry[T]{r: r}
	}
	e := c.cur
	c.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.built {
		return e.v, nil
	}
	v, err := build()
	if err != nil {
		return v, err
	}
	e.v, e.built = v, true
	return v, nil
}

// withSearchReader calls fn with the index reader behind r (postings,
// dictionaries), which bluge hands only to a query's Searcher: it runs a
// search of a query that calls fn and matches nothing.
func withSearchReader(ctx context.Context, r *bluge.Reader, fn func(bsearch.Reader) error) error {
	q := &readerQuery{fn: fn}
	it, err := r.Search(ctx, bluge.NewTopNSearch(1, q).SetScore("none"))
	if err != nil {
		return err
	}
	if _, err := it.Next(); err != nil {
		return err
	}
	return q.err
}

// readerQuery is a query whose searcher runs fn on the index reader.
type readerQuery struct {
	fn  func(bsearch.Reader) error
	err error
}

func (q *readerQuery) Searcher(r bsearch.Reader, so bsearch.SearcherOptions) (bsearch.Searcher, error) {
	q.err = q.fn(r)
	return searcher.NewMatchNoneSearcher(r, so)
}

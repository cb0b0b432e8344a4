package search

import (
	"sync"

	"github.com/blugelabs/bluge"
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

package httpapi

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"

	"github.com/wensou/wensou/search"
)

// slot is a query slot (limits.go) shared by its request and a search the
// request gave up waiting for: it is given back when both are done, so a
// search still running past its deadline keeps counting against
// MaxInFlight (and its client's share) until the engine returns.
type slot struct {
	mu   sync.Mutex
	refs int
	free func()
}

// slotKey is the request context key of the request's *slot.
type slotKey struct{}

func (s *slot) hold() {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.refs++
	s.mu.Unlock()
}

func (s *slot) done() {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.refs--
	last := s.refs == 0
	s.mu.Unlock()
	if last {
		s.free()
	}
}

// boundedSearcher answers a search with a deadline by that deadline, even
// when the engine does not stop in time: the caller gets the context's
// error (503 timeout) at once, while the engine runs on in its goroutine,
// holding the request's slot, until it returns. A panic there is an error,
// not a crash.
type boundedSearcher struct{ Searcher }

// bounded wraps s (nil stays nil).
func bounded(s Searcher) Searcher {
	if s == nil {
		return nil
	}
	return boundedSearcher{s}
}

type searchOutcome struct {
	res *search.Result
	err error
}

func (b boundedSearcher) Search(ctx context.Context, req search.Request) (*search.Result, error) {
	if _, ok := ctx.Deadline(); !ok {
		return b.Searcher.Search(ctx, req)
	}
	sl, _ := ctx.Value(slotKey{}).(*slot)
	sl.hold()
	ch := make(chan searchOutcome, 1)
	go func() {
		defer sl.done()
		ch <- b.run(ctx, req)
	}()
	select {
	case o := <-ch:
		return o.res, o.err
	case <-ctx.Done():
		select {
		case o := <-ch: // finished at the same moment
			return o.res, o.err
		default:
		}
		return nil, fmt.Errorf("search %q: %w", req.Query, ctx.Err())
	}
}

// run searches, turning a panic into errPanic.
func (b boundedSearcher) run(ctx context.Context, req search.Request) (o searchOutcome) {
	defer func() {
		if p := recover(); p != nil {
			o.err = fmt.Errorf("%w: search %q panicked: %v\n%s", errPanic, req.Query, p, debug.Stack())
		}
	}()
	res, err := b.Searcher.Search(ctx, req)
	return searchOutcome{res, err}
}

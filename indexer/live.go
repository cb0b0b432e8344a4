package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/blugelabs/bluge"
)

// generation is an open reader with a reference count: the holder owns one
// reference, every search in flight one more; the last release closes it.
type generation struct {
	name string
	r    *bluge.Reader
	mu   sync.Mutex
	refs int
}

func (g *generation) acquire() {
	g.mu.Lock()
	g.refs++
	g.mu.Unlock()
}

func (g *generation) release() {
	g.mu.Lock()
	g.refs--
	last := g.refs == 0
	g.mu.Unlock()
	if last {
		if err := g.r.Close(); err != nil {
			slog.Error("close index reader", "generation", g.name, "err", err)
		}
	}
}

// Readers holds the reader searches use and swaps it without failing or
// cutting a search in flight. It satisfies search.Readers.
type Readers struct {
	mu   sync.Mutex
	cur  *generation
	down error  // why there is no reader yet (UnavailableReaders)
	dmg  damage // a search's report of damaged bytes (damage.go)
}

// UnavailableReaders holds no reader yet: Acquire returns reason until a
// Swap (a Refresh finding a good generation) brings one. A server started
// over a data directory without a good generation serves with it, so that
// /readyz answers 503 with the reason instead of the process failing.
func UnavailableReaders(reason error) *Readers { return &Readers{down: reason} }

// ErrClosed is returned by Acquire after Close.
var ErrClosed = errors.New("index is closed")

// NewReaders holds r, named name (a generation name, or "memory").
func NewReaders(r *bluge.Reader, name string) *Readers {
	return &Readers{cur: &generation{name: name, r: r, refs: 1}}
}

// Acquire returns the current reader and the function that releases it.
func (h *Readers) Acquire() (*bluge.Reader, func(), error) {
	h.mu.Lock()
	g := h.cur
	if g == nil {
		err := h.down
		h.mu.Unlock()
		if err != nil {
			return nil, nil, err
		}
		return nil, nil, ErrClosed
	}
	g.acquire()
	h.mu.Unlock()
	var once sync.Once
	return g.r, func() { once.Do(g.release) }, nil
}

// Name is the name of the current generation.
func (h *Readers) Name() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cur == nil {
		return ""
	}
	return h.cur.name
}

// Swap makes r the current reader; the old one closes when its last search
// releases it.
func (h *Readers) Swap(r *bluge.Reader, name string) {
	h.mu.Lock()
	old := h.cur
	h.cur = &generation{name: name, r: r, refs: 1}
	h.mu.Unlock()
	if old != nil {
		old.release()
	}
}

// Close releases the holder's reference; searches in flight finish first.
func (h *Readers) Close() {
	h.mu.Lock()
	old := h.cur
	h.cur, h.down = nil, nil
	h.mu.Unlock()
	if old != nil {
		old.release()
	}
}

// OpenReaders opens the served generation of d, after verifying it
// (VerifyGeneration). When CURRENT is missing or names a damaged
// generation, the newest good generation is served instead (CURRENT is
// left as it is), logged as an error; when none is good the error wraps
// ErrNoGoodGeneration.
func (d *Dir) OpenReaders() (*Readers, error) {
	r, name, problems, err := openGood(d, func(n string) (*bluge.Reader, error) { return d.openCountedReader(d.GenPath(n)) })
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		slog.Error("index: serving an older generation", "generation", name, "problems", joinErrors(problems))
	}
	return NewReaders(r, name), nil
}

// Refresh switches h to d's served generation if CURRENT names another one.
// It reports whether it switched.
func (d *Dir) Refresh(h *Readers) (bool, error) {
	name, err := d.Current()
	if err != nil {
		return false, err
	}
	if name == h.Name() || d.bad.get(name) != nil {
		return false, nil // a damaged generation was reported once
	}
	r, err := d.openCountedReader(d.GenPath(name))
	if err != nil {
		if errors.Is(err, ErrCorrupt) {
			d.bad.mark(name, err)
		}
		return false, fmt.Errorf("open generation %s (still serving %s): %w", name, h.Name(), err)
	}
	h.Swap(r, name)
	return true, nil
}

// Watch refreshes h from d every interval until ctx ends, logging switches
// and errors (the old generation keeps serving on error).
func (d *Dir) Watch(ctx context.Context, h *Readers, interval time.Duration) {
	poll(ctx, interval, func() (bool, error) {
		if fell, err := d.fallBack(h); fell || err != nil {
			return fell, err
		}
		return d.Refresh(h)
	}, h.Name)
}

// Watch follows the data directory's CURRENT every interval until ctx
// ends (see Follow); an in-memory Writable has nothing to follow.
func (x *Writable) Watch(ctx context.Context, interval time.Duration) {
	if x.dir != nil {
		poll(ctx, interval, func() (bool, error) {
			if fell, err := x.fallBack(); fell || err != nil {
				return fell, err
			}
			return x.Follow()
		}, x.readers.Name)
	}
}

// poll calls switchGen every interval until ctx ends and logs what it did.
func poll(ctx context.Context, interval time.Duration, switchGen func() (bool, error), name func() string) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		switched, err := switchGen()
		if err != nil {
			slog.Error("follow index generation", "err", err)
		} else if switched {
			slog.Info("switched index generation", "generation", name())
		}
	}
}

package indexer

import (
	"context"
	"errors"
	"fmt"

	"github.com/blugelabs/bluge"
	segapi "github.com/blugelabs/bluge_segment_api"

	"github.com/wensou/wensou/corpus"
)

// Reanalyze rebuilds the served generation of d from its own stored
// documents with a, e.g. after a dictionary change: no sources are needed.
// Pushed documents are re-analysed as they are carried over.
func (d *Dir) Reanalyze(ctx context.Context, a Analyzers, opt Options) (string, Changes, error) {
	unlock, err := d.lockBuild() // no other run may switch between reading and building
	if err != nil {
		return "", Changes{}, err
	}
	defer unlock()
	r, _, err := d.Open()
	if err != nil {
		return "", Changes{}, err
	}
	defer r.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	docs := make(chan corpus.Document, 256)
	errc := make(chan error, 1)
	go func() { errc <- storedDocs(ctx, r, docs, false) }()
	opt.AllowEmpty = true // an index of pushed documents only is re-analysed as they are carried over
	name, ch, err := d.runLocked(ctx, docs, a, opt, false)
	if err != nil {
		cancel()
	}
	drain(docs)
	if serr := <-errc; !errors.Is(serr, context.Canceled) {
		err = errors.Join(err, serr)
	}
	return name, ch, err
}

// storedDocs sends every stored document of r (with pushed, also those
// pushed through the API) to out and closes it.
func storedDocs(ctx context.Context, r *bluge.Reader, out chan<- corpus.Document, withPushed bool) error {
	defer close(out)
	return eachMatch(ctx, r, bluge.NewMatchAllQuery(), func(visit StoredVisitor) error {
		isPushed := false
		d, err := LoadDocument(func(v segapi.StoredFieldVisitor) error {
			return visit(func(field string, value []byte) bool {
				isPushed = isPushed || (field == FieldOrigin && string(value) == OriginAPI)
				return v(field, value)
			})
		})
		if err != nil || (isPushed && !withPushed) {
			return err
		}
		select {
		case out <- d:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
}

// Reanalyze re-analyses every document of the served index with the
// current analysis, e.g. after a dictionary reload, and swaps the result in
// without a restart. On a data directory it writes a new generation (see
// Dir.Reanalyze); in memory it builds a new in-memory index.
func (x *Writable) Reanalyze(ctx context.Context, opt Options) (Changes, error) {
	if x.dir != nil {
		_, ch, err := x.dir.Reanalyze(ctx, x.analysis(), opt)
		if err != nil {
			return ch, err
		}
		_, err = x.Follow()
		return ch, err
	}
	return x.reanalyzeMemory(ctx, opt)
}

func (x *Writable) reanalyzeMemory(ctx context.Context, opt Options) (Changes, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	r, err := x.w.Reader()
	if err != nil {
		return Changes{}, fmt.Errorf("reanalyze: %w", err)
	}
	defer r.Close()
	docs := make(chan corpus.Document, 256)
	errc := make(chan error, 1)
	go func() { errc <- storedDocs(ctx, r, docs, true) }()
	w, n, err := Memory(ctx, docs, x.analysis(), opt)
	if err = errors.Join(err, <-errc); err != nil {
		if w != nil {
			err = errors.Join(err, w.Close())
		}
		return Changes{}, fmt.Errorf("reanalyze: %w", err)
	}
	return Changes{Updated: n, Documents: n}, x.swapWriter(w)
}

func (x *Writable) swapWriter(w *bluge.Writer) error {
	r, err := w.Reader()
	if err != nil {
		return errors.Join(fmt.Errorf("reanalyze: open reader: %w", err), w.Close())
	}
	old := x.w
	x.w = w
	x.readers.Swap(r, x.gen)
	return old.Close()
}

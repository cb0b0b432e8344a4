package indexer

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/blugelabs/bluge"
	"github.com/blugelabs/bluge/index"
	segapi "github.com/blugelabs/bluge_segment_api"

	"github.com/wensou/wensou/corpus"
)

// Options tune a build. The zero value means defaults.
type Options struct {
	// BatchSize is how many documents go into one bluge batch (one segment,
	// one fsync). Default 2000.
	BatchSize int
	// Workers analyse documents in parallel. Default GOMAXPROCS.
	Workers int
	// Progress, when set, is called after every batch with the running count.
	Progress func(documents int, bytes int64)
}

func (o Options) withDefaults() Options {
	if o.BatchSize <= 0 {
		o.BatchSize = 2000
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}

// analyzed is a bluge document whose analysis already ran in a pipeline
// worker, so the writer's own analysis pass does nothing.
type analyzed struct{ doc *bluge.Document }

func (a analyzed) Analyze()                       {}
func (a analyzed) EachField(vf segapi.VisitField) { a.doc.EachField(vf) }

type prepared struct {
	id    string
	doc   analyzed
	bytes int64
}

// write analyses docs on opt.Workers goroutines and writes them to w in
// batches: inserted into a fresh index, or, with update, replacing any
// document of the same id. It returns the number of documents written.
func write(ctx context.Context, w *bluge.Writer, docs <-chan corpus.Document, a Analyzers, opt Options, update bool) (int, error) {
	opt = opt.withDefaults()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := make(chan prepared, opt.BatchSize)
	errc := make(chan error, opt.Workers)
	var wg sync.WaitGroup
	for range opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errc <- analyse(ctx, docs, out, a)
		}()
	}
	go func() { wg.Wait(); close(out); close(errc) }()
	n, werr := batches(ctx, w, out, opt, update)
	cancel()
	for err := range errc {
		if err != nil && werr == nil && ctx.Err() == nil {
			werr = err
		}
	}
	return n, werr
}

func analyse(ctx context.Context, docs <-chan corpus.Document, out chan<- prepared, a Analyzers) error {
	for d := range docs {
		bd, err := NewDocument(d, a)
		if err != nil {
			return err
		}
		bd.Analyze()
		p := prepared{id: d.ID, doc: analyzed{bd}, bytes: int64(len(d.Title) + len(d.Body))}
		select {
		case out <- p:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// batches groups prepared documents into batches, skipping repeated ids
// (the first one wins), and writes each batch.
func batches(ctx context.Context, w *bluge.Writer, in <-chan prepared, opt Options, update bool) (int, error) {
	seen := make(map[string]struct{})
	batch := index.NewBatch()
	pending, total := 0, 0
	var bytes int64
	flush := func() error {
		if pending == 0 {
			return nil
		}
		if err := w.Batch(batch); err != nil {
			return fmt.Errorf("write batch of %d: %w", pending, err)
		}
		total += pending
		batch.Reset()
		pending = 0
		if opt.Progress != nil {
			opt.Progress(total, bytes)
		}
		return nil
	}
	for p := range in {
		if _, dup := seen[p.id]; dup {
			continue
		}
		seen[p.id] = struct{}{}
		if update {
			batch.Update(bluge.Identifier(p.id), p.doc)
		} else {
			batch.Insert(p.doc)
		}
		pending++
		bytes += p.bytes
		if pending >= opt.BatchSize {
			if err := flush(); err != nil {
				return total, err
			}
		}
		if err := ctx.Err(); err != nil {
			return total, err
		}
	}
	return total, flush()
}

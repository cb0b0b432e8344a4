package indexer

import (
	"context"
	"errors"

	"github.com/wensou/wensou/corpus"
)

// ErrNoSources is returned by a reindex when no sources are configured.
var ErrNoSources = errors.New("no sources configured for reindexing")

// IndexSources reads sources and writes them into a new generation of d:
// a full rebuild with full, else an incremental run. It returns the
// generation served afterwards, what changed and the read report (counts
// and skipped sources).
func (d *Dir) IndexSources(ctx context.Context, sources []string, src SourceOptions, a Analyzers, opt Options, full bool) (string, Changes, *Report, error) {
	if len(sources) == 0 {
		return "", Changes{}, nil, ErrNoSources
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	docs := make(chan corpus.Document, 256)
	var rep *Report
	var rerr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		rep, rerr = Read(ctx, sources, src, docs)
	}()
	run := d.Update
	if full {
		run = d.Build
	}
	opt.Retract = func() []string { // called once docs is drained: Read is ending
		<-done
		if rep == nil {
			return nil
		}
		return rep.Retracted()
	}
	opt.Keep = func() []string {
		<-done
		if rep == nil {
			return nil
		}
		return rep.KeptSources()
	}
	name, ch, err := run(ctx, docs, a, opt)
	if err != nil {
		cancel()
	}
	<-done
	if rerr != nil && !errors.Is(rerr, context.Canceled) {
		err = errors.Join(rerr, err)
	}
	return name, ch, rep, err
}

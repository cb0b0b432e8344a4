package indexer

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/blugelabs/bluge"

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
	if !full && slices.ContainsFunc(sources, isURL) {
		prev, err := d.crawlState(ctx)
		if err != nil {
			return "", Changes{}, nil, err
		}
		src.previous = prev
	}
	if !full && slices.ContainsFunc(sources, func(s string) bool { return !isURL(s) }) { // files: JSONL among them maybe
		known, err := d.knownLines(ctx)
		if err != nil {
			return "", Changes{}, nil, err
		}
		src.known = known
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
	opt.Keep = func() Kept {
		<-done
		if rep == nil {
			return Kept{}
		}
		return rep.Kept()
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

// knownLines is knownLines of the served generation; nil when there is
// none, or when its schema is not this build's (the run analyses every
// document again).
func (d *Dir) knownLines(ctx context.Context) (map[string]knownDoc, error) {
	if same, err := d.currentSchema(); err != nil || !same {
		return nil, err
	}
	var out map[string]knownDoc
	err := d.withServed(func(r *bluge.Reader) (err error) {
		out, err = knownLines(ctx, r)
		return err
	})
	return out, err
}

// crawlState is the crawl state of the served generation's crawled
// documents by source; empty when there is no generation.
func (d *Dir) crawlState(ctx context.Context) (map[string]corpus.CrawlState, error) {
	var out map[string]corpus.CrawlState
	err := d.withServed(func(r *bluge.Reader) error {
		m, err := manifest(ctx, r)
		if err != nil {
			return fmt.Errorf("crawl state: %w", err)
		}
		out = map[string]corpus.CrawlState{}
		for _, e := range m {
			if e.origin == "" && (e.crawl.ETag != "" || e.crawl.LastModified != "") {
				out[e.source] = e.crawl
			}
		}
		return nil
	})
	return out, err
}

// withServed calls fn with the served generation's reader; without a
// generation it does nothing.
func (d *Dir) withServed(fn func(*bluge.Reader) error) error {
	r, _, err := d.Open()
	if errors.Is(err, ErrNoGeneration) {
		return nil
	}
	if err != nil {
		return err
	}
	defer r.Close()
	return fn(r)
}

package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/wensou/wensou/indexer"
	"github.com/wensou/wensou/search"
	"github.com/wensou/wensou/segment"
)

// The backend is the HTTP service's Admin: reindex and dictionary reload
// run as background jobs, one at a time.

// Reindex reads the configured sources into a new generation (incremental,
// or full) and switches the served index to it.
func (b *backend) Reindex(full bool) (indexer.Job, error) {
	if b.dir == nil || len(b.sources) == 0 {
		return indexer.Job{}, indexer.ErrNoSources
	}
	kind := "reindex"
	if full {
		kind = "reindex-full"
	}
	return b.jobs.Start(kind, func(ctx context.Context, progress func(int, int64)) (indexer.Changes, error) {
		_, ch, _, err := b.dir.IndexSources(ctx, b.sources, indexer.SourceOptions{URLs: crawlSource{newCrawler(b.crawl)}}, b.seg(),
			indexer.Options{Progress: progress}, full)
		if err != nil {
			return ch, err
		}
		return ch, b.refresh()
	})
}

// ReloadDictionary reads the dictionaries again and re-analyses every
// stored document with them, then serves the result: no restart, no sources.
func (b *backend) ReloadDictionary() (indexer.Job, error) {
	return b.jobs.Start("dictionary-reload", func(ctx context.Context, progress func(int, int64)) (indexer.Changes, error) {
		seg, err := segment.New(b.segCfg)
		if err != nil {
			return indexer.Changes{}, fmt.Errorf("reload dictionaries: %w", err)
		}
		b.segPtr.Store(seg)
		slog.Info("dictionaries reloaded; re-analysing the index")
		return b.reanalyze(ctx, indexer.Options{Progress: progress})
	})
}

func (b *backend) reanalyze(ctx context.Context, opt indexer.Options) (indexer.Changes, error) {
	if b.writable != nil {
		return b.writable.Reanalyze(ctx, opt)
	}
	_, ch, err := b.dir.Reanalyze(ctx, b.seg(), opt)
	if err != nil {
		return ch, err
	}
	return ch, b.refresh()
}

// refresh serves the data directory's current generation now, not at the
// next poll.
func (b *backend) refresh() error {
	if b.writable != nil {
		_, err := b.writable.Follow()
		return err
	}
	_, err := b.dir.Refresh(b.readers)
	return err
}

// Job returns the state of a job.
func (b *backend) Job(id string) (indexer.Job, bool) { return b.jobs.Get(id) }

// WaitJob waits for a job to finish.
func (b *backend) WaitJob(ctx context.Context, id string) (indexer.Job, error) {
	return b.jobs.Wait(ctx, id)
}

// ZeroResults lists the queries that found nothing.
func (b *backend) ZeroResults(n int) []search.QueryCount { return b.engine.ZeroResults(n) }

// OnReload runs on SIGHUP: the dictionaries are read again and the index
// re-analysed in the background, as POST /api/admin/dictionary/reload does.
func (b *backend) OnReload() {
	j, err := b.ReloadDictionary()
	if err != nil {
		slog.Error("dictionary reload on SIGHUP", "err", err)
		return
	}
	slog.Info("dictionary reload started", "job", j.ID)
}

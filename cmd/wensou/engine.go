package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
	"github.com/wensou/wensou/search"
	"github.com/wensou/wensou/segment"
)

// backend is an open index with its analysis and search engine.
type backend struct {
	seg     *segment.Segmenter
	readers *indexer.Readers
	dir     *indexer.Dir // nil for the in-memory sample index
	engine  *search.Engine
	close   func()
}

// openBackend opens the served generation of dir, or, when dir is empty,
// builds an in-memory index of the sample corpus embedded in the binary.
func openBackend(ctx context.Context, dir string) (*backend, error) {
	seg, err := segment.New(segment.Config{})
	if err != nil {
		return nil, fmt.Errorf("load dictionaries: %w", err)
	}
	b := &backend{seg: seg}
	if dir == "" {
		err = b.openSample(ctx)
	} else {
		err = b.openDir(dir)
	}
	if err != nil {
		return nil, err
	}
	b.engine = search.New(b.readers, func() search.Analysis { return b.seg }, search.Config{})
	return b, nil
}

func (b *backend) openDir(path string) error {
	d, err := indexer.OpenDir(path)
	if err != nil {
		return err
	}
	h, err := d.OpenReaders()
	if err != nil {
		return fmt.Errorf("index %s: %w", path, err)
	}
	b.dir, b.readers, b.close = d, h, h.Close
	return nil
}

func (b *backend) openSample(ctx context.Context) error {
	docs, err := corpus.Sample()
	if err != nil {
		return fmt.Errorf("sample corpus: %w", err)
	}
	ch := make(chan corpus.Document, len(docs))
	for _, d := range docs {
		ch <- d
	}
	close(ch)
	w, n, err := indexer.Memory(ctx, ch, b.seg, indexer.Options{})
	if err != nil {
		return fmt.Errorf("index sample corpus: %w", err)
	}
	r, err := w.Reader()
	if err != nil {
		return fmt.Errorf("open sample index: %w", err)
	}
	slog.Info("indexed the embedded sample corpus in memory", "documents", n)
	b.readers = indexer.NewReaders(r, "memory")
	b.close = func() {
		b.readers.Close()
		if err := w.Close(); err != nil {
			slog.Error("close in-memory index", "err", err)
		}
	}
	return nil
}

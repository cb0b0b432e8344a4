package indexer

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/blugelabs/bluge"

	"github.com/wensou/wensou/corpus"
)

// ErrEmptyBuild is returned when a build got no documents; nothing is switched.
var ErrEmptyBuild = errors.New("no documents to index: nothing switched")

// Build writes docs into a new generation of d and, once it is closed,
// reopened and counted, atomically makes it the served generation. A build
// that fails or is killed leaves the served generation untouched; the next
// Build removes what it left. It returns the new generation's name and its
// document count.
func (d *Dir) Build(ctx context.Context, docs <-chan corpus.Document, a Analyzers, opt Options) (string, int, error) {
	if err := d.cleanTemp(); err != nil {
		return "", 0, err
	}
	name, err := d.nextName()
	if err != nil {
		return "", 0, err
	}
	tmp := d.GenPath(name + tmpSuffix)
	n, err := writeNew(ctx, tmp, docs, a, opt)
	if err == nil && n == 0 {
		err = ErrEmptyBuild
	}
	if err != nil {
		return "", n, errors.Join(err, os.RemoveAll(tmp))
	}
	if err := d.commit(name, n); err != nil {
		return "", n, err
	}
	return name, n, nil
}

// writeNew builds a fresh index at path from docs and closes it.
func writeNew(ctx context.Context, path string, docs <-chan corpus.Document, a Analyzers, opt Options) (int, error) {
	w, err := bluge.OpenWriter(bluge.DefaultConfig(path))
	if err != nil {
		drain(docs)
		return 0, fmt.Errorf("open writer %s: %w", path, err)
	}
	n, err := write(ctx, w, docs, a, opt)
	drain(docs)
	if cerr := w.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("close writer %s: %w", path, cerr)
	}
	return n, err
}

// drain lets a producer blocked on docs finish after the consumer stopped.
func drain(docs <-chan corpus.Document) {
	go func() {
		for range docs {
		}
	}()
}

// commit verifies the built temporary generation, renames it into place and
// switches CURRENT to it, under the directory lock.
func (d *Dir) commit(name string, want int) error {
	tmp := d.GenPath(name + tmpSuffix)
	if err := verify(tmp, want); err != nil {
		return errors.Join(err, os.RemoveAll(tmp))
	}
	unlock, err := d.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := os.Rename(tmp, d.GenPath(name)); err != nil {
		return fmt.Errorf("rename generation %s: %w", name, err)
	}
	if err := syncDir(d.path); err != nil {
		return err
	}
	if err := d.switchTo(name); err != nil {
		return err
	}
	return d.prune()
}

// verify opens the index at path and checks it holds want documents.
func verify(path string, want int) error {
	r, err := bluge.OpenReader(bluge.DefaultConfig(path))
	if err != nil {
		return fmt.Errorf("verify %s: open: %w", path, err)
	}
	defer r.Close()
	got, err := r.Count()
	if err != nil {
		return fmt.Errorf("verify %s: count: %w", path, err)
	}
	if int(got) != want {
		return fmt.Errorf("verify %s: %d documents, want %d", path, got, want)
	}
	return nil
}

// Memory builds an in-memory index from docs and returns its open writer
// (for later updates) with the document count.
func Memory(ctx context.Context, docs <-chan corpus.Document, a Analyzers, opt Options) (*bluge.Writer, int, error) {
	w, err := bluge.OpenWriter(bluge.InMemoryOnlyConfig())
	if err != nil {
		drain(docs)
		return nil, 0, fmt.Errorf("open in-memory writer: %w", err)
	}
	n, err := write(ctx, w, docs, a, opt)
	drain(docs)
	if err != nil {
		return nil, n, errors.Join(err, w.Close())
	}
	return w, n, nil
}

// Open opens a reader on the served generation of d.
func (d *Dir) Open() (*bluge.Reader, string, error) {
	name, err := d.Current()
	if err != nil {
		return nil, "", err
	}
	r, err := bluge.OpenReader(bluge.DefaultConfig(d.GenPath(name)))
	if err != nil {
		return nil, "", fmt.Errorf("open generation %s: %w", name, err)
	}
	return r, name, nil
}

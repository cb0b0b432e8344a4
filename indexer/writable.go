package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/blugelabs/bluge"
	"github.com/blugelabs/bluge/index"

	"github.com/wensou/wensou/corpus"
)

// Writable is a served index that also takes writes (documents pushed or
// deleted through the API). It owns the one bluge writer of the served
// generation; searches read snapshots of it through Readers().
//
// A write returns once bluge has fsynced the batch and the new snapshot is
// what searches see: durable and searchable. Writes on a data directory take
// its lock, so they never interleave with a CLI run's commit, and first
// follow CURRENT if a run switched it.
type Writable struct {
	dir      *Dir // nil: in-memory
	analysis func() Analyzers
	mu       sync.Mutex
	w        *bluge.Writer
	gen      string
	logSeq   uint64 // of gen: the last replicated log write applied (logseq.go)
	readers  *Readers
}

// OpenWritable opens the served generation of d for reading and writing,
// after verifying it (VerifyGeneration). When CURRENT is missing or names
// a damaged generation, the newest good generation is opened instead and
// CURRENT switched to it, logged as an error naming what was wrong; when
// none is good the error wraps ErrNoGoodGeneration. A damaged generation
// is never opened as an empty index.
func (d *Dir) OpenWritable(analysis func() Analyzers) (*Writable, error) {
	x := &Writable{dir: d, analysis: analysis}
	_, name, problems, err := openGood(d, func(n string) (struct{}, error) { return struct{}{}, x.openGen(n) })
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		slog.Error("index: serving an older generation", "generation", name, "problems", joinErrors(problems))
		if err := d.repairCurrent(name); err != nil {
			return nil, errors.Join(err, x.Close())
		}
	}
	return x, nil
}

// repairCurrent points CURRENT at name (a fallback found good), under the
// directory lock, unless a run switched it meanwhile.
func (d *Dir) repairCurrent(name string) error {
	unlock, err := d.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	if cur, err := d.Current(); err == nil && cur != name && d.bad.get(cur) == nil {
		return nil // a run switched to a generation not known bad: follow it later
	}
	return d.switchTo(name)
}

// NewMemoryWritable serves the in-memory index behind w.
func NewMemoryWritable(w *bluge.Writer, analysis func() Analyzers) (*Writable, error) {
	x := &Writable{w: w, gen: "memory", analysis: analysis}
	r, err := w.Reader()
	if err != nil {
		return nil, fmt.Errorf("open in-memory reader: %w", err)
	}
	x.readers = NewReaders(r, x.gen)
	return x, nil
}

// Readers is what searches acquire readers from.
func (x *Writable) Readers() *Readers { return x.readers }

// openGen verifies generation name and opens its writer and a reader,
// which become the served ones; on error nothing changes.
func (x *Writable) openGen(name string) error {
	path := x.dir.GenPath(name)
	type opened struct {
		w *bluge.Writer
		r *bluge.Reader
	}
	seq, err := readLogSeq(path)
	if err != nil {
		return err
	}
	o, err := openVerified(x.dir, path, true, func() (opened, error) { // the writer: damaged newer snapshots are set aside
		w, err := bluge.OpenWriter(bluge.DefaultConfig(path))
		if err != nil && strings.Contains(err.Error(), "exclusive access") {
			return opened{}, fmt.Errorf("open writer on %s (another server writes it?): %w", name, err)
		}
		if err != nil { // verified, yet bluge cannot open it: files are missing
			return opened{}, fmt.Errorf("%w: open writer on %s: %w", ErrCorrupt, name, err)
		}
		r, err := w.Reader()
		if err == nil {
			_, err = r.Count()
		}
		if err != nil {
			return opened{}, errors.Join(fmt.Errorf("%w: open reader on %s: %w", ErrCorrupt, name, err), w.Close())
		}
		return opened{w, r}, nil
	})
	if err != nil {
		return err
	}
	w, r := o.w, o.r
	old := x.w
	x.w, x.gen, x.logSeq = w, name, seq
	if x.readers == nil {
		x.readers = NewReaders(r, name)
	} else {
		x.readers.Swap(r, name)
	}
	if old != nil {
		return old.Close()
	}
	return nil
}

// Follow switches to the generation CURRENT names, if a run changed it.
// It reports whether it switched.
func (x *Writable) Follow() (bool, error) {
	if x.dir == nil {
		return false, nil
	}
	unlock, err := x.dir.Lock()
	if err != nil {
		return false, err
	}
	defer unlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.follow()
}

// follow switches to the generation CURRENT names. A CURRENT gone or
// naming a damaged generation (logged once, then remembered) leaves the
// served one serving and taking writes.
func (x *Writable) follow() (bool, error) {
	name, err := x.dir.Current()
	if errors.Is(err, ErrNoGeneration) || name == x.gen || (err == nil && x.dir.bad.get(name) != nil) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := x.openGen(name); err != nil {
		if !errors.Is(err, ErrCorrupt) {
			return false, err
		}
		x.dir.bad.mark(name, err)
		slog.Error("index: not switching to a damaged generation", "generation", name, "serving", x.gen, "err", err)
		return false, nil
	}
	return true, nil
}

// putChunkBytes is how much text Put analyses into one bluge batch: a push
// of 1,000 long documents is written as several segments of about this
// much text each, so that its peak memory is that of one chunk's analysis
// and segment, not of the whole body's (issue 12: a 9 MB push peaked at
// 1.4 GB as one batch).
const putChunkBytes = 1 << 20

// Put indexes docs (replacing documents of the same ids), marked as pushed
// so rebuilds from files keep them. A document whose id is not addressable
// (corpus.CheckID) or whose publish time the index cannot hold
// (corpus.CheckPublished) fails the whole push before anything is written.
// A large push is written in chunks of about putChunkBytes of text, each
// one atomic: an error after the first chunk leaves the chunks before it
// written (a failed push has an unknown outcome and is safe to retry).
func (x *Writable) Put(ctx context.Context, docs []corpus.Document) error {
	if err := checkDocuments(docs); err != nil {
		return err
	}
	for len(docs) > 0 {
		n := chunkLen(docs, putChunkBytes)
		if err := x.put(ctx, docs[:n]); err != nil {
			return err
		}
		docs = docs[n:]
	}
	return nil
}

// chunkLen is how many of docs, at least one, hold about limit bytes of text.
func chunkLen(docs []corpus.Document, limit int) int {
	size := 0
	for i, d := range docs {
		size += len(d.Title) + len(d.Body) + len(d.URL)
		for _, h := range d.Headings {
			size += len(h)
		}
		if size >= limit {
			return i + 1
		}
	}
	return len(docs)
}

// put analyses docs into one batch and applies it.
func (x *Writable) put(ctx context.Context, docs []corpus.Document) error {
	b := bluge.NewBatch()
	a := x.analysis()
	for _, d := range docs {
		if err := ctx.Err(); err != nil {
			return err
		}
		bd, err := newDocument(d, a, OriginAPI)
		if err != nil {
			return err
		}
		b.Update(bluge.Identifier(d.ID), bd)
	}
	return x.apply(ctx, b)
}

// checkDocuments validates what Put writes.
func checkDocuments(docs []corpus.Document) error {
	for i, d := range docs {
		if err := corpus.CheckPublished(d.Published); err != nil {
			return fmt.Errorf("document %d (%s): %w", i, d.ID, err)
		}
		if err := corpus.CheckID(d.ID); err != nil {
			return fmt.Errorf("document %d: %w", i, err)
		}
	}
	return nil
}

// Delete removes the documents with ids.
func (x *Writable) Delete(ctx context.Context, ids []string) error {
	b := bluge.NewBatch()
	for _, id := range ids {
		b.Delete(bluge.Identifier(id))
	}
	return x.apply(ctx, b)
}

func (x *Writable) apply(ctx context.Context, b *index.Batch) error {
	return x.applyThen(ctx, b, nil, nil)
}

// applyThen writes b to the served generation, under the directory lock
// after following CURRENT; check, when given, may refuse the write first
// and then runs once the batch is durable, before searches see it.
func (x *Writable) applyThen(ctx context.Context, b *index.Batch, check, then func() error) error {
	if x.dir != nil {
		unlock, err := x.dir.Lock()
		if err != nil {
			return err
		}
		defer unlock()
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	if x.dir != nil {
		if _, err := x.follow(); err != nil {
			return err
		}
	}
	if check != nil {
		if err := check(); err != nil {
			return err
		}
	}
	if err := x.w.Batch(b); err != nil {
		return noSpace(fmt.Errorf("write to %s: %w", x.gen, err))
	}
	if then != nil {
		if err := then(); err != nil {
			return noSpace(err)
		}
	}
	r, err := x.w.Reader()
	if err != nil {
		return noSpace(fmt.Errorf("reopen %s: %w", x.gen, err))
	}
	x.readers.Swap(r, x.gen)
	return nil
}

// Close closes the writer; searches in flight finish first.
func (x *Writable) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.readers.Close()
	return x.w.Close()
}

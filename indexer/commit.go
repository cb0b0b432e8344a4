package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/blugelabs/bluge"
	"github.com/blugelabs/bluge/index"

	"github.com/wensou/wensou/corpus"
)

// ErrConcurrentRun is returned when another run switched the served
// generation while this one was building on the old one.
var ErrConcurrentRun = errors.New("another run switched the index meanwhile: run again")

// commit finishes the job under the directory lock: carry the pushed
// documents over, close the writer, verify, rename and switch.
func (j *job) commit(ctx context.Context, incremental bool) (err error) {
	unlock, err := j.dir.Lock()
	if err != nil {
		return errors.Join(err, j.w.Close())
	}
	defer func() { err = errors.Join(err, unlock()) }()
	if incremental && j.changes.Added+j.changes.Updated+j.changes.Deleted == 0 {
		j.noop = true
		j.changes.Documents = j.ids.len()
		return j.w.Close()
	}
	if err := j.carryOver(ctx); err != nil {
		return errors.Join(err, j.w.Close())
	}
	if err := j.w.Close(); err != nil {
		return fmt.Errorf("close writer %s: %w", j.tmp, err)
	}
	j.changes.Documents = j.ids.len()
	if j.changes.Segments, err = verify(j.tmp, j.ids.len()); err != nil {
		return err
	}
	if err := writeSchema(j.tmp); err != nil {
		return err
	}
	if err := writeFileList(j.tmp); err != nil {
		return err
	}
	return j.switchGeneration()
}

// carryOver brings the new generation up to date with the writes made
// through the API while the run built it, as the served generation holds
// them now (under the lock, so no write is in flight): every pushed
// document is written again, and every document the run started from
// that is gone from the served generation now (deleted through the API
// meanwhile) is deleted, whatever the run's sources or stored documents
// said. So no acknowledged write is lost or undone by a build, a reindex
// or a dictionary reload.
func (j *job) carryOver(ctx context.Context) error {
	r, cur, err := j.dir.Open()
	if errors.Is(err, ErrNoGeneration) {
		return nil
	}
	if err != nil {
		return err
	}
	defer r.Close()
	if cur != j.base {
		return fmt.Errorf("%w (built on %s, now %s)", ErrConcurrentRun, j.base, cur)
	}
	docs, err := pushed(ctx, r)
	if err != nil {
		return err
	}
	live, err := liveIDs(ctx, r)
	if err != nil {
		return err
	}
	return j.putPushed(docs, live)
}

// putPushed writes docs and deletes the documents of the run's base that
// live (the served generation's ids now) no longer holds.
func (j *job) putPushed(docs []corpus.Document, live map[string]bool) error {
	b := bluge.NewBatch()
	for _, d := range docs {
		bd, err := newDocument(d, j.a, OriginAPI)
		if err != nil {
			return err
		}
		b.Update(bluge.Identifier(d.ID), bd)
		j.ids.add(d.ID)
	}
	deleted := 0
	for id := range j.old { // in the served generation when the run started
		if !live[id] {
			b.Delete(bluge.Identifier(id))
			j.ids.remove(id)
			deleted++
		}
	}
	if err := j.w.Batch(b); err != nil {
		return fmt.Errorf("carry over %d pushed documents and %d deletes: %w", len(docs), deleted, err)
	}
	return nil
}

func (j *job) switchGeneration() error {
	if err := os.Rename(j.tmp, j.dir.GenPath(j.name)); err != nil {
		return fmt.Errorf("rename generation %s: %w", j.name, err)
	}
	if err := syncDir(j.dir.path); err != nil {
		return err
	}
	if err := j.dir.switchTo(j.name); err != nil {
		return err
	}
	return j.dir.prune(j.base)
}

// verifyOpens checks the index at path opens and counts.
func verifyOpens(path string) error {
	r, err := bluge.OpenReader(bluge.DefaultConfig(path))
	if err != nil {
		return fmt.Errorf("verify %s: open: %w", path, err)
	}
	defer r.Close()
	if _, err := r.Count(); err != nil {
		return fmt.Errorf("verify %s: count: %w", path, err)
	}
	return nil
}

// verify opens the index at path, checks it holds want documents and
// returns its number of segments.
func verify(path string, want int) (int, error) {
	r, err := index.OpenReader(writerConfig(path, nil))
	if err != nil {
		return 0, fmt.Errorf("verify %s: open: %w", path, err)
	}
	defer r.Close()
	got, err := r.Count()
	if err != nil {
		return 0, fmt.Errorf("verify %s: count: %w", path, err)
	}
	if int(got) != want {
		return 0, fmt.Errorf("verify %s: %d documents, want %d", path, got, want)
	}
	return len(r.Segments()), nil
}

// drain lets a producer blocked on docs finish after the consumer stopped.
func drain(docs <-chan corpus.Document) {
	go func() {
		for range docs {
		}
	}()
}

// Memory builds an in-memory index from docs and returns its open writer
// (for later updates) with the document count.
func Memory(ctx context.Context, docs <-chan corpus.Document, a Analyzers, opt Options) (*bluge.Writer, int, error) {
	defer drain(docs)
	w, err := bluge.OpenWriter(bluge.InMemoryOnlyConfig())
	if err != nil {
		return nil, 0, fmt.Errorf("open in-memory writer: %w", err)
	}
	n, err := write(ctx, w, docs, a, opt, false, false) // bluge's in-memory segments
	if err != nil {
		return nil, n, errors.Join(err, w.Close())
	}
	return w, n, nil
}

// Open opens a reader on the served generation of d, after verifying it
// (VerifyGeneration): the base of an incremental run, a re-analysis, and
// where a rebuild copies pushed documents from. When CURRENT names a
// damaged generation, the newest good one is opened instead, logged; with
// none good the error wraps ErrNoGoodGeneration (ErrNoGeneration when
// there is none at all).
func (d *Dir) Open() (*bluge.Reader, string, error) {
	r, name, problems, err := openGood(d, func(n string) (*bluge.Reader, error) { return d.openCountedReader(d.GenPath(n)) })
	if err != nil {
		return nil, "", err
	}
	if len(problems) > 0 {
		slog.Error("index: reading an older generation", "generation", name, "problems", joinErrors(problems))
	}
	return r, name, nil
}

// openReader opens the index at path. A server's writer may be merging in
// it at the same moment and remove the snapshot being read ("unable to find
// a usable snapshot"); that is retried a few times before it is an error.
func openReader(path string) (*bluge.Reader, error) {
	var err error
	for attempt := range openAttempts {
		var r *bluge.Reader
		if r, err = bluge.OpenReader(bluge.DefaultConfig(path)); err == nil {
			return r, nil
		}
		time.Sleep(time.Duration(attempt+1) * 20 * time.Millisecond)
	}
	return nil, err
}

// openAttempts bounds openReader's retries (about 1 s in all).
const openAttempts = 10

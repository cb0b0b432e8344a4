package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/blugelabs/bluge"
	"github.com/blugelabs/bluge/index"

	"github.com/wensou/wensou/corpus"
)

// logSeqFile holds, in a generation's directory, the sequence of the last
// write of the replicated log (package cluster) applied to it.
const logSeqFile = "LOGSEQ"

// Op is one write of the replicated log: a document to put, or, with
// Delete, the id to delete.
type Op struct {
	Doc    corpus.Document
	Delete bool
	ID     string // of a delete
}

func (o Op) id() string {
	if o.Delete {
		return o.ID
	}
	return o.Doc.ID
}

// ErrLogGap is returned by ApplyLog when the served generation has not
// applied the writes before the batch (a new generation was switched in):
// nothing was written; resume from Applied.
var ErrLogGap = errors.New("log writes do not follow the generation's applied sequence")

// ApplyLog writes ops, the log's writes first..last in order, as one batch
// (the last op of an id wins) and then records last as the served
// generation's applied log sequence. The sequence is written after the batch is durable, so a crash
// between the two replays a few writes on restart: harmless, since putting
// or deleting a document again gives the same index. A document that fails
// validation is skipped (it was checked before it was logged; one bad
// message must not stop a replica), the others are written.
func (x *Writable) ApplyLog(ctx context.Context, ops []Op, first, last uint64) error {
	b := bluge.NewBatch()
	a := x.analysis()
	for i, o := range ops {
		if err := ctx.Err(); err != nil {
			return err
		}
		if lastOf(ops, i) {
			if err := addOp(b, o, a); err != nil {
				return fmt.Errorf("log write %d (%s): %w", i, o.id(), err)
			}
		}
	}
	return x.applyThen(ctx, b, func() error {
		if x.logSeq+1 < first {
			return fmt.Errorf("%w: %s applied %d, the batch starts at %d", ErrLogGap, x.gen, x.logSeq, first)
		}
		return nil
	}, func() error { return x.setApplied(last) })
}

// lastOf reports whether ops[i] is the last op on its id.
func lastOf(ops []Op, i int) bool {
	id := ops[i].id()
	for _, o := range ops[i+1:] {
		if o.id() == id {
			return false
		}
	}
	return true
}

// addOp adds one log write to b; a document the index cannot hold is
// left out (see ApplyLog).
func addOp(b *index.Batch, o Op, a Analyzers) error {
	if o.Delete {
		b.Delete(bluge.Identifier(o.ID))
		return nil
	}
	if err := checkDocuments([]corpus.Document{o.Doc}); err != nil {
		slog.Warn("index: a logged document the index cannot hold is skipped", "id", o.Doc.ID, "err", err)
		return nil
	}
	bd, err := newDocument(o.Doc, a, OriginAPI)
	if err != nil {
		return err
	}
	b.Update(bluge.Identifier(o.Doc.ID), bd)
	return nil
}

// Applied is the served generation and the sequence of the last log write
// applied to it (0: none; a new generation starts at the sequence its
// builder recorded, or 0).
func (x *Writable) Applied() (gen string, seq uint64) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.gen, x.logSeq
}

// setApplied records seq for the served generation (x.mu held).
func (x *Writable) setApplied(seq uint64) error {
	if x.dir != nil {
		path := filepath.Join(x.dir.GenPath(x.gen), logSeqFile)
		// Not fsynced: bluge fsynced the batch before, so the sequence
		// can never be durable ahead of the writes it counts; lost or torn
		// by a crash, it is behind (or unreadable: 0), and the replica
		// replays a little more.
		if err := os.WriteFile(path+tmpSuffix, []byte(strconv.FormatUint(seq, 10)+"\n"), 0o644); err != nil {
			return fmt.Errorf("record applied log sequence: %w", err)
		}
		if err := os.Rename(path+tmpSuffix, path); err != nil {
			return fmt.Errorf("record applied log sequence: %w", err)
		}
	}
	x.logSeq = seq
	return nil
}

// readLogSeq reads generation path's applied log sequence (0 when none
// was recorded or it is unreadable).
func readLogSeq(path string) (uint64, error) {
	b, err := os.ReadFile(filepath.Join(path, logSeqFile))
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", logSeqFile, err)
	}
	seq, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil { // torn by a crash: replaying the whole log is harmless
		slog.Warn("index: the applied log sequence is unreadable; the log will be replayed from the start", "generation", filepath.Base(path), "content", string(b))
		return 0, nil
	}
	return seq, nil
}

// CheckDocuments validates documents before they are written or logged: an
// id that is not addressable (corpus.CheckID), a publish time the index
// cannot hold (corpus.CheckPublished).
func CheckDocuments(docs []corpus.Document) error { return checkDocuments(docs) }

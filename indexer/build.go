package indexer

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/blugelabs/bluge"
	"github.com/blugelabs/bluge/index"

	"github.com/wensou/wensou/corpus"
)

// ErrEmptyBuild is returned when a run got no documents; nothing is switched.
var ErrEmptyBuild = errors.New("no documents to index: nothing switched")

// Changes counts what a run did to the index, by document.
type Changes struct {
	Added     int `json:"added"`
	Updated   int `json:"updated"`
	Deleted   int `json:"deleted"`
	Unchanged int `json:"unchanged"`
	Documents int `json:"documents"` // in the new generation
	Segments  int `json:"segments"`  // of the new generation: 1 after a full run without pushed documents
}

// Build writes docs into a new generation of d and switches to it: a full
// rebuild. Documents pushed through the API are carried over.
func (d *Dir) Build(ctx context.Context, docs <-chan corpus.Document, a Analyzers, opt Options) (string, Changes, error) {
	return d.run(ctx, docs, a, opt, false)
}

// Update is an incremental run: the new generation starts as a copy of the
// served one; documents whose hash is unchanged are not re-analysed, changed
// and new ones are written, and documents from sources that are gone are
// deleted (documents pushed through the API are kept). A run over unchanged
// sources changes nothing and switches nothing.
func (d *Dir) Update(ctx context.Context, docs <-chan corpus.Document, a Analyzers, opt Options) (string, Changes, error) {
	return d.run(ctx, docs, a, opt, true)
}

// run is the one path of every generation: write to DIR/gen-N.tmp, carry
// pushed documents over under the lock, close, verify, rename and switch.
// A run that fails or is killed leaves the served generation untouched;
// the next run removes what it left.
func (d *Dir) run(ctx context.Context, docs <-chan corpus.Document, a Analyzers, opt Options, incremental bool) (string, Changes, error) {
	defer drain(docs)
	unlock, err := d.lockBuild()
	if err != nil {
		return "", Changes{}, err
	}
	defer unlock()
	return d.runLocked(ctx, docs, a, opt, incremental)
}

// runLocked is run with the build lock held.
func (d *Dir) runLocked(ctx context.Context, docs <-chan corpus.Document, a Analyzers, opt Options, incremental bool) (string, Changes, error) {
	if err := d.cleanTemp(); err != nil {
		return "", Changes{}, err
	}
	name, err := d.nextName()
	if err != nil {
		return "", Changes{}, err
	}
	if incremental {
		same, err := d.currentSchema()
		if err != nil {
			return "", Changes{}, err
		}
		incremental = same // another schema: every document is analysed again
	}
	j := &job{dir: d, name: name, tmp: d.GenPath(name + tmpSuffix), a: a, opt: opt.withDefaults()}
	err = j.run(ctx, docs, incremental)
	if err != nil {
		return "", j.changes, noSpace(errors.Join(err, os.RemoveAll(j.tmp)))
	}
	if j.noop {
		return j.base, j.changes, errors.Join(os.RemoveAll(j.tmp))
	}
	return name, j.changes, nil
}

// job is one run writing one new generation.
type job struct {
	dir       *Dir
	name, tmp string
	base      string           // generation the run started from ("" if none)
	old       map[string]entry // its documents
	ids       idSet            // documents the new generation must hold
	seen      idSet            // documents this run's sources gave
	a         Analyzers
	opt       Options
	w         *index.Writer
	compact   *compactor // full runs: merged into one segment before the switch
	// accumulated: the run folds its documents into iceseg.Accumulators
	// (a full run, unless SegmentBytes is negative), merged down to
	// Options.MaxSegments at the end.
	accumulated bool
	changes     Changes
	noop        bool
	kept        *keptSet // opt.Keep's answer, once asked
	keepErr     error    // copying the kept documents of a full run failed
	unreadErr   error    // a run that analyses everything got an Unread document
}

func (j *job) run(ctx context.Context, docs <-chan corpus.Document, incremental bool) error {
	if err := j.start(ctx, incremental); err != nil {
		return err
	}
	j.accumulated = !incremental && j.compact != nil && j.opt.withDefaults().SegmentBytes > 0
	if j.compact != nil {
		g := raiseGC(fullRunGCPercent, memoryLimit(j.opt, j.accumulated))
		defer g.restore()
		if j.accumulated {
			j.opt.afterSegment = func() { g.roomAbove(accumulatorRoom(j.opt)) }
		}
	}
	err := j.write(ctx, docs, incremental)
	if err == nil {
		err = errors.Join(j.keepErr, j.unreadErr)
	}
	if err == nil && incremental {
		err = j.deleteGone()
	}
	if err == nil && j.opt.Retract != nil {
		err = j.retract(j.opt.Retract())
	}
	if err == nil && j.ids.len() == 0 && !j.opt.AllowEmpty {
		err = ErrEmptyBuild
	}
	if err == nil && j.compact != nil { // before the lock: pushes wait only for the carry-over
		err = j.compactAll(ctx)
	}
	if err != nil {
		return errors.Join(err, j.w.Close())
	}
	return j.commit(ctx, incremental)
}

// compactAll merges the run's segments: batch segments into one; the
// segments of an accumulating run down to Options.MaxSegments.
func (j *job) compactAll(ctx context.Context) error {
	if j.accumulated {
		n, err := segments(j.w)
		if err != nil {
			return err
		}
		j.compact.keepSegments(n, min(n, j.opt.withDefaults().MaxSegments))
	}
	return j.compact.compact(ctx, j.w)
}

// start reads the served generation's manifest and opens the writer on the
// new one, a copy of the served one for incremental runs.
func (j *job) start(ctx context.Context, incremental bool) error {
	j.ids, j.seen = idSet{}, idSet{}
	r, base, err := j.dir.Open()
	switch {
	case errors.Is(err, ErrNoGeneration):
		j.old = map[string]entry{}
	case err != nil:
		return err
	default:
		defer r.Close()
		j.base = base
		if j.old, err = manifest(ctx, r); err != nil {
			return err
		}
		if incremental {
			if err := copyIndex(r, j.tmp); err != nil {
				return err
			}
			for id := range j.old {
				j.ids.add(id)
			}
		}
	}
	if !incremental || j.base == "" {
		j.compact = &compactor{fanIn: j.opt.MergeFanIn}
	}
	j.w, err = index.OpenWriter(writerConfig(j.tmp, j.compact))
	if err != nil {
		return fmt.Errorf("open writer %s: %w", j.tmp, err)
	}
	return nil
}

func copyIndex(r *bluge.Reader, path string) error {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return fmt.Errorf("copy index: %w", err)
	}
	if err := r.Backup(path, nil); err != nil {
		return fmt.Errorf("copy index to %s: %w", path, err)
	}
	return nil
}

// write classifies each document against the old manifest and writes the
// ones that need it. The classifying goroutine has ended when write
// returns, so the counts and id sets are the job's alone again.
func (j *job) write(ctx context.Context, docs <-chan corpus.Document, incremental bool) error {
	fctx, stop := context.WithCancel(ctx)
	todo := make(chan corpus.Document, j.opt.BatchSize)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(todo)
		j.classifyAll(fctx, docs, todo, incremental)
	}()
	_, err := write(ctx, j.w, todo, j.a, j.opt, incremental, j.accumulated)
	stop()
	drain(todo)
	<-done
	if err == nil {
		err = ctx.Err()
	}
	return err
}

// classifyAll passes on the documents that must be written until docs is
// closed or ctx ends.
func (j *job) classifyAll(ctx context.Context, docs <-chan corpus.Document, todo chan<- corpus.Document, incremental bool) {
	for {
		var doc corpus.Document
		var ok bool
		select {
		case doc, ok = <-docs:
			if !ok {
				if !incremental {
					j.keepErr = j.copyKept(ctx, todo)
				}
				return
			}
		case <-ctx.Done():
			return
		}
		if doc.Unread && !incremental { // the schema changed since the reader looked
			j.unreadErr = fmt.Errorf("%w (the index's schema changed: document %s was not read)", ErrConcurrentRun, doc.ID)
			return
		}
		if !j.classify(doc) && (incremental || doc.Unread) {
			continue
		}
		select {
		case todo <- doc:
		case <-ctx.Done():
			return
		}
	}
}

// classify counts doc and reports whether it must be (re)analysed.
func (j *job) classify(doc corpus.Document) bool {
	if !j.seen.add(doc.ID) {
		return false
	}
	j.ids.add(doc.ID)
	old, ok := j.old[doc.ID]
	if doc.Unread { // the reader knew it from the served generation: keep that version
		if !ok { // deleted over the API since the reader looked: it stays deleted
			j.ids.remove(doc.ID)
			return false
		}
		j.changes.Unchanged++ // or pushed over since: the carry-over writes the pushed version
		return false
	}
	switch {
	case !ok:
		j.changes.Added++
	case old.hash == doc.Hash && doc.Hash != "" && old.origin == "":
		j.changes.Unchanged++
		return false
	default:
		j.changes.Updated++
	}
	return true
}

// retract deletes ids the run wrote but must not keep.
func (j *job) retract(ids []string) error {
	b := bluge.NewBatch()
	n := 0
	for _, id := range ids {
		if !j.ids.has(id) {
			continue
		}
		b.Delete(bluge.Identifier(id))
		j.ids.remove(id)
		if _, existed := j.old[id]; existed {
			j.changes.Deleted++
		} else {
			j.changes.Added--
		}
		n++
	}
	if n == 0 {
		return nil
	}
	if err := j.w.Batch(b); err != nil {
		return fmt.Errorf("retract %d documents: %w", n, err)
	}
	return nil
}

// keptSet is what the run keeps of the previous generation (Options.Keep),
// asked once the sources have been read.
func (j *job) keptSet() keptSet {
	if j.kept == nil {
		var k Kept
		if j.opt.Keep != nil {
			k = j.opt.Keep()
		}
		s := k.set()
		j.kept = &s
	}
	return *j.kept
}

// deleteGone deletes documents of sources that this run did not see, but
// for those it keeps (counted unchanged).
func (j *job) deleteGone() error {
	keep := j.keptSet()
	b := bluge.NewBatch()
	for id, e := range j.old {
		if e.origin == OriginAPI || j.seen.has(id) {
			continue
		}
		if keep.keeps(e) {
			j.changes.Unchanged++
			continue
		}
		b.Delete(bluge.Identifier(id))
		j.ids.remove(id)
		j.changes.Deleted++
	}
	if j.changes.Deleted == 0 {
		return nil
	}
	if err := j.w.Batch(b); err != nil {
		return fmt.Errorf("delete %d documents: %w", j.changes.Deleted, err)
	}
	return nil
}

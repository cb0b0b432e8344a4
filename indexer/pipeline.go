package indexer

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/blugelabs/bluge"
	"github.com/blugelabs/bluge/index"
	segapi "github.com/blugelabs/bluge_segment_api"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer/iceseg"
)

// Options tune a build. The zero value means defaults.
type Options struct {
	// BatchSize is how many documents go into one bluge batch (one segment,
	// one fsync). Default 1000: with two writers, two interim segments of
	// 1,000 poems kept the poetry rebuild's peak RSS at 807 MB.
	BatchSize int
	// Workers analyse documents in parallel. Default GOMAXPROCS.
	Workers int
	// Writers write batches in parallel: bluge builds each batch's segment
	// on the goroutine that calls Batch, single-threaded, and that is the
	// slowest step of a build (see docs/BENCHMARKS.md). Default 2 (1 on one
	// CPU): on 2 cores the poetry rebuild took 37.5-39.1 s instead of 45.8 s
	// with one writer; more writers cost memory (an interim segment each).
	Writers int
	// MergeFanIn is how many segments one merge of a full run reads,
	// default 1024: up to that many batches are merged in one round, so no
	// document is merged twice (with 64, the poetry rebuild's 79 batches
	// merged in two rounds and most of the data was written twice).
	MergeFanIn int
	// SegmentBytes is how much memory a full run's segment builder
	// (iceseg.Accumulator) fills before it writes a segment: a full run
	// folds each analysed document into it, so it builds one segment per
	// SegmentBytes instead of one per batch, and merges only those at the
	// end. Default 512 MiB: the poetry corpus (78,660 poems, 429 MiB) in
	// one segment, 750-765 MB peak RSS; ten times the corpus and man-zh's:
	// 10 segments); negative: batches of BatchSize, as incremental runs
	// write.
	SegmentBytes int
	// MaxSegments is how many accumulated segments a full run leaves;
	// past it, the smallest are merged (bluge's merge, serial). Default 1:
	// searches are fastest on one segment (ten segments of ten times the
	// bench corpus cost 1.4x the CPU per search and tripled the slowest
	// query), while the merge is a serial pass at the end of the run.
	// Batch segments are always merged into one.
	MaxSegments int
	// Progress, when set, is called after every batch with the running count.
	Progress func(documents int, bytes int64)
	// Retract, when set, is called once every document has been written
	// and returns ids the run must not keep (a form of an article that a
	// later form with a URL replaced, see Report.Retracted).
	Retract func() []string
	// Keep, when set, is called once the sources have been read and
	// returns what the run keeps of the previous generation although it
	// did not read it (crawled pages not modified or failed transiently,
	// the pages of a sitemap that failed transiently): an incremental run
	// does not delete them, a full run copies them over.
	Keep func() Kept
	// AllowEmpty lets a run that got no documents still write and switch
	// to its generation (an empty index, or only the documents pushed
	// through the API): how a new named index starts, and how a
	// re-analysis of an index of pushed documents runs. Without it such a
	// run fails with ErrEmptyBuild and switches nothing.
	AllowEmpty bool

	// afterSegment, when set, is called after each accumulated segment
	// is written (the run's collector tuning, see gcTuning.roomAbove).
	afterSegment func()
}

// defaultMaxSegments is Options.MaxSegments' default.
const defaultMaxSegments = 1

func (o Options) withDefaults() Options {
	if o.BatchSize <= 0 {
		o.BatchSize = 1000
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Writers <= 0 {
		o.Writers = min(2, runtime.GOMAXPROCS(0))
	}
	if o.MergeFanIn <= 1 {
		o.MergeFanIn = compactFanIn
	}
	if o.SegmentBytes == 0 {
		o.SegmentBytes = 512 << 20
	}
	if o.MaxSegments <= 0 {
		o.MaxSegments = defaultMaxSegments
	}
	return o
}

// analyzed is a bluge document whose analysis already ran in a pipeline
// worker, so the writer's own analysis pass does nothing.
type analyzed struct{ doc *bluge.Document }

func (a analyzed) Analyze()                       {}
func (a analyzed) EachField(vf segapi.VisitField) { a.doc.EachField(vf) }

// batcher is what a build writes to: a bluge.Writer or an index.Writer.
type batcher interface {
	Batch(*index.Batch) error
}

type prepared struct {
	id    string
	doc   analyzed
	bytes int64
}

// write analyses docs on opt.Workers goroutines and writes them to w in
// batches: inserted into a fresh index, or, with update, replacing any
// document of the same id. With accumulate (a full run into a writer
// whose segment plugin is an iceseg.Builder), it writes them as segments
// built by an iceseg.Accumulator instead. It returns the number of
// documents written.
func write(ctx context.Context, w batcher, docs <-chan corpus.Document, a Analyzers, opt Options, update, accumulate bool) (int, error) {
	opt = opt.withDefaults()
	parent := ctx
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	// A small buffer: the batch being filled while the writers work is the
	// real buffer, and every analysed document waiting here holds its
	// token streams (tens of KB), which is what bounds a build's memory.
	out := make(chan prepared, 16*opt.Workers)
	var wg sync.WaitGroup
	for range opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := analyse(ctx, docs, out, a); err != nil && ctx.Err() == nil {
				cancel(err) // the first failing document fails the write
			}
		}()
	}
	workersDone := make(chan struct{})
	go func() { wg.Wait(); close(out); close(workersDone) }()
	var n int
	var werr error
	if accumulate {
		n, werr = accumulated(ctx, w, out, opt)
	} else {
		n, werr = batches(ctx, w, out, opt, update)
	}
	cancel(nil)
	<-workersDone
	if werr == nil {
		werr = parent.Err()
	}
	if cause := context.Cause(ctx); werr == nil && !errors.Is(cause, context.Canceled) {
		werr = cause
	}
	return n, werr
}

// analyse turns documents into analysed bluge documents until docs is
// closed or ctx ends (even while no document arrives).
func analyse(ctx context.Context, docs <-chan corpus.Document, out chan<- prepared, a Analyzers) error {
	for {
		var d corpus.Document
		var ok bool
		select {
		case d, ok = <-docs:
			if !ok {
				return nil
			}
		case <-ctx.Done():
			return ctx.Err()
		}
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
}

// batches groups prepared documents into batches, skipping repeated ids
// (the first one wins), and writes them on opt.Writers goroutines. Batches
// never share an id, so the order in which bluge introduces them does not
// matter. It returns the number of documents written by successful batches.
func batches(ctx context.Context, w batcher, in <-chan prepared, opt Options, update bool) (int, error) {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type full struct {
		batch *index.Batch
		n     int
		bytes int64
	}
	todo := make(chan full)
	var (
		mu      sync.Mutex
		total   int
		written int64
		werr    error
		wg      sync.WaitGroup
	)
	for range opt.Writers {
		wg.Go(func() {
			for f := range todo {
				err := w.Batch(f.batch)
				mu.Lock()
				if err != nil {
					if werr == nil {
						werr = fmt.Errorf("write batch of %d: %w", f.n, err)
					}
					cancel()
				} else {
					total += f.n
					written += f.bytes
					if opt.Progress != nil {
						opt.Progress(total, written)
					}
				}
				mu.Unlock()
			}
		})
	}
	seen := make(map[string]struct{})
	cur := full{batch: index.NewBatch()}
	send := func() bool {
		if cur.n == 0 {
			return true
		}
		select {
		case todo <- cur:
		case <-wctx.Done():
			return false
		}
		cur = full{batch: index.NewBatch()}
		return true
	}
	ok := true
	for p := range in {
		if _, dup := seen[p.id]; dup {
			continue
		}
		seen[p.id] = struct{}{}
		if update {
			cur.batch.Update(bluge.Identifier(p.id), p.doc)
		} else {
			cur.batch.Insert(p.doc)
		}
		cur.n++
		cur.bytes += p.bytes
		if cur.n >= opt.BatchSize {
			if ok = send(); !ok {
				break
			}
		}
		if wctx.Err() != nil {
			ok = false
			break
		}
	}
	if ok {
		send()
	}
	close(todo)
	wg.Wait()
	if werr != nil {
		return total, werr
	}
	return total, ctx.Err()
}

// accumulated folds prepared documents, skipping repeated ids (the first
// one wins), into iceseg.Accumulators of up to opt.SegmentBytes and writes
// each as one segment: a batch of its iceseg.Prebuilt, which the writer's
// iceseg.Builder loads. A full accumulator is encoded and written before
// the next one fills (the analysis workers wait meanwhile), so a run holds
// one at a time. It returns the number of documents written.
func accumulated(ctx context.Context, w batcher, in <-chan prepared, opt Options) (int, error) {
	seen := make(map[string]struct{})
	acc := iceseg.NewAccumulator(bm25Norm)
	var written, n int
	var bytes int64
	flush := func() error {
		k := acc.Len()
		if err := writeAccumulated(w, acc); err != nil {
			return err
		}
		written += k
		acc = iceseg.NewAccumulator(bm25Norm)
		if opt.afterSegment != nil {
			opt.afterSegment()
		}
		return nil
	}
	for p := range in {
		if _, dup := seen[p.id]; dup {
			continue
		}
		seen[p.id] = struct{}{}
		if err := acc.Add(p.doc); err != nil {
			return written, fmt.Errorf("document %s: %w", p.id, err)
		}
		n++
		bytes += p.bytes
		if n%1000 == 0 && opt.Progress != nil {
			opt.Progress(n, bytes)
		}
		if acc.Len()%256 == 0 && acc.Size() >= opt.SegmentBytes {
			if err := flush(); err != nil {
				return written, err
			}
		}
		if err := ctx.Err(); err != nil {
			return written, err
		}
	}
	if acc.Len() > 0 {
		if err := flush(); err != nil {
			return written, err
		}
	}
	if opt.Progress != nil {
		opt.Progress(n, bytes)
	}
	return written, ctx.Err()
}

// writeAccumulated encodes acc's segment and writes it to w.
func writeAccumulated(w batcher, acc *iceseg.Accumulator) error {
	n := acc.Len()
	p, err := acc.Segment()
	if err != nil {
		return fmt.Errorf("build segment of %d documents: %w", n, err)
	}
	b := index.NewBatch()
	b.Insert(p)
	if err := w.Batch(b); err != nil {
		return fmt.Errorf("write segment of %d documents: %w", n, err)
	}
	return nil
}

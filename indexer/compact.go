package indexer

import (
	"context"
	"fmt"
	"math"
	"sync/atomic"
	"time"

	"github.com/blugelabs/bluge"
	"github.com/blugelabs/bluge/index"
	"github.com/blugelabs/bluge/index/mergeplan"
	"github.com/blugelabs/bluge/search/similarity"
	"github.com/blugelabs/ice"

	"github.com/wensou/wensou/indexer/iceseg"
)

// compactor is the merge policy of a full run. While batches are written
// nothing is merged (every merge of a half-built index would be redone);
// before the generation is switched, compact merges the batch segments
// into one. Searches then open each term's postings once instead of once
// per segment, and a build spends its merge work once, on a core that no
// longer analyses. A full run of accumulated segments (Options.SegmentBytes
// each) merges them down to Options.MaxSegments (default 1), the smallest
// first; more segments end a run past one accumulator sooner (bluge's
// merge is serial) at a cost to every search (docs/BENCHMARKS.md).
type compactor struct {
	fanIn  int                   // segments one merge reads
	all    atomic.Bool           // merge down to keep segments now
	keep   atomic.Int64          // segments a compaction leaves (at least 1)
	excess atomic.Int64          // with keep > 1: how many of the smallest one merge reads
	failed atomic.Pointer[error] // the writer's last asynchronous error
}

// asyncError records an error of bluge's merger or persister, which ends
// a compaction waiting for them.
func (c *compactor) asyncError(err error) { c.failed.Store(&err) }

// budget is mergeplan's segment budget: unlimited while building, keep
// when compacting.
func (c *compactor) budget(int64, int64, *mergeplan.Options) int {
	if c.all.Load() {
		return c.target()
	}
	return math.MaxInt32
}

// score is mergeplan's roster score (lower is better). Merging down to
// keep > 1 segments, the roster of the excess smallest ones wins (mergeplan
// offers the runs of segments by size, smallest last), so the run's large
// segments stay as written; otherwise mergeplan's own score.
func (c *compactor) score(roster []mergeplan.Segment, o *mergeplan.Options) float64 {
	if c.all.Load() && c.target() > 1 {
		return math.Abs(float64(len(roster)-int(c.excess.Load()))) + 1/float64(len(roster)+1)
	}
	return mergeplan.ScoreSegments(roster, o)
}

// keepSegments makes compact leave keep of the n segments there are.
func (c *compactor) keepSegments(n, keep int) {
	c.keep.Store(int64(keep))
	c.excess.Store(int64(max(n-keep+1, 0)))
}

// target is the number of segments compact merges down to.
func (c *compactor) target() int { return int(max(c.keep.Load(), 1)) }

// writerConfig is bluge.DefaultConfig(path) (BM25 norms, the virtual
// _all field) at the index level, so that the merge policy and the
// segment builder can be set: batches are built by an iceseg.Builder
// (the ice v1 format, the bytes of ice.New, at a fraction of its cost;
// docs/BENCHMARKS.md); with c, the policy of a full run; without,
// bluge's default tiers.
func writerConfig(path string, c *compactor) index.Config {
	cfg := index.DefaultConfig(path)
	all := bluge.NewKeywordField("", "")
	_ = all.Analyze(0)
	cfg = cfg.WithVirtualField(all).WithNormCalc(bm25Norm)
	cfg = cfg.WithSegmentPlugin(&index.SegmentPlugin{
		Type: ice.Type, Version: ice.Version,
		New: iceseg.NewBuilder().New, Load: ice.Load, Merge: ice.Merge,
	})
	if c != nil {
		cfg.AsyncError = c.asyncError
		cfg.MergePlanOptions.CalcBudget = c.budget
		cfg.MergePlanOptions.ScoreSegments = c.score
		cfg.MergePlanOptions.SegmentsPerMergeTask = max(c.fanIn, 2)
		cfg.MergePlanOptions.MaxSegmentSize = mergeplan.MaxSegmentSizeLimit // documents
	}
	return cfg
}

// bm25Norm is the norm of a field of n tokens: bluge.DefaultConfig's.
func bm25Norm(_ string, n int) float32 {
	return similarity.NewBM25Similarity().ComputeNorm(n)
}

// compactFanIn is the default of Options.MergeFanIn: a full run of up to
// that many batches (a million documents at the default batch size) is
// merged in one round; a bigger one in rounds.
const compactFanIn = 1024

// compactPoll is how often compact checks the segment count, and
// compactNudge how often it writes another empty batch while waiting.
const (
	compactPoll  = 20 * time.Millisecond
	compactNudge = 500 * time.Millisecond
)

// compact merges the segments of w down to c.target() (one unless a full
// run of accumulated segments set keep) and returns once the result is
// persisted. bluge plans merges when its persister reports a
// new snapshot, so batches that delete nothing start the plan: one now and
// one every compactNudge (the merger may register for the report after
// the persister went idle; bluge v0.2.2 then waits for the next batch),
// and a last one, which returns after its snapshot is persisted.
func (c *compactor) compact(ctx context.Context, w *index.Writer) error {
	c.all.Store(true)
	defer c.all.Store(false)
	last := time.Now()
	if err := nudge(w); err != nil {
		return err
	}
	for {
		n, err := segments(w)
		if err != nil {
			return err
		}
		if n <= c.target() {
			return nudge(w)
		}
		if e := c.failed.Load(); e != nil {
			return fmt.Errorf("compact %d segments: %w", n, *e)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("compact %d segments: %w", n, ctx.Err())
		case <-time.After(compactPoll):
		}
		if time.Since(last) >= compactNudge {
			last = time.Now()
			if err := nudge(w); err != nil {
				return err
			}
		}
	}
}

// nudge writes a batch deleting an id no document has: a new snapshot
// with the same documents.
func nudge(w *index.Writer) error {
	b := index.NewBatch()
	b.Delete(bluge.Identifier("\x00compact"))
	if err := w.Batch(b); err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	return nil
}

// segments counts the segments of w's current snapshot.
func segments(w *index.Writer) (int, error) {
	s, err := w.Reader()
	if err != nil {
		return 0, fmt.Errorf("compact: snapshot: %w", err)
	}
	defer s.Close()
	return len(s.Segments()), nil
}

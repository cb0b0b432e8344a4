package indexer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Job states.
const (
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// ErrBusy is returned when a job is started while another one runs.
var ErrBusy = errors.New("another index job is running")

// Job is the state of a background index job (a reindex or a
// re-analysis), as reported by GET /api/admin/jobs/{id}.
type Job struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	State     string    `json:"state"`
	Started   time.Time `json:"started"`
	Finished  time.Time `json:"finished,omitzero"`
	Documents int64     `json:"documents"` // written so far
	Bytes     int64     `json:"bytes"`     // of text written so far
	Changes   *Changes  `json:"changes,omitempty"`
	Error     string    `json:"error,omitempty"`
}

// JobFunc does a job's work, reporting progress as it goes.
type JobFunc func(ctx context.Context, progress func(documents int, bytes int64)) (Changes, error)

// Jobs runs one index job at a time in the background and remembers the
// last ones.
type Jobs struct {
	ctx  context.Context
	mu   sync.Mutex
	jobs map[string]*jobState
	busy bool
	wg   sync.WaitGroup
}

type jobState struct {
	mu        sync.Mutex
	job       Job
	documents atomic.Int64
	bytes     atomic.Int64
	done      chan struct{}
}

// maxJobs is how many finished jobs are remembered.
const maxJobs = 100

// NewJobs runs jobs under ctx: cancelling it cancels the running job.
func NewJobs(ctx context.Context) *Jobs {
	return &Jobs{ctx: ctx, jobs: map[string]*jobState{}}
}

// Start starts fn as a job of kind and returns its initial state.
func (js *Jobs) Start(kind string, fn JobFunc) (Job, error) {
	js.mu.Lock()
	defer js.mu.Unlock()
	if js.busy {
		return Job{}, ErrBusy
	}
	js.busy = true
	js.forgetOld()
	st := &jobState{job: Job{ID: newJobID(), Kind: kind, State: JobRunning, Started: time.Now().UTC()}, done: make(chan struct{})}
	js.jobs[st.job.ID] = st
	js.wg.Add(1)
	go js.run(st, fn)
	return st.snapshot(), nil
}

func (js *Jobs) run(st *jobState, fn JobFunc) {
	defer js.wg.Done()
	ch, err := fn(js.ctx, func(n int, b int64) { st.documents.Store(int64(n)); st.bytes.Store(b) })
	st.mu.Lock()
	st.job.Finished = time.Now().UTC()
	st.job.Changes = &ch
	st.job.State = JobDone
	if err != nil {
		st.job.State, st.job.Error = JobFailed, err.Error()
	}
	st.mu.Unlock()
	close(st.done)
	js.mu.Lock()
	js.busy = false
	js.mu.Unlock()
}

// Get returns the state of job id.
func (js *Jobs) Get(id string) (Job, bool) {
	js.mu.Lock()
	st, ok := js.jobs[id]
	js.mu.Unlock()
	if !ok {
		return Job{}, false
	}
	return st.snapshot(), true
}

// Wait blocks until job id finishes or ctx ends, and returns its state.
func (js *Jobs) Wait(ctx context.Context, id string) (Job, error) {
	js.mu.Lock()
	st, ok := js.jobs[id]
	js.mu.Unlock()
	if !ok {
		return Job{}, errors.New("no such job")
	}
	select {
	case <-st.done:
		return st.snapshot(), nil
	case <-ctx.Done():
		return st.snapshot(), ctx.Err()
	}
}

// Close waits for the running job (cancel the Jobs context first to stop it).
func (js *Jobs) Close() { js.wg.Wait() }

func (st *jobState) snapshot() Job {
	st.mu.Lock()
	defer st.mu.Unlock()
	j := st.job
	j.Documents, j.Bytes = st.documents.Load(), st.bytes.Load()
	return j
}

// forgetOld drops the oldest finished jobs beyond maxJobs.
func (js *Jobs) forgetOld() {
	for len(js.jobs) >= maxJobs {
		var oldest *jobState
		for _, st := range js.jobs {
			s := st.snapshot()
			if s.State != JobRunning && (oldest == nil || s.Started.Before(oldest.snapshot().Started)) {
				oldest = st
			}
		}
		if oldest == nil {
			return
		}
		delete(js.jobs, oldest.job.ID)
	}
}

func newJobID() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return "job-" + hex.EncodeToString(b[:])
}

package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
)

// Index is what a replica applies the log to (an *indexer.Writable).
type Index interface {
	ApplyLog(ctx context.Context, ops []indexer.Op, first, last uint64) error
	Applied() (gen string, seq uint64)
}

// Config configures a replica. The zero value of each field means its
// default.
type Config struct {
	Log          LogConfig
	Advertise    string        // this replica's base URL, announced to its peers
	MaxLag       int           // messages behind the log's head a ready replica may be; default 1,000
	MaxLagTime   time.Duration // how long a ready replica may stay behind; default 5s
	Batch        int           // log writes applied as one index batch at most; default 512
	ApplyTimeout time.Duration // how long a write waits to be applied here; default 10s
	StartTimeout time.Duration // how long Start tries to reach the log; default 60s
	Ship         *ShipConfig   // nil: generations are not followed (ship.go)
}

func (c Config) withDefaults() Config {
	if c.MaxLag <= 0 {
		c.MaxLag = 1000
	}
	if c.MaxLagTime <= 0 {
		c.MaxLagTime = 5 * time.Second
	}
	if c.Batch <= 0 {
		c.Batch = 512
	}
	if c.ApplyTimeout <= 0 {
		c.ApplyTimeout = 10 * time.Second
	}
	if c.StartTimeout <= 0 {
		c.StartTimeout = time.Minute
	}
	if c.Ship != nil && c.Ship.Client == nil {
		ship := *c.Ship
		ship.Client = &http.Client{Timeout: 10 * time.Minute}
		c.Ship = &ship
	}
	return c
}

// Replica keeps a local index in step with the write log: its apply loop
// reads the log in order from the index's applied sequence and writes it
// in batches; writes through it are logged and answered once applied here.
type Replica struct {
	cfg   Config
	log   *Log
	idx   Index
	peers *peers

	mu       sync.Mutex
	applied  uint64        // what idx has applied, as the loop last saw it
	advanced chan struct{} // closed and replaced whenever applied moves
	head     atomic.Uint64 // the log's last sequence, as last seen
	behind   time.Time     // since when applied < head (zero: caught up)
	startHd  uint64        // the head at start: not ready before it is applied
	started  bool          // the loop has applied up to startHd once

	cancel context.CancelFunc
	done   chan struct{}
}

// Start opens the log and runs the apply loop (and the peer heartbeat)
// until Close.
func Start(ctx context.Context, cfg Config, idx Index) (*Replica, error) {
	cfg = cfg.withDefaults()
	sctx, cancel := context.WithTimeout(ctx, cfg.StartTimeout)
	defer cancel()
	log, err := OpenLog(sctx, cfg.Log)
	if err != nil {
		return nil, err
	}
	head, err := startHead(sctx, log)
	if err != nil {
		log.Close()
		return nil, err
	}
	_, applied := idx.Applied()
	r := &Replica{cfg: cfg, log: log, idx: idx, applied: applied, advanced: make(chan struct{}), startHd: head, done: make(chan struct{})}
	r.head.Store(head)
	r.noteProgress()
	loopCtx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	if r.peers, err = startPeers(loopCtx, log.nc, cfg.Log.Node, cfg.Advertise, r.position); err != nil {
		cancel()
		log.Close()
		return nil, err
	}
	go func() {
		defer close(r.done)
		if cfg.Ship != nil {
			shipped := make(chan struct{})
			go func() { defer close(shipped); r.followGenerations(loopCtx) }()
			defer func() { <-shipped }()
		}
		r.run(loopCtx)
	}()
	return r, nil
}

// startHead reads the log's head, retrying until ctx ends (leaders are
// being elected).
func startHead(ctx context.Context, log *Log) (uint64, error) {
	for {
		hctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		head, err := log.Head(hctx)
		cancel()
		if err == nil {
			return head, nil
		}
		select {
		case <-ctx.Done():
			return 0, err
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// Close stops the apply loop and closes the log connection.
func (r *Replica) Close() {
	r.cancel()
	<-r.done
	r.log.Close()
}

// Put validates docs, logs them and returns the sequence of the last one
// once the log's quorum acknowledged them and this replica applied them.
func (r *Replica) Put(ctx context.Context, docs []corpus.Document) (uint64, error) {
	if err := indexer.CheckDocuments(docs); err != nil {
		return 0, err
	}
	seq, err := r.log.Put(ctx, docs)
	if err != nil {
		return 0, err
	}
	return seq, r.waitWrite(ctx, seq)
}

// Delete logs tombstones for ids and returns the last one's sequence once
// applied here.
func (r *Replica) Delete(ctx context.Context, ids []string) (uint64, error) {
	var seq uint64
	for _, id := range ids {
		s, err := r.log.Delete(ctx, id)
		if err != nil {
			return 0, err
		}
		seq = s
	}
	return seq, r.waitWrite(ctx, seq)
}

// waitWrite waits up to ApplyTimeout for a logged write to be applied.
func (r *Replica) waitWrite(ctx context.Context, seq uint64) error {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.ApplyTimeout)
	defer cancel()
	if err := r.WaitApplied(ctx, seq); err != nil {
		return fmt.Errorf("%w: write %d is logged but not yet applied here: %w", ErrNotApplied, seq, err)
	}
	return nil
}

// WaitApplied waits until this replica applied seq, or ctx ends.
func (r *Replica) WaitApplied(ctx context.Context, seq uint64) error {
	for {
		r.mu.Lock()
		applied, ch := r.applied, r.advanced
		r.mu.Unlock()
		if applied >= seq {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Applied is the last log sequence applied here.
func (r *Replica) Applied() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.applied
}

// setApplied records that the index applied seq (and the head seen).
func (r *Replica) setApplied(seq, head uint64) {
	r.mu.Lock()
	if seq != r.applied {
		r.applied = seq
		close(r.advanced)
		r.advanced = make(chan struct{})
	}
	r.mu.Unlock()
	r.head.Store(max(head, seq))
	r.noteProgress()
}

// noteProgress updates since when the replica is behind, and whether it
// has caught up with the head it saw at start.
func (r *Replica) noteProgress() {
	r.mu.Lock()
	defer r.mu.Unlock()
	head := r.head.Load()
	switch {
	case r.applied >= head:
		r.behind = time.Time{}
	case r.behind.IsZero():
		r.behind = time.Now()
	}
	if r.applied >= r.startHd {
		r.started = true
	}
}

// run applies the log until ctx ends, resuming from the index's applied
// sequence after any error (a lost connection, a new generation).
func (r *Replica) run(ctx context.Context) {
	pause := 100 * time.Millisecond
	for ctx.Err() == nil {
		before := r.Applied()
		err := r.follow(ctx)
		if r.Applied() != before {
			pause = 100 * time.Millisecond
		}
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, errNewGeneration) || errors.Is(err, indexer.ErrLogGap) {
			slog.Info("cluster: replaying the log onto the served generation", "reason", err)
			continue
		}
		slog.Warn("cluster: apply loop stopped; resuming", "err", err, "applied", r.Applied())
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
		pause = min(2*pause, 5*time.Second)
	}
}

// errNewGeneration: the index switched generations (a rebuild); the loop
// resumes from the new one's applied sequence.
var errNewGeneration = errors.New("the index serves a new generation")

// follow reads the log from the index's applied sequence on and applies
// it in batches until an error.
func (r *Replica) follow(ctx context.Context) error {
	gen, applied := r.idx.Applied()
	r.setApplied(applied, r.head.Load())
	cons, err := r.log.js.OrderedConsumer(ctx, LogStream, jetstream.OrderedConsumerConfig{
		DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: applied + 1,
		MaxResetAttempts: 3, // then this loop starts over, with its own pause
	})
	if err != nil {
		return fmt.Errorf("consumer from %d: %w", applied+1, err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(r.cfg.Batch), jetstream.PullHeartbeat(time.Second), jetstream.PullExpiry(5*time.Second))
	if err != nil {
		return fmt.Errorf("consume from %d: %w", applied+1, err)
	}
	stop := make(chan struct{})
	defer close(stop)
	go r.watch(ctx, stop, it)
	next := applied + 1 // the first sequence of the next batch
	for ctx.Err() == nil {
		if g, _ := r.idx.Applied(); g != gen {
			return fmt.Errorf("%w: %s after %s", errNewGeneration, g, gen)
		}
		b, err := r.readBatch(ctx, it)
		if err != nil {
			return err
		}
		if len(b.ops) == 0 {
			r.idle(ctx)
			continue
		}
		if err := r.idx.ApplyLog(ctx, b.ops, next, b.last); err != nil {
			return err
		}
		r.setApplied(b.last, b.head)
		next = b.last + 1
	}
	return ctx.Err()
}

// idle, with nothing to read, refreshes the head.
func (r *Replica) idle(ctx context.Context) {
	hctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if h, err := r.log.Head(hctx); err == nil {
		r.head.Store(max(h, r.Applied()))
	}
	r.noteProgress()
}

// staleAfter is how long the log may hold writes the consumer does not
// deliver before the consumer is replaced (its node died and its own
// reset is slow or stuck).
const staleAfter = 2 * time.Second

// watch stops it when ctx ends or follow returns (stop), and when the
// consumer went stale: the log's head is past what was applied and
// nothing was applied for staleAfter. Next then returns, and the loop
// starts a new consumer from the applied sequence.
func (r *Replica) watch(ctx context.Context, stop <-chan struct{}, it jetstream.MessagesContext) {
	defer it.Stop()
	t := time.NewTicker(staleAfter / 4)
	defer t.Stop()
	last, since := r.Applied(), time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-stop:
			return
		case <-t.C:
		}
		applied := r.Applied()
		hctx, cancel := context.WithTimeout(ctx, staleAfter/4)
		head, err := r.log.Head(hctx)
		cancel()
		if applied != last || err != nil || head <= applied {
			last, since = applied, time.Now()
			continue
		}
		if time.Since(since) > staleAfter {
			slog.Warn("cluster: the log consumer is stale; starting a new one", "head", head, "applied", applied)
			return
		}
	}
}

// batch is what the loop applies at once.
type batch struct {
	ops        []indexer.Op
	last, head uint64
	bytes      int
}

// batchBytes bounds a batch's text, as indexer.Writable.Put does.
const batchBytes = 1 << 20

// readBatch waits up to a second for the next log write, then takes the
// writes already delivered, up to Batch of them and batchBytes of text.
func (r *Replica) readBatch(ctx context.Context, it jetstream.MessagesContext) (batch, error) {
	var b batch
	wait := time.Second
	for len(b.ops) < r.cfg.Batch && b.bytes < batchBytes && ctx.Err() == nil {
		msg, err := it.Next(jetstream.NextMaxWait(wait))
		if errors.Is(err, nats.ErrTimeout) {
			return b, nil
		}
		if err != nil {
			return b, fmt.Errorf("read the log: %w", err)
		}
		if err := b.add(msg); err != nil {
			return b, err
		}
		if b.head == b.last { // nothing more is pending: apply now
			return b, nil
		}
		wait = 20 * time.Millisecond
	}
	return b, nil
}

// add decodes one log message into the batch.
func (b *batch) add(msg jetstream.Msg) error {
	meta, err := msg.Metadata()
	if err != nil {
		return fmt.Errorf("log message metadata: %w", err)
	}
	b.last, b.head = meta.Sequence.Stream, meta.Sequence.Stream+meta.NumPending
	b.bytes += len(msg.Data())
	if msg.Headers().Get(OpHeader) == opDelete {
		id, err := subjectID(msg.Subject())
		if err != nil {
			return err
		}
		b.ops = append(b.ops, indexer.Op{Delete: true, ID: id})
		return nil
	}
	var d corpus.Document
	if err := json.Unmarshal(msg.Data(), &d); err != nil {
		slog.Warn("cluster: a log message is not a document; skipped", "seq", b.last, "err", err)
		return nil
	}
	b.ops = append(b.ops, indexer.Op{Doc: d})
	return nil
}

// Status is a replica's view of the cluster (GET /api/cluster).
type Status struct {
	Node       string `json:"node"`
	Advertise  string `json:"advertise,omitempty"`
	State      string `json:"state"` // ready, catching_up, disconnected
	Generation string `json:"generation"`
	Applied    uint64 `json:"applied"`
	Head       uint64 `json:"head"`
	Lag        uint64 `json:"lag"`
	Connected  bool   `json:"connected"`
	Peers      []Peer `json:"peers"`
}

// Ready reports whether the replica may take traffic: connected to the
// log, caught up with the head it saw at start, and within MaxLag messages
// and MaxLagTime of the head. The status says why not.
func (r *Replica) Ready() (Status, bool) {
	st := r.status()
	return st, st.State == stateReady
}

// States of a replica.
const (
	stateReady        = "ready"
	stateCatchingUp   = "catching_up"
	stateDisconnected = "disconnected"
)

func (r *Replica) status() Status {
	gen, _ := r.idx.Applied()
	r.mu.Lock()
	applied, behind, started := r.applied, r.behind, r.started
	r.mu.Unlock()
	head := max(r.head.Load(), applied)
	st := Status{Node: r.cfg.Log.Node, Advertise: r.cfg.Advertise, Generation: gen, Applied: applied,
		Head: head, Lag: head - applied, Connected: r.log.nc.IsConnected(), Peers: r.peers.list()}
	switch {
	case !st.Connected:
		st.State = stateDisconnected
	case !started || st.Lag > uint64(r.cfg.MaxLag) || (!behind.IsZero() && time.Since(behind) > r.cfg.MaxLagTime):
		st.State = stateCatchingUp
	default:
		st.State = stateReady
	}
	return st
}

// Status is the replica's status, with the log's head read now.
func (r *Replica) Status(ctx context.Context) (Status, error) {
	if h, err := r.log.Head(ctx); err == nil {
		r.head.Store(max(h, r.head.Load()))
		r.noteProgress()
	}
	return r.status(), nil
}

// position is what the heartbeat announces.
func (r *Replica) position() (string, uint64) {
	gen, _ := r.idx.Applied()
	return gen, r.Applied()
}

package cluster_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/blugelabs/bluge"
	"github.com/blugelabs/bluge/analysis"
	"github.com/blugelabs/bluge/analysis/analyzer"

	"github.com/wensou/wensou/cluster"
	"github.com/wensou/wensou/cluster/clustertest"
	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
)

// plain stands in for the segmenter: these tests are about replication.
type plain struct{}

func (plain) IndexWords() *analysis.Analyzer    { return analyzer.NewStandardAnalyzer() }
func (plain) Bigrams() *analysis.Analyzer       { return analyzer.NewStandardAnalyzer() }
func (plain) Pinyin() *analysis.Analyzer        { return analyzer.NewSimpleAnalyzer() }
func (plain) TitlePrefixes() *analysis.Analyzer { return analyzer.NewKeywordAnalyzer() }

func analyzers() indexer.Analyzers { return plain{} }

// node is one replica over its own data directory.
type node struct {
	t    *testing.T
	dir  *indexer.Dir
	x    *indexer.Writable
	r    *cluster.Replica
	cfg  cluster.Config
	open bool
}

// newNode builds a one-document generation in a fresh data directory and starts
// a replica on it.
func newNode(t *testing.T, c *clustertest.Cluster, name string, replicas int) *node {
	t.Helper()
	return newNodeWith(t, c, name, replicas, "")
}

// newNodeWith is newNode following published generations when key (the
// admin key holders ask for) is set.
func newNodeWith(t *testing.T, c *clustertest.Cluster, name string, replicas int, key string) *node {
	t.Helper()
	d, err := indexer.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	seed := make(chan corpus.Document, 1)
	seed <- corpus.Document{ID: "seed", Title: "seed"}
	close(seed)
	if _, _, err := d.Build(context.Background(), seed, plain{}, indexer.Options{}); err != nil {
		t.Fatal(err)
	}
	n := &node{t: t, dir: d, cfg: cluster.Config{
		Log:       cluster.LogConfig{URLs: c.URLs(), Node: name, Replicas: replicas, Timeout: 2 * time.Second},
		Advertise: "http://" + name, ApplyTimeout: 5 * time.Second,
	}}
	if key != "" {
		n.cfg.Ship = &cluster.ShipConfig{Dir: d, Key: key}
	}
	n.start()
	t.Cleanup(n.stop)
	return n
}

func (n *node) start() {
	n.t.Helper()
	x, err := n.dir.OpenWritable(analyzers)
	if err != nil {
		n.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for { // the stream needs a meta leader at first; retry briefly
		n.r, err = cluster.Start(ctx, n.cfg, x)
		if err == nil || ctx.Err() != nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		x.Close()
		n.t.Fatalf("start replica %s: %v", n.cfg.Log.Node, err)
	}
	n.x, n.open = x, true
}

func (n *node) stop() {
	if n.open {
		n.r.Close()
		n.x.Close()
		n.open = false
	}
}

// has reports whether the node's index holds id.
func (n *node) has(id string) bool {
	n.t.Helper()
	r, release, err := n.x.Readers().Acquire()
	if err != nil {
		n.t.Fatal(err)
	}
	defer release()
	q := bluge.NewTermQuery(id).SetField(indexer.FieldID)
	it, err := r.Search(context.Background(), bluge.NewTopNSearch(1, q))
	if err != nil {
		n.t.Fatal(err)
	}
	m, err := it.Next()
	if err != nil {
		n.t.Fatal(err)
	}
	return m != nil
}

func docs(prefix string, n int) []corpus.Document {
	out := make([]corpus.Document, n)
	for i := range out {
		out[i] = corpus.Document{ID: fmt.Sprintf("%s-%d", prefix, i), Title: "title " + prefix, Body: "body"}
	}
	return out
}

// TestReplicaWritesEverywhere: a write through one replica is answered
// once applied there, reaches the other, and a replica restarted after
// missing writes replays them from its own applied sequence.
func TestReplicaWritesEverywhere(t *testing.T) {
	c := clustertest.Start(t, 1)
	a, b := newNode(t, c, "a", 1), newNode(t, c, "b", 1)
	ctx := context.Background()

	seq, err := a.r.Put(ctx, docs("x", 3))
	if err != nil || seq != 3 {
		t.Fatalf("Put = %d, %v; want seq 3", seq, err)
	}
	if !a.has("x-2") {
		t.Fatal("the writing replica answered before applying")
	}
	wait(t, b.r, seq)
	if !b.has("x-0") || !b.has("x-2") {
		t.Fatal("the other replica lacks the write")
	}
	if seq, err = b.r.Delete(ctx, []string{"x-1"}); err != nil || seq != 4 {
		t.Fatalf("Delete = %d, %v; want seq 4", seq, err)
	}
	wait(t, a.r, seq)
	if a.has("x-1") {
		t.Fatal("the delete did not reach the other replica")
	}

	b.stop()
	if seq, err = a.r.Put(ctx, docs("y", 2)); err != nil {
		t.Fatal(err)
	}
	b.start()
	if _, applied := b.x.Applied(); applied < 4 {
		t.Fatalf("restarted replica resumes at %d, want its own applied 4", applied)
	}
	wait(t, b.r, seq)
	if !b.has("y-1") || b.has("x-1") || !b.has("x-0") {
		t.Fatal("restarted replica did not catch up")
	}
	st, err := a.r.Status(ctx)
	if err != nil || st.Applied != seq || st.Head != seq || st.Lag != 0 || st.State != "ready" {
		t.Errorf("status %+v, %v; want applied = head = %d, ready", st, err, seq)
	}
	if !hasPeer(a.r, "b") {
		t.Errorf("a does not list b among its peers: %+v", st.Peers)
	}
}

func wait(t *testing.T, r *cluster.Replica, seq uint64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.WaitApplied(ctx, seq); err != nil {
		t.Fatalf("replica did not apply %d: %v (applied %d)", seq, err, r.Applied())
	}
}

// hasPeer waits a few heartbeats for peer to be listed.
func hasPeer(r *cluster.Replica, peer string) bool {
	for range 30 {
		st, _ := r.Ready()
		for _, p := range st.Peers {
			if p.Node == peer {
				return true
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	return false
}

// TestReplicaReadiness: a replica started behind the log is not ready
// (catching_up, applied < head) until it applied the head it saw at start.
func TestReplicaReadiness(t *testing.T) {
	c := clustertest.Start(t, 1)
	log := openLog(t, c, 1)
	ctx := context.Background()
	var head uint64
	all := docs("pre", 3000)
	for i := 0; i < len(all); i += 250 { // each push within the log's 2 s timeout, even under -race
		var err error
		if head, err = log.Put(ctx, all[i:i+250]); err != nil {
			t.Fatal(err)
		}
	}
	n := newNode(t, c, "late", 1)
	if st, ready := n.r.Ready(); ready || st.State != "catching_up" || st.Head != head {
		t.Errorf("just started: %+v ready %v; want catching_up with head %d", st, ready, head)
	}
	wait(t, n.r, head)
	if st, ready := n.r.Ready(); !ready {
		t.Errorf("caught up: %+v, not ready", st)
	}
	if !n.has("pre-2999") {
		t.Error("the last logged document is missing")
	}
}

// TestReplicaQuorumLost: with 1 of 3 log nodes down writes go on (once
// the log elected new leaders, when the stopped node led it: until then a
// write is refused with a retryable 503, never half-acknowledged); with 2
// of 3 down a write fails with ErrNoQuorum; the replica keeps its index
// and serves it.
func TestReplicaQuorumLost(t *testing.T) {
	c := clustertest.Start(t, 3)
	n := newNode(t, c, "q", 3)
	ctx := context.Background()
	if _, err := n.r.Put(ctx, docs("ok", 1)); err != nil {
		t.Fatal(err)
	}
	c.Stop(1)
	putDuringFailover(t, n, docs("one-down", 1))
	c.Stop(2)
	_, err := n.r.Put(ctx, docs("two-down", 1))
	if !errors.Is(err, cluster.ErrNoQuorum) {
		t.Fatalf("2 of 3 down: %v, want ErrNoQuorum", err)
	}
	var ce *cluster.Error
	if !errors.As(err, &ce) {
		t.Fatalf("%v is not a *cluster.Error", err)
	}
	if status, code := ce.Status(); status != 503 || code != "no_quorum" {
		t.Errorf("status %d %s, want 503 no_quorum", status, code)
	}
	if !n.has("ok-0") || !n.has("one-down-0") {
		t.Error("acknowledged documents are not served")
	}
}

// failover bounds how long the log may take to elect new leaders after
// one of three nodes stopped: nats-server's Raft election timeout is 4–9 s,
// and the replica's consumer is replaced after staleAfter.
const failover = 30 * time.Second

// putDuringFailover pushes ds until it is acknowledged, as a client told
// 503 would; any other error, or no success within failover, fails.
func putDuringFailover(t *testing.T, n *node, ds []corpus.Document) {
	t.Helper()
	deadline := time.Now().Add(failover)
	for {
		_, err := n.r.Put(context.Background(), ds)
		if err == nil {
			return
		}
		var ce *cluster.Error
		if !errors.As(err, &ce) {
			t.Fatalf("1 of 3 down: %v, want success or a retryable cluster error", err)
		}
		if status, _ := ce.Status(); status != 503 {
			t.Fatalf("1 of 3 down: %v (status %d), want success or 503", err, status)
		}
		if time.Now().After(deadline) {
			t.Fatalf("1 of 3 down: still %v after %s, want the write to succeed", err, failover)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// title is the stored title of id in the node's index ("" when absent).
func (n *node) title(id string) string {
	n.t.Helper()
	r, release, err := n.x.Readers().Acquire()
	if err != nil {
		n.t.Fatal(err)
	}
	defer release()
	it, err := r.Search(context.Background(), bluge.NewTopNSearch(1, bluge.NewTermQuery(id).SetField(indexer.FieldID)))
	if err != nil {
		n.t.Fatal(err)
	}
	m, err := it.Next()
	if err != nil || m == nil {
		return ""
	}
	d, err := indexer.LoadDocument(m.VisitStoredFields)
	if err != nil {
		n.t.Fatal(err)
	}
	return d.Title
}

// TestReplicaRebuildReplaysLog: the rule when a file source and a pushed
// document share an id — the log wins. A rebuild from files switches in
// a generation that has applied nothing of the log; the replica replays
// the whole log onto it, so a pushed version and a delete made through
// the log stay in force over the files' versions.
func TestReplicaRebuildReplaysLog(t *testing.T) {
	c := clustertest.Start(t, 1)
	n := newNode(t, c, "r", 1)
	ctx := context.Background()
	if _, err := n.r.Put(ctx, []corpus.Document{{ID: "shared", Title: "pushed version"}}); err != nil {
		t.Fatal(err)
	}
	seq, err := n.r.Delete(ctx, []string{"seed"})
	if err != nil {
		t.Fatal(err)
	}
	files := make(chan corpus.Document, 3)
	files <- corpus.Document{ID: "shared", Title: "file version"}
	files <- corpus.Document{ID: "seed", Title: "seed again"}
	files <- corpus.Document{ID: "other", Title: "other"}
	close(files)
	if _, _, err := n.dir.Build(ctx, files, plain{}, indexer.Options{}); err != nil {
		t.Fatal(err)
	}
	if switched, err := n.x.Follow(); !switched || err != nil {
		t.Fatalf("Follow = %v, %v; want a switch to the rebuilt generation", switched, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if _, applied := n.x.Applied(); applied >= seq {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := n.title("shared"); got != "pushed version" {
		t.Errorf("shared id after the rebuild: %q, want the pushed version", got)
	}
	if n.has("seed") {
		t.Error("a document deleted through the log came back with the rebuild")
	}
	if !n.has("other") {
		t.Error("the rebuild's own document is missing")
	}
}

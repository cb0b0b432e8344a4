package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/wensou/wensou/cluster"
	"github.com/wensou/wensou/config"
	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
)

// startReplica joins the cluster c configures (nil without cluster.nats):
// the served index applies the replicated write log.
func startReplica(ctx context.Context, c config.Config, b *backend) (*replicaAPI, error) {
	k := c.Cluster
	if len(k.NATS) == 0 {
		return nil, nil
	}
	if b.writable == nil {
		return nil, errors.New("cluster: no good index generation to apply the write log to (run `wensou index` first)")
	}
	cfg := replicaConfig(c, b.dir)
	r, err := cluster.Start(ctx, cfg, b.writable)
	if err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	return &replicaAPI{r}, nil
}

// replicaConfig is the cluster.Config c describes, shipping generations
// into dir (when not nil and an admin key is set: peers fetch with it).
func replicaConfig(c config.Config, dir *indexer.Dir) cluster.Config {
	k := c.Cluster
	cfg := cluster.Config{
		Log:       cluster.LogConfig{URLs: k.NATS, Node: k.Node, Replicas: k.LogReplicas},
		Advertise: k.Advertise, MaxLag: k.MaxLag, MaxLagTime: k.MaxLagTime.D(),
	}
	if dir != nil && c.AdminKey != "" {
		cfg.Ship = &cluster.ShipConfig{Dir: dir, Key: c.AdminKey}
	}
	return cfg
}

// bootstrapReplica gives a new replica (cluster.nats set, --index naming a
// missing or empty directory) its first generation: the one published in
// the cluster, fetched from its holders before the server starts.
func bootstrapReplica(ctx context.Context, c config.Config) error {
	if len(c.Cluster.NATS) == 0 || c.Index == "" {
		return nil
	}
	if err := os.MkdirAll(c.Index, 0o755); err != nil {
		return fmt.Errorf("cluster: a new replica's --index: %w", err)
	}
	d, err := indexer.OpenDir(c.Index)
	if err != nil {
		return err
	}
	if _, err := d.Current(); !errors.Is(err, indexer.ErrNoGeneration) {
		return nil // has one (or a damage the server reports itself)
	}
	slog.Info("cluster: a new replica; fetching the published generation", "index", c.Index)
	start := time.Now()
	name, err := cluster.Bootstrap(ctx, replicaConfig(c, d))
	if err != nil {
		return fmt.Errorf("cluster: a new replica's first generation: %w", err)
	}
	slog.Info("cluster: installed the first generation", "as", name, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// replicaAPI is a cluster.Replica as httpapi.Replica sees it.
type replicaAPI struct{ r *cluster.Replica }

func (a *replicaAPI) Put(ctx context.Context, docs []corpus.Document) (uint64, error) {
	return a.r.Put(ctx, docs)
}

func (a *replicaAPI) Delete(ctx context.Context, ids []string) (uint64, error) {
	return a.r.Delete(ctx, ids)
}

func (a *replicaAPI) WaitApplied(ctx context.Context, seq uint64) error {
	return a.r.WaitApplied(ctx, seq)
}

func (a *replicaAPI) Applied() uint64 { return a.r.Applied() }

func (a *replicaAPI) Readiness() (any, bool) {
	st, ok := a.r.Ready()
	status := "ready"
	if !ok {
		status = "not ready"
	}
	return readiness{Status: status, State: st.State, Applied: st.Applied, Head: st.Head, Generation: st.Generation}, ok
}

func (a *replicaAPI) Status(ctx context.Context) (any, error) { return a.r.Status(ctx) }

func (a *replicaAPI) Close() { a.r.Close() }

// readiness is the body of a replica's /readyz.
type readiness struct {
	Status     string `json:"status"` // ready, not ready (as without a cluster)
	State      string `json:"state"`
	Applied    uint64 `json:"applied"`
	Head       uint64 `json:"head"`
	Generation string `json:"generation"`
}

// publishTo is where `wensou index` publishes the generation it built.
type publishTo struct {
	nats            []string
	advertise, node string
	replicas        int
}

// publishGeneration ships generation name of d and names it in the
// cluster's KV key current, for the other replicas to fetch from the
// server at advertise (which serves d). It returns what was published.
func publishGeneration(ctx context.Context, p publishTo, d *indexer.Dir, name string) (string, error) {
	if p.advertise == "" {
		return "", errors.New("publish: cluster.advertise (--advertise) must name the server that serves this data directory")
	}
	m, err := d.Ship(name)
	if err != nil {
		return "", fmt.Errorf("publish: %w", err)
	}
	log, err := cluster.OpenLog(ctx, cluster.LogConfig{URLs: p.nats, Node: p.node + " (index)", Replicas: p.replicas})
	if err != nil {
		return "", fmt.Errorf("publish: %w", err)
	}
	defer log.Close()
	cur := cluster.Current{Gen: name, Sources: []string{p.advertise}, LogSeq: m.LogSeq, Docs: m.DocCount}
	if err := d.MarkOrigin(name, cur.Origin()); err != nil { // the server on d does not fetch it back
		return "", fmt.Errorf("publish: %w", err)
	}
	if err := log.PublishCurrent(ctx, cur); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s from %s (%d documents, log_seq %d)", name, p.advertise, m.DocCount, m.LogSeq), nil
}

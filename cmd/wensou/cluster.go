package main

import (
	"context"
	"errors"
	"fmt"

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
	cfg := cluster.Config{
		Log:       cluster.LogConfig{URLs: k.NATS, Node: k.Node, Replicas: k.LogReplicas},
		Advertise: k.Advertise, MaxLag: k.MaxLag, MaxLagTime: k.MaxLagTime.D(),
	}
	if b.dir != nil && c.AdminKey != "" { // peers fetch with the admin key
		cfg.Ship = &cluster.ShipConfig{Dir: b.dir, Key: c.AdminKey}
	}
	r, err := cluster.Start(ctx, cfg, b.writable)
	if err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	return &replicaAPI{r}, nil
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
	if err := log.PublishCurrent(ctx, cur); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s from %s (%d documents, log_seq %d)", name, p.advertise, m.DocCount, m.LogSeq), nil
}

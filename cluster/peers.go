package cluster

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
)

// Heartbeats: every replica announces itself on heartbeatSubject every
// heartbeatEvery (core NATS, not the log); a peer not heard from for
// peerTimeout is no longer listed.
const (
	heartbeatSubject = "wensou.nodes"
	heartbeatEvery   = 2 * time.Second
	peerTimeout      = 3 * heartbeatEvery
)

// Peer is another replica, as its last heartbeat described it.
type Peer struct {
	Node       string    `json:"node"`
	Advertise  string    `json:"advertise,omitempty"`
	Generation string    `json:"generation"`
	Applied    uint64    `json:"applied"`
	Seen       time.Time `json:"seen"`
}

// peers are the replicas this one heard from.
type peers struct {
	self string
	mu   sync.Mutex
	seen map[string]Peer
}

// startPeers subscribes to the heartbeats and announces this replica
// (node, advertise and what position returns) until ctx ends.
func startPeers(ctx context.Context, nc *nats.Conn, node, advertise string, position func() (string, uint64)) (*peers, error) {
	p := &peers{self: node, seen: map[string]Peer{}}
	sub, err := nc.Subscribe(heartbeatSubject, p.heard)
	if err != nil {
		return nil, fmt.Errorf("subscribe to heartbeats: %w", err)
	}
	go func() {
		defer func() {
			if err := sub.Unsubscribe(); err != nil {
				slog.Debug("cluster: heartbeat unsubscribe", "err", err)
			}
		}()
		t := time.NewTicker(heartbeatEvery)
		defer t.Stop()
		for {
			gen, applied := position()
			b, err := json.Marshal(Peer{Node: node, Advertise: advertise, Generation: gen, Applied: applied})
			if err == nil {
				err = nc.Publish(heartbeatSubject, b)
			}
			if err != nil {
				slog.Debug("cluster: heartbeat", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return p, nil
}

func (p *peers) heard(m *nats.Msg) {
	var peer Peer
	if json.Unmarshal(m.Data, &peer) != nil || peer.Node == "" || peer.Node == p.self {
		return
	}
	peer.Seen = time.Now().UTC()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seen[peer.Node] = peer
}

// list is the peers heard from recently, by node name.
func (p *peers) list() []Peer {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := []Peer{}
	for name, peer := range p.seen {
		if time.Since(peer.Seen) > peerTimeout {
			delete(p.seen, name)
			continue
		}
		out = append(out, peer)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Node < out[j].Node })
	return out
}

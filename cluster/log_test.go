package cluster_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/wensou/wensou/cluster"
	"github.com/wensou/wensou/cluster/clustertest"
	"github.com/wensou/wensou/corpus"
)

func TestMain(m *testing.M) {
	clustertest.RunChildIfAsked()
	os.Exit(m.Run())
}

func openLog(t *testing.T, c *clustertest.Cluster, replicas int) *cluster.Log {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var log *cluster.Log
	var err error
	for ctx.Err() == nil { // the stream needs a meta leader; retry briefly
		if log, err = cluster.OpenLog(ctx, cluster.LogConfig{URLs: c.URLs(), Node: "t", Replicas: replicas, Timeout: 2 * time.Second}); err == nil {
			t.Cleanup(log.Close)
			return log
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("open log: %v", err)
	return nil
}

func TestLogPutDedupeLatestWins(t *testing.T) {
	c := clustertest.Start(t, 3)
	log := openLog(t, c, 3)
	ctx := context.Background()
	doc := corpus.Document{ID: "a/1", Title: "注销", Body: "正文"}
	tests := []struct {
		name    string
		do      func() (uint64, error)
		wantSeq uint64
	}{
		{"first put", func() (uint64, error) { return log.Put(ctx, []corpus.Document{doc}) }, 1},
		{"retried put is deduplicated", func() (uint64, error) { return log.Put(ctx, []corpus.Document{doc}) }, 1},
		{"new version", func() (uint64, error) {
			d := doc
			d.Body = "新正文"
			return log.Put(ctx, []corpus.Document{d})
		}, 2},
		{"tombstone", func() (uint64, error) { return log.Delete(ctx, doc.ID) }, 3},
	}
	for _, tt := range tests {
		seq, err := tt.do()
		if err != nil || seq != tt.wantSeq {
			t.Fatalf("%s: seq %d, err %v; want %d", tt.name, seq, err, tt.wantSeq)
		}
	}
	if head, err := log.Head(ctx); err != nil || head != 3 {
		t.Fatalf("head %d, %v; want 3", head, err)
	}
}

func TestLogQuorum(t *testing.T) {
	if testing.Short() {
		t.Skip("kills cluster nodes")
	}
	c := clustertest.StartWithChild(t, 3, 2)
	log := openLog(t, c, 3)
	ctx := context.Background()
	put := func(id string) error {
		_, err := log.Put(ctx, []corpus.Document{{ID: id, Title: id, Body: id}})
		return err
	}
	if err := put("x0"); err != nil {
		t.Fatalf("all up: %v", err)
	}
	c.Stop(2) // SIGKILL the child node: 2 of 3 keep the quorum
	deadline := time.Now().Add(15 * time.Second)
	var err error
	for err = put("x1"); err != nil && time.Now().Before(deadline); err = put("x1") {
	}
	if err != nil {
		t.Fatalf("1 of 3 down: %v", err)
	}
	c.Stop(1)
	if err := put("x2"); !errors.Is(err, cluster.ErrNoQuorum) {
		t.Fatalf("2 of 3 down: err %v, want ErrNoQuorum", err)
	}
}

package cluster_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/wensou/wensou/cluster/clustertest"
	"github.com/wensou/wensou/corpus"
)

// TestLogAckNumbers measures push throughput and acknowledgement latency
// with 1 and 3 log replicas (WENSOU_CLUSTER_BENCH=1; loopback, in-process,
// fsync on every write).
func TestLogAckNumbers(t *testing.T) {
	if os.Getenv("WENSOU_CLUSTER_BENCH") == "" {
		t.Skip("set WENSOU_CLUSTER_BENCH=1")
	}
	for _, tt := range []struct{ nodes, replicas int }{{1, 1}, {3, 3}} {
		t.Run(fmt.Sprintf("replicas=%d", tt.replicas), func(t *testing.T) {
			c := clustertest.Start(t, tt.nodes)
			log := openLog(t, c, tt.replicas)
			const writers, each = 8, 250
			var mu sync.Mutex
			var lat []time.Duration
			var wg sync.WaitGroup
			start := time.Now()
			for w := 0; w < writers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < each; i++ {
						d := corpus.Document{ID: fmt.Sprintf("w%d-%d", w, i), Title: "标题", Body: "正文正文正文"}
						t0 := time.Now()
						if _, err := log.Put(context.Background(), []corpus.Document{d}); err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						lat = append(lat, time.Since(t0))
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			el := time.Since(start)
			slices.Sort(lat)
			t.Logf("replicas=%d: %d pushes by %d writers in %v: %.0f/s, ack p50 %v p99 %v", tt.replicas, len(lat), writers, el.Round(time.Millisecond),
				float64(len(lat))/el.Seconds(), lat[len(lat)/2].Round(10*time.Microsecond), lat[len(lat)*99/100].Round(10*time.Microsecond))
		})
	}
}

// TestReplicaNumbers measures, with 1 and 3 log replicas, pushes through a
// replica (acknowledged once logged and applied there) by 8 writers, and
// the replication lag to a second replica: the time from a push's answer
// to the other replica having applied it (WENSOU_CLUSTER_BENCH=1;
// loopback, in-process, fsync on every write, plain analyzers).
func TestReplicaNumbers(t *testing.T) {
	if os.Getenv("WENSOU_CLUSTER_BENCH") == "" {
		t.Skip("set WENSOU_CLUSTER_BENCH=1")
	}
	for _, tt := range []struct{ nodes, replicas int }{{1, 1}, {3, 3}} {
		t.Run(fmt.Sprintf("replicas=%d", tt.replicas), func(t *testing.T) {
			c := clustertest.Start(t, tt.nodes)
			a, b := newNode(t, c, "a", tt.replicas), newNode(t, c, "b", tt.replicas)
			const writers, each = 8, 200
			var mu sync.Mutex
			var ack, lag []time.Duration
			var wg sync.WaitGroup
			start := time.Now()
			for w := 0; w < writers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < each; i++ {
						d := corpus.Document{ID: fmt.Sprintf("w%d-%d", w, i), Title: "标题", Body: "正文正文正文"}
						t0 := time.Now()
						seq, err := a.r.Put(context.Background(), []corpus.Document{d})
						if err != nil {
							t.Error(err)
							return
						}
						t1 := time.Now()
						if err := b.r.WaitApplied(context.Background(), seq); err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						ack, lag = append(ack, t1.Sub(t0)), append(lag, time.Since(t1))
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			el := time.Since(start)
			slices.Sort(ack)
			slices.Sort(lag)
			q := func(s []time.Duration, p int) time.Duration { return s[len(s)*p/100].Round(10 * time.Microsecond) }
			t.Logf("replicas=%d: %d pushes through a replica by %d writers in %v: %.0f/s, ack (logged + applied) p50 %v p99 %v; lag to the other replica p50 %v p99 %v",
				tt.replicas, len(ack), writers, el.Round(time.Millisecond), float64(len(ack))/el.Seconds(), q(ack, 50), q(ack, 99), q(lag, 50), q(lag, 99))
		})
	}
}

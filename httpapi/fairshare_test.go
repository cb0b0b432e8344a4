package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wensou/wensou/search"
)

// costlySearcher makes attackQuery run until its deadline (an expensive
// query the engine cannot finish in time); other queries answer at once.
type costlySearcher struct {
	Searcher
	deadlines chan time.Duration // deadline left when a search starts, if it has one
}

const attackQuery = "贵贵贵贵贵贵贵贵"

func (s costlySearcher) Search(ctx context.Context, req search.Request) (*search.Result, error) {
	if d, ok := ctx.Deadline(); ok && s.deadlines != nil {
		select {
		case s.deadlines <- time.Until(d):
		default:
		}
	}
	if req.Query == attackQuery {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return s.Searcher.Search(ctx, req)
}

// TestFairShareUnderAttack: one client keeping 16 expensive searches in
// flight holds only its share of the slots; visitors from other addresses
// keep succeeding (before: 0 of 48), on the API and the page.
func TestFairShareUnderAttack(t *testing.T) {
	deps := sampleDeps(t)
	deps.Searcher = costlySearcher{Searcher: deps.Searcher}
	base, _ := startHardened(t, Config{MaxInFlight: 8, QueueWait: 100 * time.Millisecond, SearchTimeout: 2 * time.Second,
		RateLimit: -1, TrustedProxies: []string{"127.0.0.1"}}, deps)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	get := func(path, ip string) int {
		req := newReq(t, "GET", base+path, nil, "X-Forwarded-For", ip)
		resp, err := client.Do(req)
		if err != nil {
			return -1
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	stop := make(chan struct{})
	var attack sync.WaitGroup
	var attackRefused atomic.Int64 // 429 too_many_concurrent
	for range 16 {
		attack.Add(1)
		go func() {
			defer attack.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if get("/api/search?q="+pq(attackQuery), "198.51.100.66") == 429 {
					attackRefused.Add(1)
				}
			}
		}()
	}
	time.Sleep(300 * time.Millisecond) // the attack holds what it can
	var ok, total atomic.Int64
	var visitors sync.WaitGroup
	for v := range 6 {
		visitors.Add(1)
		go func() {
			defer visitors.Done()
			for i := range 8 {
				path := "/api/search?q=" + pq("注销")
				if i%2 == 1 {
					path = "/?q=" + pq("网贷")
				}
				total.Add(1)
				if get(path, fmt.Sprintf("203.0.113.%d", v+1)) == 200 {
					ok.Add(1)
				}
			}
		}()
	}
	visitors.Wait()
	close(stop)
	attack.Wait()
	t.Logf("visitors: %d of %d searches succeeded; attacker refused %d times", ok.Load(), total.Load(), attackRefused.Load())
	if ok.Load()*100 < total.Load()*95 {
		t.Errorf("visitors: %d of %d succeeded, want at least 95%%", ok.Load(), total.Load())
	}
}

// TestDeadlineReachesSearch: the search call of the API and of the page
// gets a context with the SearchTimeout deadline.
func TestDeadlineReachesSearch(t *testing.T) {
	deps := sampleDeps(t)
	cs := costlySearcher{Searcher: deps.Searcher, deadlines: make(chan time.Duration, 1)}
	deps.Searcher = cs
	base, _ := startHardened(t, Config{SearchTimeout: 700 * time.Millisecond, RateLimit: -1}, deps)
	client := &http.Client{Timeout: 10 * time.Second}
	for _, path := range []string{"/api/search?q=" + pq("注销"), "/?q=" + pq("注销")} {
		if r := send(t, client, newReq(t, "GET", base+path, nil)); r.status != 200 {
			t.Fatalf("%s: %d", path, r.status)
		}
		select {
		case left := <-cs.deadlines:
			if left <= 0 || left > 700*time.Millisecond {
				t.Errorf("%s: deadline %v away, want within the 700 ms search timeout", path, left)
			}
		default:
			t.Errorf("%s: the search had no deadline", path)
		}
	}
	start := time.Now()
	r := send(t, client, newReq(t, "GET", base+"/api/search?q="+pq(attackQuery), nil))
	if took := time.Since(start); r.status != 503 || r.err.Code != "timeout" || took > 2*time.Second {
		t.Errorf("search over the deadline: %d %s after %v, want 503 timeout after ~700 ms", r.status, r.err.Code, took)
	}
}

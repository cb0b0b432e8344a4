package httpapi

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/wensou/wensou/search"
)

// stubbornSearcher ignores its context: each search takes d (or panics
// for the query "panic").
type stubbornSearcher struct {
	Searcher
	d time.Duration
}

func (s stubbornSearcher) Search(_ context.Context, req search.Request) (*search.Result, error) {
	if req.Query == "panic" {
		panic("bad bytes")
	}
	time.Sleep(s.d)
	return &search.Result{Query: req.Query}, nil
}

// TestSearchAnsweredByDeadline: an engine that overruns timeouts.search
// is answered 503 timeout at the deadline (not when it ends), on the API
// and the page; the abandoned search keeps its slot until it returns; a
// panic in it is a 500, not a crash.
func TestSearchAnsweredByDeadline(t *testing.T) {
	deps := sampleDeps(t)
	deps.Searcher = stubbornSearcher{Searcher: deps.Searcher, d: 1500 * time.Millisecond}
	base, _ := startHardened(t, Config{SearchTimeout: 200 * time.Millisecond, MaxInFlight: 1, MaxInFlightPerClient: -1,
		QueueWait: -1, RateLimit: -1}, deps)
	client := &http.Client{Timeout: 10 * time.Second}
	start := time.Now()
	r := send(t, client, newReq(t, "GET", base+"/api/search?q="+pq("注销"), nil))
	if took := time.Since(start); r.status != 503 || r.err.Code != "timeout" || took > time.Second {
		t.Errorf("overrunning search: %d %s after %v, want 503 timeout after ~200 ms", r.status, r.err.Code, took)
	}
	if r := send(t, client, newReq(t, "GET", base+"/api/search?q="+pq("网贷"), nil)); r.status != 503 || r.err.Code != "overloaded" {
		t.Errorf("while the abandoned search runs: %d %s, want 503 overloaded (its slot is still held)", r.status, r.err.Code)
	}
	time.Sleep(1500 * time.Millisecond) // the engine returns, the slot is free
	start = time.Now()
	if code, _, _ := getPageAt(t, client, base+"/?q="+pq("网贷")); code != 503 || time.Since(start) > time.Second {
		t.Errorf("page with an overrunning search: %d after %v, want 503 at the deadline", code, time.Since(start))
	}
	time.Sleep(1500 * time.Millisecond)
	if r := send(t, client, newReq(t, "GET", base+"/api/search?q=panic", nil)); r.status != 500 {
		t.Errorf("panicking search: %d, want 500", r.status)
	}
	healthy(t, base, time.Second)
}

func getPageAt(t *testing.T, client *http.Client, url string) (int, http.Header, []byte) {
	t.Helper()
	r := send(t, client, newReq(t, "GET", url, nil))
	return r.status, r.header, r.body
}

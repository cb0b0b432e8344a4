package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/wensou/wensou/cluster/clustertest"
)

// replicaProc is a `wensou serve` replica process that the test may kill
// and start again on the same data directory and port.
type replicaProc struct {
	t    *testing.T
	args []string
	addr string
	mu   sync.Mutex
	s    *server
}

func startReplicaProc(t *testing.T, c *clustertest.Cluster, dir, node string) *replicaProc {
	t.Helper()
	p := newReplicaProc(t, c, dir, node)
	p.start()
	return p
}

// newReplicaProc is a replica not started yet.
func newReplicaProc(t *testing.T, c *clustertest.Cluster, dir, node string) *replicaProc {
	t.Helper()
	args := []string{"--index", dir, "--admin-key", adminKey, "--node", node, "--rate-limit", "-1"}
	for _, u := range c.URLs() {
		args = append(args, "--nats", u)
	}
	p := &replicaProc{t: t, args: args, addr: testAddr(t)}
	p.args = append(p.args, "--advertise", "http://"+p.addr)
	return p
}

// twoReplicas indexes src into two data directories, a and b, and starts
// a replica on each.
func twoReplicas(t *testing.T, c *clustertest.Cluster, tmp, src string) ([]*replicaProc, []string) {
	t.Helper()
	var reps []*replicaProc
	var dirs []string
	for _, name := range []string{"a", "b"} {
		dir := filepath.Join(tmp, name)
		runIndexCmd(t, "--index", dir, "--full", src)
		reps, dirs = append(reps, startReplicaProc(t, c, dir, name)), append(dirs, dir)
	}
	return reps, dirs
}

// start runs the replica and waits for /readyz 200 (caught up).
func (p *replicaProc) start() {
	p.t.Helper()
	s := startServeAt(p.t, p.addr, p.args...)
	p.mu.Lock()
	p.s = s
	p.mu.Unlock()
}

// kill SIGKILLs the replica.
func (p *replicaProc) kill() {
	p.mu.Lock()
	s := p.s
	p.mu.Unlock()
	_ = s.cmd.Process.Signal(syscall.SIGKILL) // already gone is fine
	_ = s.cmd.Wait()                          // a killed process's exit error is expected
}

func (p *replicaProc) base() string { return "http://" + p.addr }

// call sends an admin request and decodes the JSON answer.
func adminCall(method, url, body string) (int, map[string]any, http.Header, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+adminKey)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, resp.Header, err
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return resp.StatusCode, nil, resp.Header, fmt.Errorf("%s: %w", b, err)
	}
	return resp.StatusCode, out, resp.Header, nil
}

func errorCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

// TestClusterReplicas: two real replicas on a 3-node JetStream log. A
// write on one is answered with its sequence once applied there, and
// searchable on the other with min_seq; min_seq beyond the log is 503
// lagging with Retry-After; /api/cluster lists the peer; with 2 of 3 log
// nodes down writes are 503 no_quorum and searches still 200.
func TestClusterReplicas(t *testing.T) {
	c := clustertest.Start(t, 3)
	tmp := t.TempDir()
	src := filepath.Join(tmp, "seed.jsonl")
	writeJSONL(t, src, "seed", 10, "租机")
	reps, _ := twoReplicas(t, c, tmp, src)
	a, b := reps[0], reps[1]

	status, body, _, err := adminCall("POST", a.base()+"/api/docs", `{"id":"pushed-1","title":"刚推送的注销指南","body":"网贷账户注销的步骤。"}`)
	if err != nil || status != 200 || body["indexed"] != 1.0 {
		t.Fatalf("push: %d %v %v", status, body, err)
	}
	seq, ok := body["seq"].(float64)
	if !ok || seq < 1 {
		t.Fatalf("push answered %v, want a seq", body)
	}
	status, body, hdr, err := adminCall("GET", fmt.Sprintf("%s/api/search?q=注销指南&min_seq=%d", b.base(), int(seq)), "")
	if err != nil || status != 200 || body["total"] != 1.0 {
		t.Fatalf("search on the other replica with min_seq: %d %v %v", status, body, err)
	}
	if hdr.Get("X-Wensou-Seq") == "" || hdr.Get("X-Wensou-Generation") == "" {
		t.Errorf("headers %v lack X-Wensou-Seq / X-Wensou-Generation", hdr)
	}
	status, body, hdr, _ = adminCall("GET", fmt.Sprintf("%s/api/search?q=注销&min_seq=%d", b.base(), int(seq)+1000), "")
	if status != 503 || errorCode(body) != "lagging" || hdr.Get("Retry-After") == "" {
		t.Errorf("min_seq past the log: %d %v Retry-After %q; want 503 lagging with Retry-After", status, body, hdr.Get("Retry-After"))
	}
	status, body, _, _ = adminCall("DELETE", b.base()+"/api/docs/seed-3", "")
	if status != 200 || body["seq"] == nil {
		t.Errorf("delete on b: %d %v", status, body)
	}
	waitPeer(t, a, "b")

	c.Stop(1)
	c.Stop(2)
	status, body, _, _ = adminCall("POST", a.base()+"/api/docs", `{"id":"lost","title":"无法确认","body":"无"}`)
	if status != 503 || errorCode(body) != "no_quorum" {
		t.Errorf("push without quorum: %d %v, want 503 no_quorum", status, body)
	}
	for _, r := range reps {
		status, body, _, _ = adminCall("GET", r.base()+"/api/search?q=注销", "")
		if status != 200 {
			t.Errorf("search without quorum on %s: %d %v", r.base(), status, body)
		}
	}
}

// waitPeer waits for r's /api/cluster to list peer.
func waitPeer(t *testing.T, r *replicaProc, peer string) {
	t.Helper()
	var last map[string]any
	for range 50 {
		status, body, _, err := adminCall("GET", r.base()+"/api/cluster", "")
		if err == nil && status == 200 {
			last = body
			peers, _ := body["peers"].([]any)
			for _, p := range peers {
				if m, _ := p.(map[string]any); m["node"] == peer {
					return
				}
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Errorf("/api/cluster never listed %s: %v", peer, last)
}

// TestClusterAcknowledgedNeverLost: writers push documents to two real
// replicas while the test SIGKILLs a JetStream node (a child process) and
// a replica at random moments and restarts them; every acknowledged id is
// then served by both replicas, and their counts agree.
func TestClusterAcknowledgedNeverLost(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts processes for about a minute")
	}
	c := clustertest.StartWithChild(t, 3, 2)
	tmp := t.TempDir()
	src := filepath.Join(tmp, "seed.jsonl")
	writeJSONL(t, src, "seed", 5, "租机")
	reps, _ := twoReplicas(t, c, tmp, src)
	const writers, pushes, perPush = 4, 125, 10 // at least 5,000 documents
	var mu sync.Mutex
	acked := map[string]bool{}
	var kills atomic.Int32
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := 0; p < pushes || kills.Load() < 5; p++ { // every kill happens while writes go on
				ids := pushUntilAcked(reps, w, p, perPush)
				mu.Lock()
				for _, id := range ids {
					acked[id] = true
				}
				mu.Unlock()
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	chaos(t, c, reps, done, &kills)
	if len(acked) < writers*pushes*perPush {
		t.Fatalf("%d documents acknowledged, want at least %d", len(acked), writers*pushes*perPush)
	}
	for _, r := range reps {
		if missing := missingOn(r, acked); missing > 0 {
			t.Errorf("%s lacks %d of %d acknowledged documents", r.base(), missing, len(acked))
		}
	}
	ca, cb := docCount(t, reps[0]), docCount(t, reps[1])
	if ca != cb || ca != float64(len(acked)+5) {
		t.Errorf("document counts %v and %v, want both %d", ca, cb, len(acked)+5)
	}
	t.Logf("%d documents acknowledged through %d kills", len(acked), kills.Load())
}

// missingOn counts the ids that replica r does not serve.
func missingOn(r *replicaProc, ids map[string]bool) int {
	missing := 0
	for id := range ids {
		if status, _, _, _ := adminCall("GET", r.base()+"/api/docs/"+id, ""); status != 200 {
			missing++
		}
	}
	return missing
}

// pushUntilAcked pushes one batch of ids to alternating replicas until one
// answers 200 (a failed push has an unknown outcome and is safe to retry).
func pushUntilAcked(reps []*replicaProc, w, p, n int) []string {
	var ids, docs []string
	for i := range n {
		id := fmt.Sprintf("w%d-p%d-%d", w, p, i)
		ids = append(ids, id)
		docs = append(docs, fmt.Sprintf(`{"id":%q,"title":"推送%d","body":"第%d批的正文"}`, id, i, p))
	}
	body := "[" + strings.Join(docs, ",") + "]"
	for try := 0; ; try++ {
		r := reps[(w+p+try)%len(reps)]
		if status, _, _, err := adminCall("POST", r.base()+"/api/docs", body); err == nil && status == 200 {
			return ids
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// chaos, until done, every 0.5-1.5 s SIGKILLs either the child JetStream
// node or a replica and starts it again, counting the kills.
func chaos(t *testing.T, c *clustertest.Cluster, reps []*replicaProc, done <-chan struct{}, kills *atomic.Int32) {
	for {
		select {
		case <-done:
			return
		case <-time.After(time.Duration(500+rand.IntN(1000)) * time.Millisecond):
		}
		if kills.Load()%2 == 0 {
			c.Stop(2)
			time.Sleep(300 * time.Millisecond)
			c.StartChild(2)
		} else {
			r := reps[rand.IntN(len(reps))]
			r.kill()
			r.start()
		}
		kills.Add(1)
	}
}

func docCount(t *testing.T, r *replicaProc) float64 {
	t.Helper()
	status, body, _, err := adminCall("GET", r.base()+"/api/stats", "")
	if err != nil || status != 200 {
		t.Fatalf("stats: %d %v", status, err)
	}
	n, _ := body["documents"].(float64)
	return n
}

// TestClusterRebuildDuringPushes: a full rebuild of each replica's data
// directory while writers push through both replicas. Searches never fail
// during the switches; once both replicas switched and replayed the log,
// every acknowledged document is on both and their counts agree.
func TestClusterRebuildDuringPushes(t *testing.T) {
	if testing.Short() {
		t.Skip("rebuilds two indexes under load")
	}
	c := clustertest.Start(t, 3)
	tmp := t.TempDir()
	old, next := filepath.Join(tmp, "old.jsonl"), filepath.Join(tmp, "new.jsonl")
	writeJSONL(t, old, "file", 200, "租机")
	writeJSONL(t, next, "file", 1500, "租机")
	reps, dirs := twoReplicas(t, c, tmp, old)
	stop := make(chan struct{})
	var mu sync.Mutex
	acked := map[string]bool{}
	var failedSearches, searches atomic.Int32
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(2)
		go func() { // a writer
			defer wg.Done()
			for p := 0; ; p++ {
				select {
				case <-stop:
					return
				default:
				}
				ids := pushUntilAcked(reps, w, p, 5)
				mu.Lock()
				for _, id := range ids {
					acked[id] = true
				}
				mu.Unlock()
			}
		}()
		go func() { // a searcher
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				status, _, _, err := adminCall("GET", reps[w].base()+"/api/search?q=%E7%A7%9F%E6%9C%BA&size=1", "")
				searches.Add(1)
				if err != nil || status != 200 {
					failedSearches.Add(1)
				}
			}
		}()
	}
	time.Sleep(time.Second)
	for _, dir := range dirs {
		runIndexCmd(t, "--index", dir, "--full", next)
	}
	time.Sleep(time.Second)
	close(stop)
	wg.Wait()
	for _, r := range reps {
		waitReady(t, r)
	}
	for _, r := range reps {
		if missing := missingOn(r, acked); missing > 0 {
			t.Errorf("%s lacks %d of %d acknowledged documents after the rebuild", r.base(), missing, len(acked))
		}
		if status, _, _, _ := adminCall("GET", r.base()+"/api/docs/file-1499", ""); status != 200 {
			t.Errorf("%s does not serve the rebuilt generation", r.base())
		}
	}
	ca, cb := docCount(t, reps[0]), docCount(t, reps[1])
	if ca != cb || ca != float64(len(acked)+1500) {
		t.Errorf("document counts %v and %v, want both %d", ca, cb, len(acked)+1500)
	}
	if failedSearches.Load() > 0 {
		t.Errorf("%d of %d searches failed during the rebuilds", failedSearches.Load(), searches.Load())
	}
	t.Logf("%d documents acknowledged, %d searches during two rebuilds", len(acked), searches.Load())
}

// waitReady waits for r's /readyz 200 (caught up with the log).
func waitReady(t *testing.T, r *replicaProc) {
	t.Helper()
	var last map[string]any
	for range 100 {
		status, body, _, err := adminCall("GET", r.base()+"/readyz", "")
		if err == nil && status == 200 {
			return
		}
		last = body
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s not ready: %v", r.base(), last)
}

// TestClusterShipsGenerations: `wensou index --nats --advertise` on one
// replica's data directory publishes the generation it built; the other
// replica fetches it over HTTP, verifies it, installs it and serves it,
// keeps applying pushes, and stays ready throughout.
func TestClusterShipsGenerations(t *testing.T) {
	c := clustertest.Start(t, 3)
	tmp := t.TempDir()
	old, next := filepath.Join(tmp, "old.jsonl"), filepath.Join(tmp, "new.jsonl")
	writeJSONL(t, old, "file", 20, "租机")
	writeJSONL(t, next, "file", 300, "租机")
	reps, dirs := twoReplicas(t, c, tmp, old)
	a, b := reps[0], reps[1]
	if status, body, _, err := adminCall("POST", a.base()+"/api/docs", `{"id":"pushed","title":"推送","body":"推送的正文"}`); err != nil || status != 200 {
		t.Fatalf("push: %d %v %v", status, body, err)
	}
	sum := runIndexCmd(t, "--index", dirs[0], "--full", next, "--nats", c.URLs()[0], "--advertise", a.base())
	if !strings.Contains(sum.Published, sum.Generation) {
		t.Fatalf("summary %+v does not say the generation was published", sum)
	}
	for _, r := range reps { // a follows its own CURRENT, b fetches
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			if status, _, _, _ := adminCall("GET", r.base()+"/api/docs/file-299", ""); status == 200 {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	for _, r := range reps {
		waitReady(t, r)
		for _, id := range []string{"file-299", "file-0", "pushed"} {
			if status, _, _, _ := adminCall("GET", r.base()+"/api/docs/"+id, ""); status != 200 {
				t.Errorf("%s lacks %s after the shipped generation", r.base(), id)
			}
		}
	}
	if ca, cb := docCount(t, a), docCount(t, b); ca != 301 || cb != 301 {
		t.Errorf("document counts %v and %v, want 301 on both", ca, cb)
	}
	status, body, _, err := adminCall("POST", b.base()+"/api/docs", `{"id":"after","title":"之后","body":"之后的正文"}`)
	if err != nil || status != 200 {
		t.Fatalf("push after the switch: %d %v %v", status, body, err)
	}
	seq := int(body["seq"].(float64))
	start := time.Now()
	for {
		status, body, _, _ := adminCall("GET", fmt.Sprintf("%s/api/search?q=之后的正文&min_seq=%d", a.base(), seq), "")
		if status == 200 && body["total"] != 0.0 {
			break
		}
		if time.Since(start) > 10*time.Second {
			t.Fatalf("the push after the switch is not searchable on a: %d %v", status, body)
		}
	}
	t.Logf("a push on b was searchable on a after %v", time.Since(start).Round(time.Millisecond))
}

package main

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wensou/wensou/cluster/clustertest"
)

// TestClusterCatchUpNumbers measures issue 16's two numbers on the poetry
// corpus (opt-in: WENSOU_CLUSTER_BENCH=1; the corpus of
// ../shared/bench/make-corpus.sh in WENSOU_BENCH_CORPUS, default
// /tmp/wensou-bench/corpus):
//   - the time a fresh replica takes from start to /readyz 200 (download
//   - verify + install, then replaying the writes pushed since);
//   - search requests/s with 8 clients (cache off, realistic queries) on
//     one replica, then spread over two, alternated.
func TestClusterCatchUpNumbers(t *testing.T) {
	if os.Getenv("WENSOU_CLUSTER_BENCH") == "" {
		t.Skip("set WENSOU_CLUSTER_BENCH=1 (and the corpus in WENSOU_BENCH_CORPUS)")
	}
	corpusDir := os.Getenv("WENSOU_BENCH_CORPUS")
	if corpusDir == "" {
		corpusDir = "/tmp/wensou-bench/corpus"
	}
	poetry := filepath.Join(corpusDir, "poetry.jsonl")
	c := clustertest.Start(t, 3)
	tmp := t.TempDir()
	dirA := filepath.Join(tmp, "a")
	a := newReplicaProc(t, c, dirA, "a")
	a.args = append(a.args, "--set", "cache.disabled=true")
	start := time.Now()
	sum := runIndexCmd(t, "--index", dirA, "--full", poetry, "--nats", c.URLs()[0], "--advertise", a.base())
	t.Logf("built and published %s: %d documents in %v", sum.Generation, sum.Documents, time.Since(start).Round(time.Millisecond))
	a.start()
	const pushes, per = 20, 100
	for i := range pushes {
		var b strings.Builder
		b.WriteString("[")
		for j := range per {
			if j > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"id":"pushed-%d-%d","title":"推送%d","body":"推送的正文，第%d篇。"}`, i, j, j, i*per+j)
		}
		b.WriteString("]")
		if status, body, _, err := adminCall("POST", a.base()+"/api/docs", b.String()); err != nil || status != 200 {
			t.Fatalf("push: %d %v %v", status, body, err)
		}
	}
	b := newReplicaProc(t, c, filepath.Join(tmp, "b"), "b")
	b.args = append(b.args, "--set", "cache.disabled=true")
	took, install := timedStart(t, b)
	t.Logf("fresh replica on %d poems (%.0f MB fetched) + %d pushed: ready after %v (first generation installed after %s; the rest: opening and replaying the log)",
		sum.Documents, float64(treeSize(t, filepath.Join(tmp, "b")))/1e6, pushes*per, took.Round(time.Millisecond), install)
	if na, nb := docCount(t, a), docCount(t, b); na != nb {
		t.Errorf("document counts %v and %v", na, nb)
	}
	qs := benchQueries(t)
	for round := range 2 {
		for _, bases := range [][]string{{a.base()}, {a.base(), b.base()}} {
			r := searchLoad(t, bases, qs, 8, 8*time.Second)
			t.Logf("round %d, %d replica(s): %s", round+1, len(bases), r)
		}
	}
}

// treeSize is the bytes of the files under dir.
func treeSize(t *testing.T, dir string) int64 {
	t.Helper()
	var n int64
	err := filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			n += fi.Size()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// timedStart starts p (its log kept) and returns the time to /readyz 200
// and what it logged as the first generation's install time.
func timedStart(t *testing.T, p *replicaProc) (time.Duration, string) {
	t.Helper()
	var log lockedBuffer
	cmd := exec.Command(binary, append([]string{"serve", "--addr", p.addr}, p.args...)...)
	cmd.Stdout, cmd.Stderr = io.Discard, &log
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := start.Add(5 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("not ready in 5 minutes:\n%s", log.String())
		}
		if resp, err := http.Get(p.base() + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
	}
	took := time.Since(start)
	m := regexp.MustCompile(`installed the first generation.* took=(\S+)`).FindStringSubmatch(log.String())
	if m == nil {
		t.Fatalf("no install in the log:\n%s", log.String())
	}
	return took, m[1]
}

// benchQueries are the known-item dev queries of the poetry kinds and the
// seed site's questions.
func benchQueries(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("../../../shared/eval/known-item-dev.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	qs := []string{"网贷账户怎么注销", "分期手机逾期怎么办", "花呗能关吗", "支付宝租机怎么退租"}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) >= 4 && cols[0] != "qid" {
			qs = append(qs, cols[2])
		}
	}
	return qs
}

// searchLoad runs clients concurrent searchers for d, request i going to
// bases[i % len(bases)], and describes the throughput and latency.
func searchLoad(t *testing.T, bases, qs []string, clients int, d time.Duration) string {
	t.Helper()
	var next, failed atomic.Int64
	lat := make([][]time.Duration, clients)
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for w := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				i := next.Add(1)
				u := bases[int(i)%len(bases)] + "/api/search?q=" + url.QueryEscape(qs[int(i)%len(qs)])
				t0 := time.Now()
				resp, err := http.Get(u)
				if err != nil {
					failed.Add(1)
					continue
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != 200 {
					failed.Add(1)
					continue
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		}()
	}
	wg.Wait()
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	if len(all) == 0 {
		return "no successful request"
	}
	p := func(q float64) float64 { return float64(all[int(q*float64(len(all)-1))].Microseconds()) / 1000 }
	return fmt.Sprintf("%.0f req/s, p50 %.2f ms, p99 %.2f ms, %d failed", float64(len(all))/d.Seconds(), p(0.5), p(0.99), failed.Load())
}

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blugelabs/bluge"

	"github.com/wensou/wensou/cluster/clustertest"
	"github.com/wensou/wensou/indexer"
)

// binary is the wensou command built once for the tests that run real
// processes (kill -9, restarts).
var binary string

func TestMain(m *testing.M) {
	clustertest.RunChildIfAsked() // a JetStream node of cluster_test.go, when asked
	dir, err := os.MkdirTemp("", "wensou-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "wensou")
	// The dictionary cache of serve (dictCacheDir) goes to dir, for this
	// process and the servers the tests start, never the user's.
	if err := os.Setenv("XDG_CACHE_HOME", filepath.Join(dir, "cache")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build wensou: %v\n%s", err, out)
		os.Exit(1)
	}
	// The in-process commands (cli_test.go) log through slog's default.
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// writeJSONL writes n documents with ids prefix-0..n-1; every body holds
// the word marker so a search for it counts them.
func writeJSONL(t *testing.T, path, prefix string, n int, marker string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for i := range n {
		fmt.Fprintf(w, `{"id":"%s-%d","title":"第%d篇%s文章","body":"%s是这篇文章的内容。分期购买手机，租机平台，网贷注销流程说明第%d段。"}`+"\n",
			prefix, i, i, marker, marker, i)
	}
	if err := errorsJoin(w.Flush(), f.Close()); err != nil {
		t.Fatal(err)
	}
}

func errorsJoin(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// runIndexCmd runs `wensou index --json` and decodes its summary.
func runIndexCmd(t *testing.T, args ...string) summary {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"index", "--json"}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("wensou index %v: %v\n%s%s", args, err, out, stderr.String())
	}
	var s summary
	if err := json.Unmarshal(out, &s); err != nil {
		t.Fatalf("summary %q: %v", out, err)
	}
	return s
}

// server is a running `wensou serve` process.
type server struct {
	cmd  *exec.Cmd
	base string
}

func testAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func startServe(t *testing.T, args ...string) *server {
	t.Helper()
	return startServeAt(t, testAddr(t), args...)
}

// startServeAt starts `wensou serve` on addr and waits for /readyz 200.
func startServeAt(t *testing.T, addr string, args ...string) *server {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--addr", addr}, args...)...)
	cmd.Stdout, cmd.Stderr = io.Discard, serveLog()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, base: "http://" + addr}
	t.Cleanup(func() { s.cmd.Process.Kill(); s.cmd.Wait() })
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(s.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server on %s not ready in 60 s", addr)
	return nil
}

// total searches q and returns the total, or an error for any failure.
func (s *server) total(ctx context.Context, q string) (int, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", s.base+"/api/search?q="+q+"&size=1", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var res struct {
		Total int `json:"total"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		return 0, err
	}
	if resp.StatusCode != 200 {
		return 0, fmt.Errorf("status %d", resp.StatusCode)
	}
	return res.Total, nil
}

func TestSearchDuringRebuildAndSwitch(t *testing.T) {
	tmp := t.TempDir()
	old, next := filepath.Join(tmp, "old.jsonl"), filepath.Join(tmp, "new.jsonl")
	writeJSONL(t, old, "old", 300, "租机")
	writeJSONL(t, next, "new", 2000, "租机")
	dir := filepath.Join(tmp, "index")
	runIndexCmd(t, "--index", dir, "--full", old)
	s := startServe(t, "--index", dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type tally struct{ ok, failed, odd int }
	results := make(chan tally)
	for range 4 {
		go func() {
			var tl tally
			for ctx.Err() == nil {
				n, err := s.total(ctx, "%E7%A7%9F%E6%9C%BA")
				switch {
				case ctx.Err() != nil:
				case err != nil:
					tl.failed++
				case n != 300 && n != 2000:
					tl.odd++
				default:
					tl.ok++
				}
			}
			results <- tl
		}()
	}
	sum := runIndexCmd(t, "--index", dir, "--full", next)
	switched := false
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if n, err := s.total(context.Background(), "%E7%A7%9F%E6%9C%BA"); err == nil && n == 2000 {
			switched = true
			break
		}
	}
	time.Sleep(200 * time.Millisecond)
	cancel()
	var all tally
	for range 4 {
		tl := <-results
		all.ok, all.failed, all.odd = all.ok+tl.ok, all.failed+tl.failed, all.odd+tl.odd
	}
	t.Logf("searches during rebuild: %d ok, %d failed, %d with another total; rebuild %+v", all.ok, all.failed, all.odd, sum)
	if !switched {
		t.Fatal("server did not switch to the new generation within 5 s")
	}
	if all.failed != 0 || all.odd != 0 || all.ok == 0 {
		t.Fatalf("%d failed and %d odd searches during the switch, want 0", all.failed, all.odd)
	}
}

func TestIncrementalCountsCLI(t *testing.T) {
	tmp := t.TempDir()
	src := filepath.Join(tmp, "src")
	os.MkdirAll(src, 0o755)
	for i := range 5 {
		writeDoc(t, src, fmt.Sprintf("a%d.txt", i), fmt.Sprintf("文章%d", i), fmt.Sprintf("第%d篇的正文。", i))
	}
	dir := filepath.Join(tmp, "index")
	if s := runIndexCmd(t, "--index", dir, src); s.Added != 5 || s.Documents != 5 {
		t.Fatalf("first run %+v", s)
	}
	if s := runIndexCmd(t, "--index", dir, src); s.Added+s.Updated+s.Deleted != 0 || s.Unchanged != 5 {
		t.Fatalf("rerun %+v, want 0/0/0", s)
	}
	writeDoc(t, src, "a1.txt", "文章1", "改过的正文。")
	os.Remove(filepath.Join(src, "a3.txt"))
	s := runIndexCmd(t, "--index", dir, src)
	if s.Added != 0 || s.Updated != 1 || s.Deleted != 1 || s.Unchanged != 3 || s.Documents != 4 {
		t.Fatalf("after one edit and one removal %+v, want exactly 1 updated and 1 deleted", s)
	}
}

// TestIndexUserDict checks that `wensou index --user-dict` segments with
// the user dictionary: its word is a whole term of the body field only
// when the dictionary is given.
func TestIndexUserDict(t *testing.T) {
	tmp := t.TempDir()
	src := filepath.Join(tmp, "src")
	os.MkdirAll(src, 0o755)
	writeDoc(t, src, "a.txt", "标题", "这里说栗栗云贷的事情。")
	dict := filepath.Join(tmp, "user.txt")
	if err := os.WriteFile(dict, []byte("栗栗云贷 50000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want uint64
	}{
		{nil, 0},
		{[]string{"--user-dict", dict}, 1},
	} {
		dir := filepath.Join(tmp, fmt.Sprintf("index-%d", c.want))
		runIndexCmd(t, append([]string{"--index", dir, "--full"}, append(c.args, src)...)...)
		if got := wordHits(t, dir, "栗栗云贷"); got != c.want {
			t.Errorf("%v: %d documents hold the word 栗栗云贷, want %d", c.args, got, c.want)
		}
	}
}

// wordHits counts the documents of the index in dir whose body field holds
// term as a whole word.
func wordHits(t *testing.T, dir, term string) uint64 {
	t.Helper()
	d, err := indexer.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := d.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	q := bluge.NewTermQuery(term).SetField(indexer.FieldBody)
	it, err := r.Search(context.Background(), bluge.NewTopNSearch(10, q).WithStandardAggregations())
	if err != nil {
		t.Fatal(err)
	}
	for m, err := it.Next(); m != nil || err != nil; m, err = it.Next() {
		if err != nil {
			t.Fatal(err)
		}
	}
	return it.Aggregations().Count()
}

// serveLog is where started servers log: nowhere, or the test's stderr
// with WENSOU_TEST_SERVE_LOG=1 (to see why a server did not get ready).
func serveLog() io.Writer {
	if os.Getenv("WENSOU_TEST_SERVE_LOG") != "" {
		return os.Stderr
	}
	return io.Discard
}

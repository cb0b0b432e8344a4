package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/wensou/wensou/indexer"
)

func served(t *testing.T, dir string) (string, uint64) {
	t.Helper()
	d, err := indexer.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, name, err := d.Open()
	if err != nil {
		t.Fatalf("served generation does not open: %v", err)
	}
	defer r.Close()
	n, err := r.Count()
	if err != nil {
		t.Fatal(err)
	}
	return name, n
}

// TestKillRebuild kills `wensou index` with SIGKILL at several points of a
// full and an incremental run: the served generation stays intact and the
// next run succeeds and cleans up.
func TestKillRebuild(t *testing.T) {
	tmp := t.TempDir()
	small, big := filepath.Join(tmp, "small.jsonl"), filepath.Join(tmp, "big.jsonl")
	writeJSONL(t, small, "s", 50, "分期")
	writeJSONL(t, big, "b", 6000, "分期")
	dir := filepath.Join(tmp, "index")
	runIndexCmd(t, "--index", dir, "--full", small)
	gen, count := served(t, dir)
	for _, args := range [][]string{{"--full", big}, {big}} {
		for _, after := range []time.Duration{20 * time.Millisecond, 150 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second} {
			cmd := exec.Command(binary, append([]string{"index", "--index", dir}, args...)...)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(after)
			cmd.Process.Signal(syscall.SIGKILL)
			err := cmd.Wait()
			if g, n := served(t, dir); err != nil && (g != gen || n != count) {
				t.Fatalf("killed %v after %v: served %s with %d docs, want %s with %d", args, after, g, n, gen, count)
			} else if err == nil {
				gen, count = g, n // the run finished before the kill: its generation is served
			}
		}
	}
	s := runIndexCmd(t, "--index", dir, "--full", big)
	if s.Documents != 6000 {
		t.Fatalf("run after the kills: %+v", s)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(left) != 0 {
		t.Errorf("leftovers after a successful run: %v", left)
	}
}

// TestKillServerAfterPush kills the server right after a 200 from
// POST /api/docs: the document is there after a restart.
func TestKillServerAfterPush(t *testing.T) {
	tmp := t.TempDir()
	src := filepath.Join(tmp, "seed.jsonl")
	writeJSONL(t, src, "seed", 20, "租机")
	dir := filepath.Join(tmp, "index")
	runIndexCmd(t, "--index", dir, "--full", src)
	for i := range 3 {
		s := startServe(t, "--index", dir, "--admin-key", adminKey)
		id := fmt.Sprintf("pushed-%d", i)
		body := fmt.Sprintf(`{"id":%q,"title":"推送的文章%d","body":"刚刚推送的正文。"}`, id, i)
		req, _ := http.NewRequest("POST", s.base+"/api/docs", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+adminKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("push: %v %v", resp, err)
		}
		resp.Body.Close()
		s.cmd.Process.Signal(syscall.SIGKILL)
		s.cmd.Wait()
		s2 := startServe(t, "--index", dir, "--admin-key", adminKey)
		for j := 0; j <= i; j++ {
			r, err := http.Get(s2.base + fmt.Sprintf("/api/docs/pushed-%d", j))
			if err != nil || r.StatusCode != 200 {
				t.Fatalf("after kill -9 and restart, pushed-%d: %v %v", j, r, err)
			}
			r.Body.Close()
		}
		s2.cmd.Process.Signal(syscall.SIGTERM)
		s2.cmd.Wait()
	}
}

// TestSIGHUPReloadsDictionary: a word added to the user dictionary of a
// running server takes effect on SIGHUP, without a restart.
func TestSIGHUPReloadsDictionary(t *testing.T) {
	const word = "酷租宝盒"
	dict := filepath.Join(t.TempDir(), "user.dict")
	if err := os.WriteFile(dict, []byte("# empty\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, "--user-dict", dict)
	words := func() int {
		var an struct{ Fields []struct{ Tokens []any } }
		resp, err := http.Get(s.base + "/api/analyze?text=" + url.QueryEscape(word))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if err := json.NewDecoder(resp.Body).Decode(&an); err != nil || len(an.Fields) == 0 {
			t.Fatalf("analyze: %v %+v", err, an)
		}
		return len(an.Fields[0].Tokens)
	}
	if n := words(); n < 2 {
		t.Fatalf("%s is one word before the reload", word)
	}
	os.WriteFile(dict, []byte(word+" 50000 nz\n"), 0o644)
	s.cmd.Process.Signal(syscall.SIGHUP)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if words() == 1 {
			return
		}
	}
	t.Fatal("SIGHUP did not reload the user dictionary within 30 s")
}

// TestSIGTERMWithWritableIndex: a server holding the index writer, under
// searches and pushes, exits 0 on SIGTERM and leaves an index that opens
// with every acknowledged push in it.
func TestSIGTERMWithWritableIndex(t *testing.T) {
	tmp := t.TempDir()
	src := filepath.Join(tmp, "seed.jsonl")
	writeJSONL(t, src, "seed", 50, "租机")
	dir := filepath.Join(tmp, "index")
	runIndexCmd(t, "--index", dir, "--full", src)
	s := startServe(t, "--index", dir, "--admin-key", adminKey)
	var acked []string
	stop := time.Now().Add(1500 * time.Millisecond)
	go func() {
		for time.Now().Before(stop) {
			s.total(context.Background(), "%E7%A7%9F%E6%9C%BA")
		}
	}()
	for i := 0; time.Now().Before(stop); i++ {
		id := fmt.Sprintf("term-%d", i)
		req, _ := http.NewRequest("POST", s.base+"/api/docs", strings.NewReader(fmt.Sprintf(`{"id":%q,"title":"推送%d","body":"正文"}`, id, i)))
		req.Header.Set("Authorization", "Bearer "+adminKey)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			if resp.StatusCode == 200 {
				acked = append(acked, id)
			}
			resp.Body.Close()
		}
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	if err := s.cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v, want 0", err)
	}
	if _, n := served(t, dir); n != uint64(50+len(acked)) {
		t.Fatalf("index after shutdown holds %d documents, want 50 + %d acknowledged pushes", n, len(acked))
	}
	if sum := runIndexCmd(t, "--index", dir, src); sum.Unchanged != 50 || sum.Documents != 50+len(acked) {
		t.Fatalf("incremental run after shutdown: %+v", sum)
	}
}

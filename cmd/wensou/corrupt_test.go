package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// flipSegment inverts one byte in the middle of the first segment of the
// served generation of dir and returns the generation.
func flipSegment(t *testing.T, dir string) string {
	t.Helper()
	cur, err := os.ReadFile(filepath.Join(dir, "CURRENT"))
	if err != nil {
		t.Fatal(err)
	}
	gen := strings.TrimSpace(string(cur))
	segs, _ := filepath.Glob(filepath.Join(dir, gen, "*.seg"))
	if len(segs) == 0 {
		t.Fatalf("no segment in %s", gen)
	}
	b, err := os.ReadFile(segs[0])
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(segs[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	return gen
}

// startRaw starts serve and waits for /healthz (not readiness).
func startRaw(t *testing.T, args ...string) *server {
	t.Helper()
	addr := testAddr(t)
	cmd := exec.Command(binary, append([]string{"serve", "--addr", addr}, args...)...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, base: "http://" + addr}
	t.Cleanup(func() { s.cmd.Process.Kill(); s.cmd.Wait() })
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(s.base + "/healthz"); err == nil {
			resp.Body.Close()
			return s
		}
	}
	t.Fatal("server never answered /healthz")
	return nil
}

func getJSON(t *testing.T, url string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&v)
	return resp.StatusCode, v
}

// TestCorruptIndexServes: a server (with an admin key) over a data
// directory whose served generation has a flipped byte serves the previous
// generation; with no good generation it stays up, /readyz answers 503
// with the reason and searches 503 index_unavailable; SIGTERM exits 0.
func TestCorruptIndexServes(t *testing.T) {
	tmp := t.TempDir()
	src := filepath.Join(tmp, "a.jsonl")
	writeJSONL(t, src, "a", 20, "租机")
	dir := filepath.Join(tmp, "index")
	runIndexCmd(t, "--index", dir, "--full", src)
	only := filepath.Join(tmp, "only")
	runIndexCmd(t, "--index", only, "--full", src)
	writeJSONL(t, src, "b", 30, "租机")
	runIndexCmd(t, "--index", dir, "--full", src)
	flipSegment(t, dir)
	flipSegment(t, only)

	s := startRaw(t, "--index", dir, "--admin-key", adminKey)
	if code, v := getJSON(t, s.base+"/readyz"); code != 200 {
		t.Fatalf("fallback: /readyz = %d %v, want 200", code, v)
	}
	if n, err := s.total(t.Context(), "%E7%A7%9F%E6%9C%BA"); err != nil || n != 20 {
		t.Errorf("fallback serves %d documents (%v), want the previous generation's 20", n, err)
	}

	u := startRaw(t, "--index", only, "--admin-key", adminKey)
	code, v := getJSON(t, u.base+"/readyz")
	if code != 503 || !strings.Contains(v["error"].(string), "damaged") {
		t.Errorf("no good generation: /readyz = %d %v, want 503 naming the damage", code, v)
	}
	if code, v := getJSON(t, u.base+"/api/search?q=%E7%A7%9F%E6%9C%BA"); code != 503 {
		t.Errorf("no good generation: search = %d %v, want 503", code, v)
	}
	for _, p := range []*server{s, u} {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		if err := p.cmd.Wait(); err != nil {
			t.Errorf("exit after SIGTERM: %v", err)
		}
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// These tests run the real binary (built once by TestMain in e2e_test.go
// with `go build -o $TMP/wensou .`) as `wensou serve` over the embedded
// sample on a free 127.0.0.1 port.

// sigServer is a running `wensou serve`, its logs captured.
type sigServer struct {
	cmd  *exec.Cmd
	base string
	logs *lockedBuffer
	done chan error // the process's exit
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startSigServer starts `wensou serve --addr ADDR args...` with env added
// and waits for /readyz.
func startSigServer(t *testing.T, env []string, args ...string) *sigServer {
	t.Helper()
	addr := testAddr(t)
	cmd := exec.Command(binary, append([]string{"serve", "--addr", addr}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	s := &sigServer{cmd: cmd, base: "http://" + addr, logs: &lockedBuffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = s.logs, s.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		select {
		case <-s.done:
		case <-time.After(5 * time.Second):
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(s.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		select {
		case err := <-s.done:
			t.Fatalf("wensou serve exited early: %v\n%s", err, s.logs)
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("server not ready in 30 s:\n%s", s.logs)
	return nil
}

// exitCode waits up to d for the process and returns its exit code.
func (s *sigServer) exitCode(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case err := <-s.done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatalf("wait: %v", err)
		}
		return 0
	case <-time.After(d):
		t.Fatalf("still running %v after the signal:\n%s", d, s.logs)
		return -1
	}
}

// TestSIGTERMDuringLoad: 4 clients search for 3 s; SIGTERM arrives in the
// middle. The process must exit 0 after draining, and no response that
// started may be cut: every response received is read to the end and is
// valid JSON. (After the shutdown starts, a request may fail to connect
// or find its idle connection closed: that is a refusal, not a cut.)
func TestSIGTERMDuringLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test in -short mode")
	}
	cfg := filepath.Join(t.TempDir(), "wensou.yaml")
	if err := os.WriteFile(cfg, []byte("log_format: json\ntimeouts:\n  shutdown: 10s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The load comes from one IP: the rate limit is switched off through
	// the environment (loopback is exempt anyway; this exercises env).
	s := startSigServer(t, []string{"WENSOU_RATE_LIMIT_PER_SECOND=-1", "WENSOU_LIMITS_MAX_IN_FLIGHT=64"}, "--config", cfg)
	paths := []string{
		"/api/search?q=" + url.QueryEscape("租机") + "&size=100&explain=true",
		"/api/search?q=" + url.QueryEscape("注销 网贷"),
		"/api/suggest?q=zfb",
		"/api/docs/article-1000",
		"/api/docs/article-1000/related?size=20",
		"/api/stats",
	}
	var (
		sigSent            atomic.Bool
		complete, refused  atomic.Int64
		afterSig, failures atomic.Int64
		mu                 sync.Mutex
		problems           []string
	)
	problem := func(format string, a ...any) {
		failures.Add(1)
		mu.Lock()
		defer mu.Unlock()
		if len(problems) < 10 {
			problems = append(problems, fmt.Sprintf(format, a...))
		}
	}
	stop := time.Now().Add(3 * time.Second)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 15 * time.Second}
			for n := 0; time.Now().Before(stop); n++ {
				p := paths[(i+n)%len(paths)]
				sent := sigSent.Load()
				resp, err := client.Get(s.base + p)
				if err != nil {
					if sent || sigSent.Load() {
						refused.Add(1) // no response started: fine during shutdown
						time.Sleep(10 * time.Millisecond)
						continue
					}
					problem("%s before SIGTERM: %v", p, err)
					continue
				}
				body, rerr := io.ReadAll(resp.Body)
				resp.Body.Close()
				switch {
				case rerr != nil:
					problem("%s: response cut after %d bytes: %v", p, len(body), rerr)
				case resp.StatusCode != 200:
					problem("%s: status %d %s", p, resp.StatusCode, body)
				case !json.Valid(body):
					problem("%s: invalid JSON (%d bytes)", p, len(body))
				default:
					complete.Add(1)
					if sigSent.Load() {
						afterSig.Add(1)
					}
				}
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	sigSent.Store(true)
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	code := s.exitCode(t, 20*time.Second)
	wg.Wait()
	t.Logf("%d complete responses (%d completed after SIGTERM), %d refused after SIGTERM, %d problems",
		complete.Load(), afterSig.Load(), refused.Load(), failures.Load())
	if code != 0 {
		t.Errorf("exit code %d, want 0\n%s", code, s.logs)
	}
	for _, p := range problems {
		t.Error(p)
	}
	if complete.Load() < 20 {
		t.Errorf("only %d complete responses before the signal", complete.Load())
	}
	logs := s.logs.String()
	for _, want := range []string{`"msg":"shut down: requests drained"`, `"msg":"index closed"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%.3000s", want, logs)
		}
	}
	if _, err := http.Get(s.base + "/healthz"); err == nil {
		t.Error("still answering after exit")
	}
}

// TestSIGHUPReload: a running server picks up a new search key, rate limit
// and log level from its file on SIGHUP; an invalid file on SIGHUP is
// refused and the running configuration stays.
func TestSIGHUPReload(t *testing.T) {
	if testing.Short() {
		t.Skip("real-process test in -short mode")
	}
	cfg := filepath.Join(t.TempDir(), "wensou.yaml")
	write := func(s string) {
		if err := os.WriteFile(cfg, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("log_format: json\nsearch_key: first-search-key-0123456789\n")
	adminAddr := testAddr(t)
	s := startSigServer(t, nil, "--config", cfg, "--admin-addr", adminAddr)
	var statusQ func(key, q string) int
	status := func(key string) int { return statusQ(key, "a") }
	statusQ = func(key, q string) int {
		req, _ := http.NewRequest("GET", s.base+"/api/search?q="+q, nil)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if a, b := status(""), status("first-search-key-0123456789"); a != 401 || b != 200 {
		t.Fatalf("before reload: no key %d, key %d; want 401, 200", a, b)
	}
	statusQ("first-search-key-0123456789", "before-reload-marker")
	write("log_format: json\nlog_level: warn\nsearch_key: second-search-key-0123456789\nlimits:\n  max_terms: 8\n")
	if err := s.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for status("second-search-key-0123456789") != 200 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if a, b := status("first-search-key-0123456789"), status("second-search-key-0123456789"); a != 403 || b != 200 {
		t.Errorf("after reload: old key %d, new key %d; want 403, 200", a, b)
	}
	statusQ("second-search-key-0123456789", "after-reload-marker") // info: not logged at warn
	write("limits:\n  max_page_size: 5000\n")
	_ = s.cmd.Process.Signal(syscall.SIGHUP)
	time.Sleep(300 * time.Millisecond)
	if b := status("second-search-key-0123456789"); b != 200 {
		t.Errorf("after an invalid reload the running key stopped working: %d", b)
	}
	resp, err := http.Get("http://" + adminAddr + "/debug/pprof/cmdline")
	if err != nil {
		t.Fatalf("admin listener: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("pprof on the admin listener: %d", resp.StatusCode)
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	if code := s.exitCode(t, 20*time.Second); code != 0 {
		t.Errorf("exit code %d", code)
	}
	logs := s.logs.String()
	for _, want := range []string{`"msg":"configuration reloaded`, `"need_restart":["limits.max_terms"]`, `"msg":"reload failed`, "before-reload-marker"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%.4000s", want, logs)
		}
	}
	if strings.Contains(logs, "after-reload-marker") {
		t.Error("an info line was logged after log_level: warn was reloaded")
	}
	for _, secret := range []string{"first-search-key", "second-search-key"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs hold the key %s", secret)
		}
	}
}

package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wensou/wensou/cluster/clustertest"
)

// shipProxy stands between the replicas and the builder's server for the
// shipped files it publishes: it passes them on, slowly, or cuts every
// file off half-way through its first chunk (a partial transfer).
type shipProxy struct {
	srv  *httptest.Server
	mode atomic.Int32 // passOn, slow, cutOff
	sent atomic.Int64 // bytes of shipped files passed on
	cuts atomic.Int64 // transfers cut off
}

const (
	passOn = iota
	slow
	cutOff
)

func newShipProxy(t *testing.T, target string) *shipProxy {
	t.Helper()
	p := &shipProxy{}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve(target)))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *shipProxy) serve(target string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		req, err := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.RequestURI(), nil)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		req.Header = r.Header.Clone()
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		file := strings.Contains(r.URL.Path, "/files/")
		buf := make([]byte, 16<<10)
		for {
			n, err := resp.Body.Read(buf)
			if n > 0 && file && p.mode.Load() == cutOff {
				w.Write(buf[:n/2])
				p.cuts.Add(1)
				panic(http.ErrAbortHandler) // the connection closes mid-body
			}
			if n > 0 {
				if _, werr := w.Write(buf[:n]); werr != nil {
					return
				}
				w.(http.Flusher).Flush()
				if file {
					p.sent.Add(int64(n))
				}
				if file && p.mode.Load() == slow {
					time.Sleep(40 * time.Millisecond)
				}
			}
			if err != nil {
				return
			}
		}
	}
}

// TestClusterNewReplicaFetches: a replica started on an empty data
// directory fetches the published generation before it serves. SIGKILLed
// mid-download it leaves nothing installed and, restarted, fetches again;
// it then holds the generation for others: a third new replica, whose
// every transfer from the builder's server is cut off half-way, fetches
// it from the second. Both serve every document, the pushed one included.
func TestClusterNewReplicaFetches(t *testing.T) {
	c := clustertest.Start(t, 3)
	tmp := t.TempDir()
	src := filepath.Join(tmp, "docs.jsonl")
	writeJSONL(t, src, "file", 3000, "租机")
	dirA := filepath.Join(tmp, "a")
	runIndexCmd(t, "--index", dirA, "--full", src)
	a := startReplicaProc(t, c, dirA, "a")
	if status, body, _, err := adminCall("POST", a.base()+"/api/docs", `{"id":"pushed","title":"推送","body":"推送的正文"}`); err != nil || status != 200 {
		t.Fatalf("push: %d %v %v", status, body, err)
	}
	px := newShipProxy(t, a.base())
	px.mode.Store(slow)
	runIndexCmd(t, "--index", dirA, "--full", src, "--nats", c.URLs()[0], "--advertise", px.srv.URL)

	dirB := filepath.Join(tmp, "b")
	b := newReplicaProc(t, c, dirB, "b")
	killMidDownload(t, b, px, dirB)
	px.mode.Store(passOn)
	b.start() // waits for /readyz 200
	px.mode.Store(cutOff)
	cRep := newReplicaProc(t, c, filepath.Join(tmp, "c"), "c")
	cRep.start()
	if px.cuts.Load() == 0 {
		t.Error("the third replica never tried the builder's server first")
	}
	want := docCount(t, a)
	for _, r := range []*replicaProc{b, cRep} {
		if n := docCount(t, r); n != want || want != 3001 {
			t.Errorf("%s holds %v documents; a holds %v, want 3001", r.base(), n, want)
		}
		if status, _, _, _ := adminCall("GET", r.base()+"/api/docs/pushed", ""); status != 200 {
			t.Errorf("%s lacks the pushed document", r.base())
		}
	}
}

// killMidDownload starts replica p on its empty dir, SIGKILLs it once the
// proxy has passed on part of the generation, and checks that nothing was
// installed.
func killMidDownload(t *testing.T, p *replicaProc, px *shipProxy, dir string) {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--addr", p.addr}, p.args...)...)
	cmd.Stdout, cmd.Stderr = nil, serveLog()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	for deadline := time.Now().Add(60 * time.Second); px.sent.Load() < 64<<10; {
		if time.Now().After(deadline) {
			t.Fatalf("the new replica fetched only %d bytes in 60 s", px.sent.Load())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if _, err := os.Stat(filepath.Join(dir, "CURRENT")); err == nil {
		t.Fatal("the replica killed mid-download had installed the generation already (make the proxy slower)")
	}
	left, _ := filepath.Glob(filepath.Join(dir, "incoming-*"))
	if len(left) == 0 {
		t.Error("no half-fetched generation left behind: the kill did not land mid-download")
	}
	t.Logf("killed after %d bytes; left %v", px.sent.Load(), left)
}

package httpapi

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestShutdownWithHalfOpenRequests: a shutdown with connections that
// never finished their headers or their body, an idle keep-alive
// connection and a silent one returns nil at once, while a search in
// flight still completes with 200.
func TestShutdownWithHalfOpenRequests(t *testing.T) {
	deps := sampleDeps(t)
	slow := slowSearcher{Searcher: deps.Searcher, release: make(chan struct{}), started: make(chan struct{}, 1)}
	deps.Searcher = slow
	srv, err := New(Config{AdminKey: testAdminKey, Logger: quietLogger(), RateLimit: -1, ShutdownTimeout: 10 * time.Second}, deps)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()

	half := map[string]string{
		"header": "GET /api/search?q=a HTTP/1.1\r\nHost: x\r\nUser-Agent: slow",
		"body": "POST /api/docs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + testAdminKey +
			"\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"id\":",
		"silent": "",
	}
	for name, req := range half {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := io.WriteString(c, req); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	keepAlive := &http.Client{Timeout: 10 * time.Second}
	if resp, err := keepAlive.Get("http://" + addr + "/healthz"); err != nil {
		t.Fatal(err)
	} else {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	inflight := make(chan int, 1)
	go func() {
		resp, err := http.Get("http://" + addr + "/api/search?q=" + pq("注销"))
		if err != nil {
			inflight <- -1
			return
		}
		resp.Body.Close()
		inflight <- resp.StatusCode
	}()
	<-slow.started
	time.Sleep(100 * time.Millisecond) // every connection reached the server

	start := time.Now()
	cancel()
	time.AfterFunc(300*time.Millisecond, func() { close(slow.release) })
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve after shutdown = %v, want nil", err)
		}
	case <-time.After(8 * time.Second):
		t.Fatal("shutdown still waiting after 8 s")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("shutdown took %v, want well under the 10 s timeout", d)
	}
	if code := <-inflight; code != 200 {
		t.Errorf("search in flight at shutdown = %d, want 200", code)
	}
}

// TestShutdownCutsBody: the half-sent body's handler answers (400) at
// shutdown instead of waiting for the rest.
func TestShutdownCutsBody(t *testing.T) {
	srv, err := New(Config{AdminKey: testAdminKey, Logger: quietLogger(), RateLimit: -1}, Deps{Searcher: sampleDeps(t).Searcher, Writer: nopWriter{}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	c, err := net.DialTimeout("tcp", ln.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = io.WriteString(c, "POST /api/docs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "+testAdminKey+"\r\nContent-Length: 100\r\n\r\n[{")
	time.Sleep(100 * time.Millisecond)
	cancel()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no response to the cut body: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("cut body = %d, want 400", resp.StatusCode)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve = %v", err)
	}
}

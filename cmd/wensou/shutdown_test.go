package main

import (
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSIGTERMHalfOpen: a server with connections that never finish their
// request headers or body (and one that sends nothing) exits 0 on SIGTERM,
// well within timeouts.shutdown (10 s).
func TestSIGTERMHalfOpen(t *testing.T) {
	s := startServe(t, "--admin-key", adminKey)
	addr := strings.TrimPrefix(s.base, "http://")
	for _, req := range []string{
		"GET /api/search?q=a HTTP/1.1\r\nHost: x\r\n",
		"POST /api/docs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + adminKey + "\r\nContent-Length: 5000\r\n\r\n[{\"id\":",
		"",
	} {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := io.WriteString(c, req); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v, want 0", err)
		}
	case <-time.After(9 * time.Second):
		t.Fatal("no exit 9 s after SIGTERM")
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("exit took %v after SIGTERM", d)
	}
}

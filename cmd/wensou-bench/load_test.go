package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const wrkSample = `Running 2s test @ http://127.0.0.1:18080
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.67ms    3.18ms  34.86ms   91.21%
    Req/Sec     3.91k   454.66     4.66k    80.00%
  Latency Distribution
     50%  875.00us
     75%    3.01ms
     90%    5.40ms
     99%   17.10ms
  7798 requests in 2.00s, 13.82MB read
ERRORS
Requests/sec:   3894.51
Transfer/sec:      6.90MB
`

func TestParseWrk(t *testing.T) {
	tests := []struct {
		name, out string
		want      load
		wantErr   bool
	}{
		{"summary", strings.Replace(wrkSample, "ERRORS", "", 1), load{qps: 3894.51, p: [3]float64{0.875, 0, 17.10}}, false},
		{"errors", strings.Replace(wrkSample, "ERRORS", "  Socket errors: connect 0, read 2, write 0, timeout 1\n  Non-2xx or 3xx responses: 5", 1),
			load{qps: 3894.51, p: [3]float64{0.875, 0, 17.10}, errors: 8}, false},
		{"no rate", "wrk: connection refused", load{}, true},
		{"no latency", "Requests/sec:   10.0\n", load{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseWrk(tt.out)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("parseWrk = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestLoadTest runs the raw keep-alive generator against a server that
// answers 200, 404 and, every 50th request, closes the connection: every
// answer is counted, non-200 as errors, and closed connections are redialled.
func TestLoadTest(t *testing.T) {
	var n, conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%50 == 0 {
			w.Header().Set("Connection", "close")
		}
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(`{"hits":[]}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	l, err := loadTest(context.Background(), []string{srv.URL + "/api/search?q=a", srv.URL + "/missing"}, 2, 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	total := n.Load()
	if ok := int64(l.qps*0.3 + 0.5); l.errors == 0 || ok == 0 {
		t.Fatalf("load = %+v after %d requests: want both successes and 404 errors", l, total)
	}
	if conns.Load() < 2 || (total >= 100 && conns.Load() < 3) {
		t.Errorf("%d connections for %d requests with a close every 50: not redialled", conns.Load(), total)
	}
	if l.p[0] <= 0 || l.p[2] < l.p[0] {
		t.Errorf("percentiles %v", l.p)
	}
}

func TestRawRequests(t *testing.T) {
	reqs, host, err := rawRequests([]string{"http://127.0.0.1:1/api/search?q=%E7%BD%91", "http://127.0.0.1:1/x"})
	if err != nil {
		t.Fatal(err)
	}
	want := "GET /api/search?q=%E7%BD%91 HTTP/1.1\r\nHost: 127.0.0.1:1\r\nUser-Agent: wensou-bench\r\n\r\n"
	if host != "127.0.0.1:1" || string(reqs[0]) != want {
		t.Errorf("rawRequests = %q, %q; want %q", host, reqs[0], want)
	}
	if _, _, err := rawRequests([]string{"http://a/x", "http://b/y"}); err == nil {
		t.Error("two hosts: no error")
	}
}

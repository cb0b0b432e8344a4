package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The loopback load generators. Client and server share this machine's
// cores, so what the generator spends per request is taken from the
// server: net/http's Client spends about 125 µs of CPU per request here,
// a bare keep-alive connection (loadTest) about 95 µs and wrk about 45 µs
// (docs/BENCHMARKS.md, session 14). loadTest is always run; wrk, when it is
// installed, is run beside it on the same URLs.

type load struct {
	qps    float64
	p      [3]float64 // p50, p95, p99 ms (p95 0 when the generator does not give it)
	errors int
}

// loadTest requests urls round-robin over clients keep-alive connections
// for d and reports throughput and client-side latency percentiles. Each
// client writes a prebuilt HTTP/1.1 request and reads the response with
// http.ReadResponse: no Transport, pool or goroutine per request.
func loadTest(ctx context.Context, urls []string, clients int, d time.Duration) (load, error) {
	reqs, addr, err := rawRequests(urls)
	if err != nil {
		return load{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	lat := make([][]float64, clients)
	var errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for c := range clients {
		wg.Go(func() {
			lat[c] = rawClient(ctx, addr, reqs, c*len(reqs)/clients, &errs)
		})
	}
	wg.Wait()
	all := slices.Concat(lat...)
	if len(all) == 0 {
		return load{}, errors.New("load test: no successful request")
	}
	return load{qps: float64(len(all)) / time.Since(start).Seconds(), p: percentiles(all), errors: int(errs.Load())}, nil
}

// rawRequests builds one GET request per URL; all URLs share one host.
func rawRequests(urls []string) ([][]byte, string, error) {
	reqs := make([][]byte, len(urls))
	var host string
	for i, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil {
			return nil, "", fmt.Errorf("load test: %w", err)
		}
		if host != "" && u.Host != host {
			return nil, "", fmt.Errorf("load test: %s is not on %s", raw, host)
		}
		host = u.Host
		reqs[i] = []byte("GET " + u.RequestURI() + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: wensou-bench\r\n\r\n")
	}
	if host == "" {
		return nil, "", errors.New("load test: no URL")
	}
	return reqs, host, nil
}

// rawClient loops over reqs from first until ctx ends, redialling after an
// error or a closed connection, and returns the latencies (ms) of the
// requests answered 200.
func rawClient(ctx context.Context, addr string, reqs [][]byte, first int, errs *atomic.Int64) []float64 {
	var lat []float64
	var conn net.Conn
	var br *bufio.Reader
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	for i := first; ctx.Err() == nil; i++ {
		if conn == nil {
			c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
			if err != nil {
				if ctx.Err() == nil {
					errs.Add(1)
					time.Sleep(10 * time.Millisecond)
				}
				continue
			}
			conn, br = c, bufio.NewReaderSize(c, 64<<10)
		}
		t := time.Now()
		status, keep, err := roundTrip(conn, br, reqs[i%len(reqs)], t)
		switch {
		case err != nil:
			if ctx.Err() == nil {
				errs.Add(1)
			}
		case status != http.StatusOK:
			errs.Add(1)
		default:
			lat = append(lat, ms(time.Since(t)))
		}
		if err != nil || !keep {
			conn.Close()
			conn = nil
		}
	}
	return lat
}

// roundTrip writes req and reads the whole response, within 10 s of t.
func roundTrip(conn net.Conn, br *bufio.Reader, req []byte, t time.Time) (status int, keep bool, err error) {
	if err := conn.SetDeadline(t.Add(10 * time.Second)); err != nil {
		return 0, false, err
	}
	if _, err := conn.Write(req); err != nil {
		return 0, false, err
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return 0, false, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, !resp.Close, err
}

// wrkPath is the wrk binary to run beside loadTest: flag, else $PATH.
func wrkPath(flag string) string {
	if flag != "" {
		return flag
	}
	p, _ := exec.LookPath("wrk")
	return p
}

// wrkLoad runs wrk (one thread: the least CPU taken from the server; clients
// connections) over the paths of urls round-robin and parses its summary.
func wrkLoad(ctx context.Context, bin, dir string, urls []string, clients int, d time.Duration) (load, error) {
	if len(urls) == 0 {
		return load{}, errors.New("wrk: no URL")
	}
	u, err := url.Parse(urls[0])
	if err != nil {
		return load{}, fmt.Errorf("wrk: %w", err)
	}
	paths := filepath.Join(dir, "wrk-paths.txt")
	var sb strings.Builder
	for _, raw := range urls {
		p, err := url.Parse(raw)
		if err != nil {
			return load{}, fmt.Errorf("wrk: %w", err)
		}
		sb.WriteString(p.RequestURI() + "\n")
	}
	if err := os.WriteFile(paths, []byte(sb.String()), 0o644); err != nil {
		return load{}, fmt.Errorf("wrk: %w", err)
	}
	script := filepath.Join(dir, "wrk-round-robin.lua")
	if err := os.WriteFile(script, []byte(wrkScript(paths)), 0o644); err != nil {
		return load{}, fmt.Errorf("wrk: %w", err)
	}
	secs := strconv.Itoa(max(1, int(d.Round(time.Second).Seconds())))
	out, err := exec.CommandContext(ctx, bin, "-t1", "-c"+strconv.Itoa(clients), "-d"+secs+"s", "--latency",
		"-s", script, u.Scheme+"://"+u.Host).CombinedOutput()
	if err != nil {
		return load{}, fmt.Errorf("wrk: %w: %s", err, out)
	}
	return parseWrk(string(out))
}

// wrkScript is the Lua script that makes wrk's requests: the paths
// round-robin, all connections of the thread drawing from one counter.
func wrkScript(paths string) string {
	return fmt.Sprintf(`local paths = {}
for line in io.lines(%q) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
`, paths)
}

var (
	wrkRate    = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	wrkLatency = regexp.MustCompile(`(?m)^\s+(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$`)
	wrkErrors  = regexp.MustCompile(`Non-2xx or 3xx responses:\s+(\d+)|Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// parseWrk reads requests/s, p50 and p99 (and errors) from wrk --latency
// output.
func parseWrk(out string) (load, error) {
	m := wrkRate.FindStringSubmatch(out)
	if m == nil {
		return load{}, fmt.Errorf("wrk: no Requests/sec in %q", out)
	}
	var l load
	l.qps, _ = strconv.ParseFloat(m[1], 64)
	for _, lm := range wrkLatency.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(lm[2], 64)
		v *= map[string]float64{"us": 1e-3, "ms": 1, "s": 1e3}[lm[3]]
		switch lm[1] {
		case "50":
			l.p[0] = v
		case "99":
			l.p[2] = v
		}
	}
	for _, em := range wrkErrors.FindAllStringSubmatch(out, -1) {
		for _, n := range em[1:] {
			k, _ := strconv.Atoi(n)
			l.errors += k
		}
	}
	if l.p[0] == 0 || l.p[2] == 0 {
		return load{}, fmt.Errorf("wrk: no latency distribution in %q", out)
	}
	return l, nil
}

// cpuTicks is the user+system CPU time of process pid in clock ticks
// (1/100 s on Linux).
func cpuTicks(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: short", pid)
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	return u + st, nil
}

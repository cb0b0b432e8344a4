package httpapi

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wensou/wensou/search"
)

var q注销 = "/api/search?q=" + url.QueryEscape("注销")

// TestRateLimitSpoofedXFF: a client's bucket runs dry (429 rate_limited
// with Retry-After), and X-Forwarded-For / X-Real-IP from an untrusted
// peer do not buy a fresh bucket. /healthz is not limited.
func TestRateLimitSpoofedXFF(t *testing.T) {
	base, _ := startHardened(t, Config{RateLimit: 0.5, RateBurst: 3, RateExempt: []string{"none"}}, sampleDeps(t))
	client := &http.Client{Timeout: 5 * time.Second}
	for i := range 3 {
		if r := send(t, client, newReq(t, "GET", base+q注销, nil)); r.status != 200 {
			t.Fatalf("request %d within the burst: %d %s", i+1, r.status, r.body)
		}
	}
	r := send(t, client, newReq(t, "GET", base+q注销, nil))
	if r.status != 429 || r.err.Code != "rate_limited" || !r.isJSON {
		t.Fatalf("over the burst: %d %s, want 429 rate_limited", r.status, r.body)
	}
	if s, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || s < 1 || s > 2 {
		t.Errorf("Retry-After %q, want 1..2 s at 0.5 tokens/s", r.header.Get("Retry-After"))
	}
	for _, spoof := range [][]string{
		{"X-Forwarded-For", "203.0.113.7"},
		{"X-Forwarded-For", "203.0.113.8, 198.51.100.1"},
		{"X-Real-IP", "203.0.113.9"},
		{"X-Forwarded-For", "127.0.0.1"}, // claims to be exempt-looking loopback: nothing is exempt here anyway
		{"Forwarded", "for=203.0.113.10"},
	} {
		r := send(t, client, newReq(t, "GET", base+q注销, nil, spoof...))
		if r.status != 429 {
			t.Errorf("spoofed %s: %s: %d, want 429 (same bucket)", spoof[0], spoof[1], r.status)
		}
	}
	// The suggest route shares the client's bucket.
	if r := send(t, client, newReq(t, "GET", base+"/api/suggest?q=a", nil)); r.status != 429 {
		t.Errorf("suggest with an empty bucket: %d, want 429", r.status)
	}
	healthy(t, base, 5*time.Second)
}

// TestRateLimitTrustedProxy: behind a trusted proxy, X-Forwarded-For names
// the client, so two clients have two buckets (the spoofing test above is
// meaningful: the header is read, just not believed from anyone).
// Loopback is exempt by default.
func TestRateLimitTrustedProxy(t *testing.T) {
	base, _ := startHardened(t, Config{RateLimit: 0.5, RateBurst: 2, TrustedProxies: []string{"127.0.0.1"}}, sampleDeps(t))
	client := &http.Client{Timeout: 5 * time.Second}
	status := func(xff string) int {
		return send(t, client, newReq(t, "GET", base+q注销, nil, "X-Forwarded-For", xff)).status
	}
	for i := range 2 {
		if s := status("203.0.113.1"); s != 200 {
			t.Fatalf("client 1 request %d: %d", i+1, s)
		}
	}
	if s := status("203.0.113.1"); s != 429 {
		t.Errorf("client 1 over its burst: %d, want 429", s)
	}
	if s := status("203.0.113.2"); s != 200 {
		t.Errorf("client 2: %d, want 200 (its own bucket)", s)
	}
	// The proxy itself (loopback, no XFF) is exempt by default.
	for i := range 5 {
		if r := send(t, client, newReq(t, "GET", base+q注销, nil)); r.status != 200 {
			t.Fatalf("loopback request %d: %d, want 200 (exempt)", i+1, r.status)
		}
	}
}

// TestRateLimiterBucket checks refill and Retry-After with a fake clock.
func TestRateLimiterBucket(t *testing.T) {
	now := time.Unix(1000, 0)
	l := newRateLimiter(2, 4, 100)
	l.now = func() time.Time { return now }
	for i := range 4 {
		if ok, _ := l.allow("a"); !ok {
			t.Fatalf("request %d within burst refused", i)
		}
	}
	ok, wait := l.allow("a")
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("empty bucket: %v %v, want refused, 500ms", ok, wait)
	}
	if ok, _ := l.allow("b"); !ok {
		t.Fatal("another client refused")
	}
	now = now.Add(time.Second) // +2 tokens
	for i := range 2 {
		if ok, _ := l.allow("a"); !ok {
			t.Fatalf("refilled token %d refused", i)
		}
	}
	if ok, _ := l.allow("a"); ok {
		t.Fatal("more tokens than refilled")
	}
	now = now.Add(time.Hour) // refill caps at the burst
	n := 0
	for {
		if ok, _ := l.allow("a"); !ok {
			break
		}
		n++
	}
	if n != 4 {
		t.Errorf("after an hour: %d tokens, want the burst 4", n)
	}
	l.setRate(-1, 1)
	if ok, _ := l.allow("a"); !ok {
		t.Error("rate off still limits")
	}
}

// TestRateLimiterBounded: a flood of distinct clients never grows the map
// past its bound, and clients that keep their bucket are not made stricter.
func TestRateLimiterBounded(t *testing.T) {
	now := time.Unix(1000, 0)
	l := newRateLimiter(1, 5, 100)
	l.now = func() time.Time { return now }
	for i := range 100_000 {
		l.allow(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
		if i%1000 == 0 {
			now = now.Add(10 * time.Millisecond)
		}
		if n := l.size(); n > 100 {
			t.Fatalf("after %d clients the map holds %d > 100", i+1, n)
		}
	}
	// Evicted or not, a client is never refused more than its own usage
	// warrants: a new key always starts with a full bucket.
	if ok, _ := l.allow("fresh"); !ok {
		t.Fatal("fresh client refused")
	}
}

// TestInFlightLimit: with every query slot taken, the next query request
// gets 503 overloaded with Retry-After at once (QueueWait), not a hang;
// other routes still answer.
func TestInFlightLimit(t *testing.T) {
	deps := sampleDeps(t)
	slow := slowSearcher{Searcher: deps.Searcher, release: make(chan struct{}), started: make(chan struct{}, 8)}
	deps.Searcher = slow
	base, _ := startHardened(t, Config{MaxInFlight: 2, MaxInFlightPerClient: -1, QueueWait: 50 * time.Millisecond, RateLimit: -1}, deps)
	client := &http.Client{Timeout: 10 * time.Second}
	var wg sync.WaitGroup
	statuses := make(chan int, 2)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := client.Get(base + q注销)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	<-slow.started
	<-slow.started
	start := time.Now()
	r := send(t, client, newReq(t, "GET", base+q注销, nil))
	if r.status != 503 || r.err.Code != "overloaded" || r.header.Get("Retry-After") == "" {
		t.Errorf("third search: %d %s (Retry-After %q), want 503 overloaded", r.status, r.body, r.header.Get("Retry-After"))
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("refusal took %v, want about QueueWait", took)
	}
	if r := send(t, client, newReq(t, "GET", base+"/api/stats", nil)); r.status != 200 {
		t.Errorf("stats while searches are stuck: %d", r.status)
	}
	healthy(t, base, time.Second)
	close(slow.release)
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != 200 {
			t.Errorf("held search: %d", s)
		}
	}
	if r := send(t, client, newReq(t, "GET", base+q注销, nil)); r.status != 200 {
		t.Errorf("after release: %d", r.status)
	}
}

// TestSearchTimeout: a search over SearchTimeout ends through its context
// with 503 timeout.
func TestSearchTimeout(t *testing.T) {
	deps := sampleDeps(t)
	deps.Searcher = slowSearcher{Searcher: deps.Searcher, release: make(chan struct{}), started: make(chan struct{}, 1)}
	base, _ := startHardened(t, Config{SearchTimeout: 100 * time.Millisecond, RateLimit: -1}, deps)
	start := time.Now()
	r := send(t, &http.Client{Timeout: 5 * time.Second}, newReq(t, "GET", base+q注销, nil))
	if r.status != 503 || r.err.Code != "timeout" || time.Since(start) > 2*time.Second {
		t.Errorf("slow search: %d %s after %v, want 503 timeout after ~100ms", r.status, r.body, time.Since(start))
	}
}

// TestPanicRecovery: a handler that panics gives 500 JSON with the request
// id (the stack goes to the log, not the client) and the server keeps
// serving. The panicking route is added to the real server's router in
// this test only.
func TestPanicRecovery(t *testing.T) {
	logs := &syncBuffer{}
	cfg := Config{Logger: slog.New(slog.NewJSONHandler(logs, nil))}
	srv, err := New(cfg, sampleDeps(t))
	if err != nil {
		t.Fatal(err)
	}
	srv.router.GET("/test/panic", func(*gin.Context) { panic("boom: secret internals") })
	srv.router.GET("/test/panic-nil-map", func(*gin.Context) {
		var m map[string]int
		m["x"]++
	})
	base, _ := startHardenedServer(t, srv)
	client := &http.Client{Timeout: 5 * time.Second}
	for range 2 {
		for _, p := range []string{"/test/panic", "/test/panic-nil-map"} {
			r := send(t, client, newReq(t, "GET", base+p, nil))
			if r.status != 500 || r.err.Code != "internal" || !r.isJSON {
				t.Errorf("%s: %d %s, want 500 internal JSON", p, r.status, r.body)
			}
			if r.err.RequestID == "" || r.err.RequestID != r.header.Get("X-Request-ID") {
				t.Errorf("%s: request id %q, header %q", p, r.err.RequestID, r.header.Get("X-Request-ID"))
			}
			if strings.Contains(string(r.body), "secret internals") || strings.Contains(string(r.body), "goroutine") {
				t.Errorf("%s: panic details sent to the client: %s", p, r.body)
			}
		}
	}
	healthy(t, base, 5*time.Second)
	if r := send(t, client, newReq(t, "GET", base+q注销, nil)); r.status != 200 {
		t.Errorf("search after panics: %d", r.status)
	}
	l := logs.String()
	if !strings.Contains(l, `"msg":"panic"`) || !strings.Contains(l, "runtime/debug.Stack") || !strings.Contains(l, "secret internals") {
		t.Errorf("panic not logged with its stack:\n%.2000s", l)
	}
}

// startHardenedServer serves an already built server.
func startHardenedServer(t *testing.T, srv *Server) (string, *Server) {
	t.Helper()
	return serveBuilt(t, srv), srv
}

// TestMetrics: /metrics is Prometheus text from the server's own registry:
// latency by route pattern (never the raw path), search counters, index
// gauges read at scrape time, Go and process collectors.
func TestMetrics(t *testing.T) {
	base, _ := startHardened(t, Config{RateLimit: -1}, sampleDeps(t))
	client := &http.Client{Timeout: 5 * time.Second}
	for _, p := range []string{q注销, "/api/search?q=" + url.QueryEscape("喵喵喵喵"), "/api/docs/article-1000", "/api/docs/nope",
		"/no/such/path/12345", "/api/search?q=a&size=0"} {
		send(t, client, newReq(t, "GET", base+p, nil))
	}
	resp, err := client.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := string(body)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{
		`wensou_http_request_duration_seconds_count{method="GET",route="/api/search",status="200"} 2`,
		`wensou_http_request_duration_seconds_count{method="GET",route="/api/search",status="400"} 1`,
		`wensou_http_request_duration_seconds_count{method="GET",route="/api/docs/:id",status="200"} 1`,
		`wensou_http_request_duration_seconds_count{method="GET",route="/api/docs/:id",status="404"} 1`,
		`wensou_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"} 1`,
		`wensou_searches_total{result="hits"} 1`,
		`wensou_searches_total{result="zero"} 1`,
		`wensou_search_zero_results_total 1`,
		`wensou_search_hits_count 2`,
		`wensou_index_documents{kind="all"}`,
		`wensou_index_generation_info{generation="memory"} 1`,
		`wensou_index_up 1`,
		`wensou_http_requests_in_flight`,
		`wensou_rate_limited_total 0`,
		`wensou_overloaded_total 0`,
		"go_goroutines", "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes", "process_open_fds",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(m, "12345") || strings.Contains(m, "article-1000") {
		t.Error("/metrics has raw paths as labels")
	}
	// Two servers in one process: separate registries, no collision.
	base2, _ := startHardened(t, Config{}, sampleDeps(t))
	if r := send(t, client, newReq(t, "GET", base2+"/metrics", nil)); r.status != 200 {
		t.Errorf("second server's /metrics: %d", r.status)
	}
	// Disabled on the main listener, still available to an admin listener.
	base3, srv3 := startHardened(t, Config{DisableMetrics: true}, sampleDeps(t))
	if r := send(t, client, newReq(t, "GET", base3+"/metrics", nil)); r.status != 404 {
		t.Errorf("disabled /metrics: %d, want 404", r.status)
	}
	admin := serveHandler(t, srv3.AdminHandler())
	for _, p := range []string{"/metrics", "/debug/pprof/", "/debug/pprof/goroutine?debug=1", "/healthz"} {
		resp, err := client.Get(admin + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("admin %s: %d", p, resp.StatusCode)
		}
	}
}

// TestLogRedaction: request logs keep the query but never a key, whether
// sent in the header or (wrongly) in the URL.
func TestLogRedaction(t *testing.T) {
	logs := &syncBuffer{}
	base, _ := startHardened(t, Config{SearchKey: "log-search-key-0123456789", RateLimit: -1,
		Logger: slog.New(slog.NewJSONHandler(logs, nil))}, sampleDeps(t))
	client := &http.Client{Timeout: 5 * time.Second}
	send(t, client, newReq(t, "GET", base+q注销+"&key=SECRET-ONE&Token=SECRET-TWO&k%65y=SECRET-THREE&api_key=SECRET-FOUR&access_token=SECRET-FIVE", nil,
		"Authorization", "Bearer log-search-key-0123456789"))
	send(t, client, newReq(t, "GET", base+q注销, nil, "Authorization", "Bearer SECRET-SIX"))
	l := logs.String()
	for _, s := range []string{"SECRET-ONE", "SECRET-TWO", "SECRET-THREE", "SECRET-FOUR", "SECRET-FIVE", "SECRET-SIX", "log-search-key"} {
		if strings.Contains(l, s) {
			t.Errorf("log holds %s:\n%s", s, l)
		}
	}
	if !strings.Contains(l, "key=REDACTED") || !strings.Contains(l, `"query":"q=%E6%B3%A8%E9%94%80`) || !strings.Contains(l, `"request_id"`) {
		t.Errorf("log lacks the redacted query or request id:\n%s", l)
	}
	for _, tc := range []struct{ in, want string }{
		{"q=a&key=x", "q=a&key=REDACTED"},
		{"KEY=x&q=a", "KEY=REDACTED&q=a"},
		{"q=key", "q=key"},
		{"q=a&monkey=1", "q=a&monkey=REDACTED"},
		{"q=%zz&token", "q=%zz&token=REDACTED"},
	} {
		if got := redactQuery(tc.in); got != tc.want {
			t.Errorf("redactQuery(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestReload: keys and rate limits change on a running server; a rotated
// admin key stops working at once on write routes.
func TestReload(t *testing.T) {
	base, srv := startHardened(t, Config{AdminKey: "old-admin-key-0123456789", SearchKey: "old-search-key-0123456789",
		RateLimit: -1, RateExempt: []string{"none"}}, sampleDeps(t))
	client := &http.Client{Timeout: 5 * time.Second}
	status := func(method, path, key string) int {
		req := newReq(t, method, base+path, strings.NewReader(""), "Authorization", "Bearer "+key)
		return send(t, client, req).status
	}
	if s := status("GET", q注销, "old-search-key-0123456789"); s != 200 {
		t.Fatalf("old search key before reload: %d", s)
	}
	srv.Reload(Dynamic{AdminKey: "new-admin-key-0123456789", SearchKey: "new-search-key-0123456789", RateLimit: 0.1, RateBurst: 2})
	checks := []struct {
		method, path, key string
		want              int
	}{
		{"GET", q注销, "old-search-key-0123456789", 403},
		{"GET", q注销, "new-search-key-0123456789", 200},
		{"DELETE", "/api/docs/no-such-doc", "old-admin-key-0123456789", 403},
		{"DELETE", "/api/docs/no-such-doc", "new-admin-key-0123456789", 404},
		{"GET", q注销, "new-admin-key-0123456789", 429}, // third query request: burst 2 spent
	}
	for _, c := range checks {
		if s := status(c.method, c.path, c.key); s != c.want {
			t.Errorf("after reload %s %s with %.3s…: %d, want %d", c.method, c.path, c.key, s, c.want)
		}
	}
}

// TestOverload drives a server with a low concurrency limit far above its
// capacity for a few seconds: the excess gets 503 overloaded (or 429)
// quickly instead of waiting, no request times out, and /healthz answers
// at once afterwards. The numbers are logged (go test -v).
func TestOverload(t *testing.T) {
	if testing.Short() {
		t.Skip("overload test in -short mode")
	}
	// One loopback client: the global limit is under test, not the per-client share.
	// Each search takes at least 2 ms, so that the two slots serve at most
	// 1,000 searches a second and 64 clients queue past the 20 ms wait on
	// any machine (the sample index alone answers in 0.1 ms, fast enough on
	// a quick machine for the queue never to fill).
	deps := sampleDeps(t)
	deps.Searcher = delayedSearcher{Searcher: deps.Searcher, delay: 2 * time.Millisecond}
	base, _ := startHardened(t, Config{MaxInFlight: 2, MaxInFlightPerClient: -1, QueueWait: 20 * time.Millisecond, RateLimit: -1}, deps)
	const clients, duration = 64, 4 * time.Second
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	client := &http.Client{Timeout: 5 * time.Second, Transport: tr}
	defer tr.CloseIdleConnections()
	queries := []string{"注销", "租机", "支付宝 租机", "网贷 注销 流程", "手机", "押金 退款"}
	var (
		mu        sync.Mutex
		counts    = map[int]int{}
		errs      int
		latencies = map[int][]time.Duration{}
		total     atomic.Int64
	)
	deadline := time.Now().Add(duration)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; time.Now().Before(deadline); n++ {
				q := queries[(i+n)%len(queries)]
				start := time.Now()
				resp, err := client.Get(base + "/api/search?size=100&q=" + url.QueryEscape(q))
				total.Add(1)
				if err != nil {
					mu.Lock()
					errs++
					mu.Unlock()
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mu.Lock()
				counts[resp.StatusCode]++
				latencies[resp.StatusCode] = append(latencies[resp.StatusCode], time.Since(start))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	healthTook := healthy(t, base, 10*time.Second)
	pct := func(d []time.Duration, p float64) time.Duration {
		if len(d) == 0 {
			return 0
		}
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return d[int(float64(len(d)-1)*p)]
	}
	t.Logf("overload: %d clients for %v against max_in_flight=2, queue_wait=20ms on %d CPUs: %d requests (%.0f/s)",
		clients, duration, runtimeCPUs(), total.Load(), float64(total.Load())/duration.Seconds())
	for _, code := range []int{200, 429, 503} {
		t.Logf("  %d: %6d  p50 %v  p99 %v  max %v", code, counts[code], pct(latencies[code], .5), pct(latencies[code], .99), pct(latencies[code], 1))
	}
	t.Logf("  transport errors/timeouts: %d; /healthz after the load: %v", errs, healthTook)
	if errs > 0 {
		t.Errorf("%d requests failed or timed out, want 0", errs)
	}
	for code, n := range counts {
		if code != 200 && code != 429 && code != 503 {
			t.Errorf("%d responses with status %d", n, code)
		}
	}
	if counts[503] == 0 || counts[200] == 0 {
		t.Errorf("want both served (200) and shed (503) requests, got %v", counts)
	}
	if p := pct(latencies[503], .99); p > time.Second {
		t.Errorf("p99 of refusals %v, want well under a second", p)
	}
}

// TestPageGuarded: the search page shares the query routes' rate limit and
// refuses a page so deep that page*size would overflow, as HTML.
func TestPageGuarded(t *testing.T) {
	base, _ := startHardened(t, Config{RateLimit: 0.1, RateBurst: 1, RateExempt: []string{"none"}}, sampleDeps(t))
	client := &http.Client{Timeout: 5 * time.Second}
	p := "/?q=" + url.QueryEscape("注销")
	if r := send(t, client, newReq(t, "GET", base+p+"&page=9223372036854775807", nil)); r.status != 429 && r.status != 400 {
		t.Errorf("overflowing page: %d", r.status)
	}
	r := send(t, client, newReq(t, "GET", base+p, nil))
	if r.status != 429 || r.header.Get("Retry-After") == "" || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Errorf("page over the rate: %d %q Retry-After %q, want 429 HTML", r.status, r.header.Get("Content-Type"), r.header.Get("Retry-After"))
	}
	base2, _ := startHardened(t, Config{RateLimit: -1}, sampleDeps(t))
	r = send(t, client, newReq(t, "GET", base2+p+"&page=9223372036854775807&size=100", nil))
	if r.status != 400 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Errorf("overflowing page: %d %q, want 400 HTML", r.status, r.header.Get("Content-Type"))
	}
}

func TestClientKey(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"203.0.113.7", "203.0.113.7"},
		{"::ffff:203.0.113.7", "::ffff:203.0.113.7"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"},
		{"::1", "::/64"},
		{"not an ip", "not an ip"},
	} {
		if got := clientKey(tc.in); got != tc.want {
			t.Errorf("clientKey(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// Two addresses of one /64 share a bucket; loopback stays exempt.
	l := newRateLimiter(0.001, 1, 10)
	if err := l.setExempt([]string{"::1", "127.0.0.0/8"}); err != nil {
		t.Fatal(err)
	}
	if ok, _ := l.allow("2001:db8:1:2::1"); !ok {
		t.Fatal("first request refused")
	}
	if ok, _ := l.allow("2001:db8:1:2::2"); ok {
		t.Error("a second address of the same /64 got a fresh bucket")
	}
	if ok, _ := l.allow("2001:db8:1:3::1"); !ok {
		t.Error("another /64 refused")
	}
	for range 3 {
		if ok, _ := l.allow("::1"); !ok {
			t.Error("IPv6 loopback not exempt")
		}
	}
}

// delayedSearcher is a Searcher whose searches take at least delay.
type delayedSearcher struct {
	Searcher
	delay time.Duration
}

func (s delayedSearcher) Search(ctx context.Context, req search.Request) (*search.Result, error) {
	time.Sleep(s.delay)
	return s.Searcher.Search(ctx, req)
}

package httpapi

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

const (
	keysAdmin  = "admin-key-0123456789abcdef"
	keysSearch = "search-key-0123456789abcdef"
)

// TestKeysGuardPageAndMetrics: with a search key the search page (GET and
// HEAD) needs it like the API; /metrics needs the admin key when one is
// configured, else the search key; without keys both stay open.
func TestKeysGuardPageAndMetrics(t *testing.T) {
	both := Config{AdminKey: keysAdmin, SearchKey: keysSearch, RateLimit: -1}
	searchOnly := Config{SearchKey: keysSearch, RateLimit: -1}
	tests := []struct {
		name   string
		cfg    Config
		method string
		path   string
		key    string
		want   int
	}{
		{"page q without key", both, "GET", "/?q=" + pq("注销"), "", 401},
		{"page q wrong key", both, "GET", "/?q=" + pq("注销"), "nope", 403},
		{"page q head without key", both, "HEAD", "/?q=" + pq("注销"), "", 401},
		{"page home without key", both, "GET", "/", "", 401},
		{"page q search key", both, "GET", "/?q=" + pq("注销"), keysSearch, 200},
		{"page q admin key", both, "HEAD", "/?q=" + pq("注销"), keysAdmin, 200},
		{"metrics without key", both, "GET", "/metrics", "", 401},
		{"metrics search key", both, "GET", "/metrics", keysSearch, 403},
		{"metrics admin key", both, "GET", "/metrics", keysAdmin, 200},
		{"metrics search-only without key", searchOnly, "GET", "/metrics", "", 401},
		{"metrics search-only search key", searchOnly, "GET", "/metrics", keysSearch, 200},
		{"open page", Config{RateLimit: -1}, "GET", "/?q=" + pq("注销"), "", 200},
		{"open metrics", Config{RateLimit: -1}, "GET", "/metrics", "", 200},
		{"assets stay open", both, "GET", "/widget.js", "", 200},
	}
	deps := sampleDeps(t)
	servers := map[string]string{}
	client := &http.Client{Timeout: 10 * time.Second}
	for _, tt := range tests {
		k := fmt.Sprint(tt.cfg.AdminKey, "|", tt.cfg.SearchKey)
		if servers[k] == "" {
			servers[k], _ = startHardened(t, tt.cfg, deps)
		}
		req := newReq(t, tt.method, servers[k]+tt.path, nil)
		if tt.key != "" {
			req.Header.Set("Authorization", "Bearer "+tt.key)
		}
		if got := send(t, client, req); got.status != tt.want {
			t.Errorf("%s: %s %s = %d, want %d", tt.name, tt.method, tt.path, got.status, tt.want)
		}
	}
}

// TestAuthFailuresRateLimited: a client guessing keys gets 429 after
// AuthFailBurst failures, loopback included, on the admin routes and the
// read API; its correct key is refused too while it is limited, other
// clients are not affected, and it recovers at AuthFailRate.
func TestAuthFailuresRateLimited(t *testing.T) {
	base, _ := startHardened(t, Config{AdminKey: keysAdmin, SearchKey: keysSearch, RateLimit: -1,
		TrustedProxies: []string{"127.0.0.1"}, AuthFailBurst: 5, AuthFailRate: 20}, sampleDeps(t))
	client := &http.Client{Timeout: 10 * time.Second}
	status := func(method, path, key, client_ string) reply {
		req := newReq(t, method, base+path, strings.NewReader(""), "Authorization", "Bearer "+key)
		if client_ != "" {
			req.Header.Set("X-Forwarded-For", client_)
		}
		return send(t, client, req)
	}
	counts := map[int]int{}
	for range 200 {
		counts[status("DELETE", "/api/docs/none", "wrong-key", "").status]++
	}
	if counts[403] < 1 || counts[403] > 10 || counts[429] < 150 || counts[403]+counts[429] != 200 {
		t.Fatalf("200 wrong admin keys from loopback: %v, want a few 403 then 429", counts)
	}
	r := status("DELETE", "/api/docs/none", keysAdmin, "")
	if r.status != 429 || r.err.Code != "auth_rate_limited" || r.header.Get("Retry-After") == "" {
		t.Errorf("right key while limited = %d %s Retry-After %q, want 429 auth_rate_limited", r.status, r.err.Code, r.header.Get("Retry-After"))
	}
	if r := status("DELETE", "/api/docs/none", keysAdmin, "192.0.2.7"); r.status != 404 {
		t.Errorf("another client with the right key = %d, want 404", r.status)
	}
	for range 10 {
		status("GET", "/api/stats", "wrong", "192.0.2.8")
	}
	if r := status("GET", "/api/stats", keysSearch, "192.0.2.8"); r.status != 429 {
		t.Errorf("read API after 10 wrong search keys = %d, want 429", r.status)
	}
	time.Sleep(300 * time.Millisecond) // 20 per second: the bucket refills
	if r := status("DELETE", "/api/docs/none", keysAdmin, ""); r.status != 404 {
		t.Errorf("right key after the refill = %d, want 404", r.status)
	}
}

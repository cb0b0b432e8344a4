package httpapi

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/search"
)

// fakeCache is a searcher with a result cache whose counters are fixed.
type fakeCache struct {
	Searcher
	stats       search.CacheStats
	invalidated atomic.Int32
}

func (f *fakeCache) CacheStats() search.CacheStats { return f.stats }
func (f *fakeCache) InvalidateCache()              { f.invalidated.Add(1) }

// nopWriter accepts every write.
type nopWriter struct{}

func (nopWriter) Put(context.Context, []corpus.Document) error { return nil }
func (nopWriter) Delete(context.Context, []string) error       { return nil }

// TestCacheMetricsAndInvalidation: the cache counters are in /metrics and
// every API write empties the cache.
func TestCacheMetricsAndInvalidation(t *testing.T) {
	const admin = "admin-key-0123456789"
	fc := &fakeCache{Searcher: sampleDeps(t).Searcher,
		stats: search.CacheStats{Enabled: true, Hits: 7, Misses: 3, Evictions: 1, Entries: 2, Bytes: 4096}}
	base, _ := startHardened(t, Config{RateLimit: -1, AdminKey: admin}, Deps{Searcher: fc, Writer: nopWriter{}})
	client := &http.Client{Timeout: 5 * time.Second}
	steps := []struct {
		method, path, body string
		status             int
		invalidated        int32
	}{
		{"GET", q注销, "", 200, 0},
		{"POST", "/api/docs", `[{"id":"c1","title":"缓存","body":"正文"}]`, 200, 1},
		{"DELETE", "/api/docs/article-1000", "", 200, 2},
		{"DELETE", "/api/docs/no-such-doc", "", 404, 2},
	}
	for _, s := range steps {
		req := newReq(t, s.method, base+s.path, strings.NewReader(s.body))
		req.Header.Set("Authorization", "Bearer "+admin)
		if r := send(t, client, req); r.status != s.status {
			t.Fatalf("%s %s: %d, want %d", s.method, s.path, r.status, s.status)
		}
		if n := fc.invalidated.Load(); n != s.invalidated {
			t.Errorf("after %s %s: %d invalidations, want %d", s.method, s.path, n, s.invalidated)
		}
	}
	req := newReq(t, "GET", base+"/metrics", nil, "Authorization", "Bearer "+admin) // a key is configured: /metrics needs it
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		"wensou_search_cache_hits_total 7\n", "wensou_search_cache_misses_total 3\n",
		"wensou_search_cache_evictions_total 1\n", "wensou_search_cache_entries 2\n",
		"wensou_search_cache_bytes 4096\n", "wensou_search_cache_enabled 1\n",
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

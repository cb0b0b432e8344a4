package search

import (
	"container/list"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blugelabs/bluge"
)

// CacheConfig configures the query result cache (as Solr's
// queryResultCache or Elasticsearch's request cache): whole pages of
// results keyed by the normalised request, valid for one index reader and
// one Analysis. A reader switch (new generation, or a write that swaps in
// a fresh snapshot) or a dictionary reload empties it; so does
// Engine.InvalidateCache. The zero value is an enabled cache with the
// default bounds.
type CacheConfig struct {
	Disabled   bool  // no caching at all
	MaxEntries int   // results kept, default 2048
	MaxBytes   int64 // estimated size of the results kept, default 16 MiB
}

// WithDefaults returns c with every zero bound set to its default.
func (c CacheConfig) WithDefaults() CacheConfig { return c.withDefaults() }

func (c CacheConfig) withDefaults() CacheConfig {
	if c.MaxEntries <= 0 {
		c.MaxEntries = 2048
	}
	if c.MaxBytes <= 0 {
		c.MaxBytes = 16 << 20
	}
	return c
}

// CacheStats are the counters of the query result cache.
type CacheStats struct {
	Enabled   bool
	Hits      uint64 // searches answered from the cache
	Misses    uint64 // cacheable searches that ran
	Evictions uint64 // entries dropped to stay within the bounds
	Entries   int    // results held now
	Bytes     int64  // their estimated size
}

// resultCache is a bounded LRU of results. Every entry belongs to the
// current reader and analysis; a lookup with another one empties it first.
type resultCache struct {
	cfg   CacheConfig
	mu    sync.Mutex
	r     *bluge.Reader
	a     Analysis
	lru   *list.List // of *cacheEntry, most recent first
	byKey map[string]*list.Element
	stats CacheStats
}

type cacheEntry struct {
	key  string
	res  *Result
	size int64
}

// newResultCache returns the cache, or nil when cfg disables it (all
// methods of a nil cache are no-ops).
func newResultCache(cfg CacheConfig) *resultCache {
	if cfg.Disabled {
		return nil
	}
	return &resultCache{cfg: cfg.withDefaults(), lru: list.New(), byKey: map[string]*list.Element{}}
}

// get returns the result cached for key under r and a, or nil.
func (c *resultCache) get(r *bluge.Reader, a Analysis, key string) *Result {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.follow(r, a)
	el, ok := c.byKey[key]
	if !ok {
		c.stats.Misses++
		return nil
	}
	c.stats.Hits++
	c.lru.MoveToFront(el)
	return el.Value.(*cacheEntry).res
}

// put caches res for key under r and a. The cache keeps res: the caller
// must not change it afterwards.
func (c *resultCache) put(r *bluge.Reader, a Analysis, key string, res *Result) {
	if c == nil {
		return
	}
	size := resultSize(res) + int64(len(key))
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.follow(r, a) || size > c.cfg.MaxBytes {
		return
	}
	if el, ok := c.byKey[key]; ok { // a concurrent miss stored it first
		c.lru.MoveToFront(el)
		return
	}
	c.byKey[key] = c.lru.PushFront(&cacheEntry{key: key, res: res, size: size})
	c.stats.Entries++
	c.stats.Bytes += size
	for c.stats.Entries > c.cfg.MaxEntries || c.stats.Bytes > c.cfg.MaxBytes {
		c.remove(c.lru.Back())
		c.stats.Evictions++
	}
}

// follow empties the cache when r or a is not the one its entries belong
// to and makes them current. It reports false when a cannot be compared
// (then nothing may be cached).
func (c *resultCache) follow(r *bluge.Reader, a Analysis) bool {
	if a != nil && !reflect.TypeOf(a).Comparable() {
		c.clear()
		c.r, c.a = nil, nil
		return false
	}
	if c.r != r || c.a != a {
		c.clear()
		c.r, c.a = r, a
	}
	return true
}

// invalidate empties the cache.
func (c *resultCache) invalidate() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clear()
}

func (c *resultCache) clear() {
	c.lru.Init()
	clear(c.byKey)
	c.stats.Entries, c.stats.Bytes = 0, 0
}

func (c *resultCache) remove(el *list.Element) {
	e := c.lru.Remove(el).(*cacheEntry)
	delete(c.byKey, e.key)
	c.stats.Entries--
	c.stats.Bytes -= e.size
}

func (c *resultCache) snapshot() CacheStats {
	if c == nil {
		return CacheStats{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Enabled = true
	return s
}

// resultSize estimates the memory a cached result holds.
func resultSize(res *Result) int64 {
	n := 256 + len(res.Query) + 48*(len(res.Facets.Kind)+len(res.Facets.Month))
	for _, h := range res.Hits {
		n += 160 + len(h.ID) + len(h.Kind) + len(h.Title) + len(h.URL) + len(h.Published) + len(h.TitleHTML) + len(h.SnippetHTML)
	}
	return int64(n)
}

// cacheKey is the normalised request: the parsed clauses (so spacing does
// not matter) and every parameter that changes the result. Explain
// requests are not cached (ok false).
func cacheKey(q Query, req Request) (key string, ok bool) {
	if req.Explain {
		return "", false
	}
	var b strings.Builder
	for _, c := range q.Clauses {
		b.WriteString(c.Field)
		b.WriteByte(':')
		if c.Negate {
			b.WriteByte('-')
		}
		if c.Phrase {
			b.WriteByte('"')
		}
		b.WriteString(strconv.Quote(c.Text))
		b.WriteByte(' ')
	}
	b.WriteString("\x00" + strconv.Itoa(req.Page) + "\x00" + strconv.Itoa(req.Size) + "\x00" + req.Kind + "\x00" + req.Sort)
	b.WriteString("\x00" + dayKey(req.From) + "\x00" + dayKey(req.To))
	if req.Exact {
		b.WriteString("\x00exact")
	}
	for _, f := range req.filters {
		b.WriteString("\x00f:" + f.key())
	}
	for _, name := range req.Facets {
		b.WriteString("\x00facet:" + name)
	}
	return b.String(), true
}

func dayKey(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

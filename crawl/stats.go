package crawl

import (
	"sync"
	"time"
)

// Stats count what a crawl did.
type Stats struct {
	// Listed counts the distinct page URLs to visit: listed by the
	// sitemaps, or found so far by a link crawl. The other page counts add
	// up to it once the crawl is over.
	Listed        int64          `json:"listed"`
	Fetched       int64          `json:"fetched"`
	NotModified   int64          `json:"not_modified"`
	SkippedRobots int64          `json:"skipped_by_robots"`
	Noindex       int64          `json:"noindex"`
	Gone          int64          `json:"gone"`
	Failed        map[string]int `json:"failed,omitempty"` // by reason
	Kept          int64          `json:"kept"`             // previous version kept after a transient failure
	// SitemapsFailed are child sitemaps that could not be read: the pages
	// they listed last time are kept.
	SitemapsFailed int64   `json:"sitemaps_failed"`
	Bytes          int64   `json:"bytes"`
	Requests       int64   `json:"requests"`
	Seconds        float64 `json:"seconds"`
	RequestsPerS   float64 `json:"requests_per_second"`
}

// counter is the crawler's live Stats.
type counter struct {
	mu    sync.Mutex
	s     Stats
	start time.Time
}

func (c *counter) do(f func(*Stats)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.start.IsZero() {
		c.start = time.Now()
	}
	f(&c.s)
}

func (c *counter) request()       { c.do(func(s *Stats) { s.Requests++ }) }
func (c *counter) addBytes(n int) { c.do(func(s *Stats) { s.Bytes += int64(n) }) }
func (c *counter) fail(why string) {
	c.do(func(s *Stats) {
		if s.Failed == nil {
			s.Failed = map[string]int{}
		}
		s.Failed[why]++
	})
}

// Done counts the listed pages dealt with so far, whatever the outcome.
func (s Stats) Done() int64 {
	n := s.Fetched + s.NotModified + s.SkippedRobots + s.Noindex + s.Gone
	for _, f := range s.Failed {
		n += int64(f)
	}
	return n
}

// snapshot is a copy of the counts with the rate so far.
func (c *counter) snapshot() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.s
	s.Failed = make(map[string]int, len(c.s.Failed))
	for k, v := range c.s.Failed {
		s.Failed[k] = v
	}
	if !c.start.IsZero() {
		s.Seconds = time.Since(c.start).Seconds()
		if s.Seconds > 0 {
			s.RequestsPerS = float64(s.Requests) / s.Seconds
		}
	}
	return s
}

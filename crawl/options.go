package crawl

import "time"

// Defaults of Options.
const (
	DefaultRate         = 2.0 // requests per second per host
	DefaultConcurrency  = 2   // requests in flight per host
	DefaultTimeout      = 10 * time.Second
	DefaultMaxRedirects = 5
	DefaultMaxBytes     = 10 << 20
	DefaultRetries      = 2
	DefaultBackoff      = 500 * time.Millisecond
	// maxSitemapBytes bounds one sitemap file (the protocol's limit is 50 MB).
	maxSitemapBytes = 50 << 20
)

// Options tune a crawl. The zero value means the defaults.
type Options struct {
	UserAgent    string        // default "wensou (+https://github.com/wensou/wensou)"
	Rate         float64       // requests/s per host; <0 unlimited
	Concurrency  int           // requests in flight per host
	Timeout      time.Duration // per request
	MaxRedirects int
	MaxBytes     int64    // response body limit
	Hosts        []string // allowed hosts; default the source's host
	Depth        int      // links followed from a start URL that is not a sitemap
	Retries      int      // after a 5xx or timeout; negative: none
	Backoff      time.Duration
}

// WithDefaults returns o with every zero value replaced by its default.
func (o Options) WithDefaults() Options {
	if o.UserAgent == "" {
		o.UserAgent = "wensou (+https://github.com/wensou/wensou)"
	}
	if o.Rate == 0 {
		o.Rate = DefaultRate
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = DefaultMaxRedirects
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.Retries == 0 { // negative: none (kept, so WithDefaults stays idempotent)
		o.Retries = DefaultRetries
	}
	if o.Backoff <= 0 {
		o.Backoff = DefaultBackoff
	}
	return o
}

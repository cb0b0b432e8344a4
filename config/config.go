package config

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/crawl"
	"github.com/wensou/wensou/httpapi"
	"github.com/wensou/wensou/search"
	"github.com/wensou/wensou/segment"
)

// Config is the configuration of `wensou serve` and `wensou index`.
type Config struct {
	Addr           string   `yaml:"addr"`       // listen address, default 127.0.0.1:8080
	AdminAddr      string   `yaml:"admin_addr"` // pprof + metrics listener, default off
	Index          string   `yaml:"index"`      // data directory; "" serves the embedded sample
	Sources        []string `yaml:"sources"`    // what a reindex job (and `index` without arguments) reads
	LogFormat      string   `yaml:"log_format"` // text (default) or json
	LogLevel       string   `yaml:"log_level"`  // debug, info (default), warn, error
	AdminKey       string   `yaml:"admin_key" secret:"true"`
	SearchKey      string   `yaml:"search_key" secret:"true"`
	TrustedProxies []string `yaml:"trusted_proxies"`
	CORSOrigins    []string `yaml:"cors_origins"`

	Dictionaries struct {
		UserDict  string `yaml:"user_dict"`
		Synonyms  string `yaml:"synonyms"`
		StopWords string `yaml:"stop_words"`
	} `yaml:"dictionaries"`

	Timeouts struct {
		ReadHeader Duration `yaml:"read_header"`
		Read       Duration `yaml:"read"`
		Write      Duration `yaml:"write"`
		Idle       Duration `yaml:"idle"`
		Search     Duration `yaml:"search"`
		Shutdown   Duration `yaml:"shutdown"`
	} `yaml:"timeouts"`

	Limits struct {
		MaxBodyBytes   int64    `yaml:"max_body_bytes"`
		MaxNDJSONBytes int64    `yaml:"max_ndjson_bytes"`
		MaxHeaderBytes int      `yaml:"max_header_bytes"`
		MaxQueryChars  int      `yaml:"max_query_chars"`
		MaxTerms       int      `yaml:"max_terms"`
		MaxPageSize    int      `yaml:"max_page_size"`
		MaxWindow      int      `yaml:"max_window"`
		MaxPushDocs    int      `yaml:"max_push_docs"`
		MaxInFlight    int      `yaml:"max_in_flight"`
		QueueWait      Duration `yaml:"queue_wait"`
		PerClient      int      `yaml:"max_in_flight_per_client"`
	} `yaml:"limits"`

	RateLimit struct {
		PerSecond float64  `yaml:"per_second"`
		Burst     int      `yaml:"burst"`
		Clients   int      `yaml:"clients"`
		Exempt    []string `yaml:"exempt"`
	} `yaml:"rate_limit"`

	Metrics struct {
		Disabled bool `yaml:"disabled"` // no /metrics on the main listener
	} `yaml:"metrics"`

	// GC tunes the Go garbage collector of `serve` (runtime/debug):
	// searching allocates at a high rate over a small live heap, so the
	// default GOGC of 100 spends a tenth of the CPU collecting.
	GC struct {
		Percent     int   `yaml:"percent"`      // GC target percentage, default 200 (unless the GOGC variable is set); negative: GC off
		MemoryLimit int64 `yaml:"memory_limit"` // soft memory limit in bytes, default none (unless GOMEMLIMIT is set)
	} `yaml:"gc"`

	Cache struct { // the query result cache (search.CacheConfig)
		Disabled   bool  `yaml:"disabled"`
		MaxEntries int   `yaml:"max_entries"`
		MaxBytes   int64 `yaml:"max_bytes"`
	} `yaml:"cache"`

	// Fields declares the documents' own fields (JSON/JSONL keys beyond
	// id, url, title, body, published, related: a poem's author). Every own
	// field is kept and indexed; a declared text field is searched at its
	// weight (default search.DefaultOwnWeight), searchable: false keeps it
	// out of searches.
	Fields []Field `yaml:"fields"`

	// Keys are keys scoped to one index: a site's search key reads its
	// own index only (403 elsewhere), an index admin key writes and
	// reindexes it. admin_key and search_key stay the server-wide keys;
	// managing indexes (PUT/DELETE /api/indexes/NAME) needs admin_key.
	// Reloaded on SIGHUP.
	Keys []ScopedKey `yaml:"keys"`

	// Cluster makes the server a replica of a cluster (docs/SCALING.md):
	// writes go through a replicated log on NATS JetStream and every
	// replica applies it. Nothing here is used unless NATS is set.
	Cluster struct {
		NATS        []string `yaml:"nats"`         // URLs of the JetStream servers holding the write log
		Node        string   `yaml:"node"`         // this replica's name, unique in the cluster; default: the host name
		Advertise   string   `yaml:"advertise"`    // this replica's base URL as its peers reach it (http://HOST:PORT)
		MaxLag      int      `yaml:"max_lag"`      // log writes a ready replica may be behind, default 1000
		MaxLagTime  Duration `yaml:"max_lag_time"` // how long a ready replica may stay behind, default 5s
		LogReplicas int      `yaml:"log_replicas"` // copies of the write log in JetStream, default 3
	} `yaml:"cluster"`

	// Crawl tunes URL sources (a sitemap, a sitemap index or a start
	// URL) of `wensou index` and of the server's reindex jobs
	// (crawl.Options). The --crawl-* flags of `index` override these.
	Crawl struct {
		Rate        float64  `yaml:"rate"`        // requests per second per host, default 2; negative: unlimited
		Concurrency int      `yaml:"concurrency"` // requests in flight per host, default 2
		Depth       int      `yaml:"depth"`       // links followed from a start URL that is not a sitemap, default 0
		Hosts       []string `yaml:"hosts"`       // hosts a crawl may fetch from; default: each source URL's host
		UserAgent   string   `yaml:"user_agent"`  // default wensou/VERSION (+https://github.com/wensou/wensou)
		Timeout     Duration `yaml:"timeout"`     // of one request, default 10s
		MaxBytes    int64    `yaml:"max_bytes"`   // largest response read, default 10MiB
		Retries     int      `yaml:"retries"`     // after a 5xx or a timeout, default 2; negative: none
	} `yaml:"crawl"`

	Popular struct { // 大家都在搜 on the search page (httpapi.PopularConfig)
		Seed     []string `yaml:"seed"`      // shown while the query log has too few queries
		Deny     []string `yaml:"deny"`      // never shown: a query containing one of these
		Size     int      `yaml:"size"`      // chips shown, default 8
		MinCount int      `yaml:"min_count"` // times a logged query must have been searched, default 2
	} `yaml:"popular"`
}

// Duration is a time.Duration written as "5s", "100ms", "2m".
type Duration time.Duration

// UnmarshalText parses a Go duration string; a bare number is seconds.
func (d *Duration) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		*d = Duration(n * float64(time.Second))
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration %q: want e.g. 5s, 250ms, 2m", s)
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes d as a Go duration string.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// D is d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// Defaults the engine applies itself (search.Config); repeated here so
// that `config check` prints the effective values.
const (
	defaultMaxTerms  = 16
	defaultMaxWindow = 10000
)

// WithDefaults returns c with every zero value replaced by its default,
// as the packages apply them.
func (c Config) WithDefaults() Config {
	h := c.HTTP(nil).WithDefaults()
	if c.Addr == "" {
		c.Addr = h.Addr
	}
	if c.LogFormat == "" {
		c.LogFormat = "text"
	}
	if c.LogLevel == "" {
		c.LogLevel = "info"
	}
	t := &c.Timeouts
	t.ReadHeader, t.Read, t.Write, t.Idle = Duration(h.ReadHeaderTimeout), Duration(h.ReadTimeout), Duration(h.WriteTimeout), Duration(h.IdleTimeout)
	t.Search, t.Shutdown = Duration(h.SearchTimeout), Duration(h.ShutdownTimeout)
	l := &c.Limits
	l.MaxBodyBytes, l.MaxHeaderBytes, l.MaxQueryChars = h.MaxBodyBytes, h.MaxHeaderBytes, h.MaxQueryRunes
	l.MaxNDJSONBytes = h.MaxNDJSONBytes
	l.MaxPageSize, l.MaxPushDocs, l.MaxInFlight, l.QueueWait = h.MaxPageSize, h.MaxPushDocs, h.MaxInFlight, Duration(h.QueueWait)
	l.PerClient = h.MaxInFlightPerClient
	if l.MaxTerms <= 0 {
		l.MaxTerms = defaultMaxTerms
	}
	if l.MaxWindow <= 0 {
		l.MaxWindow = defaultMaxWindow
	}
	if !c.Cache.Disabled {
		cc := search.CacheConfig{MaxEntries: c.Cache.MaxEntries, MaxBytes: c.Cache.MaxBytes}.WithDefaults()
		c.Cache.MaxEntries, c.Cache.MaxBytes = cc.MaxEntries, cc.MaxBytes
	}
	r := &c.RateLimit
	r.PerSecond, r.Burst, r.Clients, r.Exempt = h.RateLimit, h.RateBurst, h.RateClients, h.RateExempt
	p := &c.Popular
	p.Size, p.MinCount = h.Popular.Size, h.Popular.MinCount
	c.clusterDefaults()
	c.crawlDefaults()
	return c
}

// HTTP is the HTTP service's part of c.
func (c Config) HTTP(logger *slog.Logger) httpapi.Config {
	return httpapi.Config{
		Addr:                 c.Addr,
		ReadHeaderTimeout:    c.Timeouts.ReadHeader.D(),
		ReadTimeout:          c.Timeouts.Read.D(),
		WriteTimeout:         c.Timeouts.Write.D(),
		IdleTimeout:          c.Timeouts.Idle.D(),
		SearchTimeout:        c.Timeouts.Search.D(),
		ShutdownTimeout:      c.Timeouts.Shutdown.D(),
		TrustedProxies:       c.TrustedProxies,
		CORSOrigins:          c.CORSOrigins,
		AdminKey:             c.AdminKey,
		SearchKey:            c.SearchKey,
		Keys:                 c.scopedKeys(),
		MaxBodyBytes:         c.Limits.MaxBodyBytes,
		MaxNDJSONBytes:       c.Limits.MaxNDJSONBytes,
		MaxPushDocs:          c.Limits.MaxPushDocs,
		FieldTypes:           c.FieldTypes(),
		FacetFields:          c.facetFields(),
		MaxHeaderBytes:       c.Limits.MaxHeaderBytes,
		MaxQueryRunes:        c.Limits.MaxQueryChars,
		MaxPageSize:          c.Limits.MaxPageSize,
		RateLimit:            c.RateLimit.PerSecond,
		RateBurst:            c.RateLimit.Burst,
		RateClients:          c.RateLimit.Clients,
		RateExempt:           c.RateLimit.Exempt,
		MaxInFlight:          c.Limits.MaxInFlight,
		QueueWait:            c.Limits.QueueWait.D(),
		MaxInFlightPerClient: c.Limits.PerClient,
		DisableMetrics:       c.Metrics.Disabled,
		Popular: httpapi.PopularConfig{Seed: c.Popular.Seed, Deny: c.Popular.Deny,
			Size: c.Popular.Size, MinCount: c.Popular.MinCount},
		Logger: logger,
	}
}

// Field is one declared own field of the documents.
type Field struct {
	Name string `yaml:"name" json:"name"`
	// Type is text (the default: full Chinese analysis), keyword (exact
	// values), number or date. Every own field's values are also indexed
	// exactly (filters, facets) and, when a number or a date, as a
	// sortable number.
	Type string `yaml:"type" json:"type,omitempty"`
	// Searchable, default true for text fields and false for the others:
	// query words are looked for in it.
	Searchable *bool   `yaml:"searchable" json:"searchable,omitempty"`
	Weight     float64 `yaml:"weight" json:"weight,omitempty"`         // default search.DefaultOwnWeight
	Multi      bool    `yaml:"multi" json:"multi,omitempty"`           // an array of values (tags)
	Filterable bool    `yaml:"filterable" json:"filterable,omitempty"` // filter=NAME:… accepts it
	Facet      bool    `yaml:"facet" json:"facet,omitempty"`           // facets=NAME counts its values; the page lists them
	Sortable   bool    `yaml:"sortable" json:"sortable,omitempty"`     // sort=NAME:asc|desc (number and date fields)
}

// Search is the engine's part of c.
func (c Config) Search() search.Config {
	return search.Config{
		Limits:    search.ParseLimits{MaxRunes: c.Limits.MaxQueryChars, MaxClauses: c.Limits.MaxTerms},
		MaxWindow: c.Limits.MaxWindow,
		Cache: search.CacheConfig{Disabled: c.Cache.Disabled, MaxEntries: c.Cache.MaxEntries,
			MaxBytes: c.Cache.MaxBytes},
		FieldWeights: c.fieldWeights(),
		Fields:       c.fieldSpecs(),
	}
}

// FieldTypes are the declared fields' types documents are checked against
// (corpus.Options.Fields).
func (c Config) FieldTypes() map[string]corpus.FieldType {
	if len(c.Fields) == 0 {
		return nil
	}
	out := make(map[string]corpus.FieldType, len(c.Fields))
	for _, f := range c.Fields {
		out[strings.ToLower(f.Name)] = corpus.FieldType{Type: f.Type, Multi: f.Multi}
	}
	return out
}

// facetFields are the declared fields with facet: true, in order.
func (c Config) facetFields() []string {
	var out []string
	for _, f := range c.Fields {
		if f.Facet {
			out = append(out, strings.ToLower(f.Name))
		}
	}
	return out
}

// fieldSpecs are the declared fields as search sees them.
func (c Config) fieldSpecs() map[string]search.FieldSpec {
	if len(c.Fields) == 0 {
		return nil
	}
	out := make(map[string]search.FieldSpec, len(c.Fields))
	for _, f := range c.Fields {
		typ := f.Type
		if typ == "" {
			typ = search.TypeText
		}
		out[strings.ToLower(f.Name)] = search.FieldSpec{Type: typ, Filterable: f.Filterable,
			Facet: f.Facet, Sortable: f.Sortable}
	}
	return out
}

// fieldWeights maps the declared fields to their search weights (-1: not
// searched).
func (c Config) fieldWeights() map[string]float64 {
	if len(c.Fields) == 0 {
		return nil
	}
	out := make(map[string]float64, len(c.Fields))
	for _, f := range c.Fields {
		w := f.Weight
		if f.Searchable != nil && !*f.Searchable || f.Searchable == nil && f.Type != "" && f.Type != search.TypeText {
			w = -1
		}
		out[strings.ToLower(f.Name)] = w
	}
	return out
}

// Segment is the analysis part of c: its dictionaries, with a built word
// dictionary cached under cacheDir ("" for none).
func (c Config) Segment(cacheDir string, onCacheError func(error)) segment.Config {
	d := c.Dictionaries
	return segment.Config{UserDict: d.UserDict, Synonyms: d.Synonyms, StopWords: d.StopWords,
		CacheDir: cacheDir, OnCacheError: onCacheError}
}

// Dynamic is what a reload may change in a running server.
func (c Config) Dynamic() httpapi.Dynamic {
	return httpapi.Dynamic{AdminKey: c.AdminKey, SearchKey: c.SearchKey, Keys: c.scopedKeys(),
		RateLimit: c.RateLimit.PerSecond, RateBurst: c.RateLimit.Burst}
}

// isDynamic says a reload applies key without a restart: the keys
// Dynamic carries and the log level.
func isDynamic(key string) bool {
	switch key {
	case "admin_key", "search_key", "keys", "rate_limit.per_second", "rate_limit.burst", "log_level":
		return true
	}
	return false
}

// Defaults of the cluster keys.
const (
	defaultMaxLag      = 1000
	defaultMaxLagTime  = Duration(5 * time.Second)
	defaultLogReplicas = 3
)

func (c *Config) clusterDefaults() {
	k := &c.Cluster
	if k.MaxLag <= 0 {
		k.MaxLag = defaultMaxLag
	}
	if k.MaxLagTime <= 0 {
		k.MaxLagTime = defaultMaxLagTime
	}
	if k.LogReplicas <= 0 {
		k.LogReplicas = defaultLogReplicas
	}
	if k.Node == "" && len(k.NATS) > 0 {
		if h, err := os.Hostname(); err == nil {
			k.Node = h
		}
	}
}

// crawlDefaults fills the crawl keys' defaults (crawl.Options), so that
// `config check` prints the effective values. The User-Agent stays empty:
// the command supplies its versioned default.
func (c *Config) crawlDefaults() {
	k := &c.Crawl
	o := c.CrawlOptions().WithDefaults()
	k.Rate, k.Concurrency, k.Timeout, k.MaxBytes, k.Retries = o.Rate, o.Concurrency, Duration(o.Timeout), o.MaxBytes, o.Retries
}

// CrawlOptions is the crawl part of c; an empty UserAgent is the
// caller's to fill.
func (c Config) CrawlOptions() crawl.Options {
	k := c.Crawl
	return crawl.Options{UserAgent: k.UserAgent, Rate: k.Rate, Concurrency: k.Concurrency, Depth: k.Depth,
		Hosts: k.Hosts, Timeout: k.Timeout.D(), MaxBytes: k.MaxBytes, Retries: k.Retries}
}

// DefaultGCPercent is serve's GC target when neither gc.percent nor the
// GOGC variable is set (docs/BENCHMARKS.md: GC settings).
const DefaultGCPercent = 200

// GCSettings are the collector settings serve applies: the GC percentage
// (ok false: leave the runtime's, GOGC set and gc.percent not) and the
// memory limit (0: leave the runtime's).
func (c Config) GCSettings(env func(string) (string, bool)) (percent int, ok bool, limit int64) {
	switch {
	case c.GC.Percent < 0:
		percent, ok = -1, true
	case c.GC.Percent > 0:
		percent, ok = c.GC.Percent, true
	default:
		if _, set := env("GOGC"); !set {
			percent, ok = DefaultGCPercent, true
		}
	}
	return percent, ok, c.GC.MemoryLimit
}

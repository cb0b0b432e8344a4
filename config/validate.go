package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// minKeyLen is the length below which a key draws a warning.
const minKeyLen = 16

// problems collects the errors and warnings of a validation.
type problems struct {
	errs     []error
	warnings []string
}

func (p *problems) bad(format string, a ...any) { p.errs = append(p.errs, fmt.Errorf(format, a...)) }

func (p *problems) warn(format string, a ...any) {
	p.warnings = append(p.warnings, fmt.Sprintf(format, a...))
}

// Validate reports every problem of c at once. Warnings (weak but
// working settings) are returned separately and do not fail.
func (c Config) Validate() (warnings []string, err error) {
	var p problems
	c.checkListeners(&p)
	c.checkLogs(&p)
	c.checkKeys(&p)
	c.checkNetworks(&p)
	c.checkTimeouts(&p)
	c.checkLimits(&p)
	c.checkRest(&p)
	c.checkFields(&p)
	c.checkScopedKeys(&p)
	if c.GC.MemoryLimit < 0 {
		p.bad("gc.memory_limit %d: bytes, 0 for none", c.GC.MemoryLimit)
	}
	c.checkCluster(&p)
	c.checkCrawl(&p)
	return p.warnings, errors.Join(p.errs...)
}

// checkFields validates the declared own fields.
func (c Config) checkFields(p *problems) {
	seen := map[string]bool{}
	for i, f := range c.Fields {
		name := strings.ToLower(f.Name)
		switch {
		case !validFieldName(name):
			p.bad("fields[%d].name %q: letters, digits and _ only, at most 32 bytes", i, f.Name)
		case seen[name]:
			p.bad("fields[%d].name %q: declared twice", i, f.Name)
		case isFixedField(name):
			p.bad("fields[%d].name %q: a field every document has already", i, f.Name)
		}
		seen[name] = true
		switch f.Type {
		case "", "text", "keyword", "number", "date":
		default:
			p.bad("fields[%d].type %q: text, keyword, number or date", i, f.Type)
		}
		if f.Sortable && f.Type != "number" && f.Type != "date" {
			p.bad("fields[%d].sortable: only number and date fields sort", i)
		}
		if f.Multi && (f.Type == "number" || f.Type == "date") {
			p.bad("fields[%d].multi: only text and keyword fields hold several values", i)
		}
		if f.Weight < 0 || f.Weight > 100 {
			p.bad("fields[%d].weight %v: between 0 (default) and 100", i, f.Weight)
		}
	}
}

func validFieldName(name string) bool {
	if name == "" || len(name) > 32 {
		return false
	}
	for _, r := range name {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func isFixedField(name string) bool {
	switch name {
	case "id", "kind", "url", "title", "body", "headings", "published", "related", "hash", "source", "fields":
		return true
	}
	return false
}

func (c Config) checkListeners(p *problems) {
	if c.Addr != "" {
		if err := checkAddr(c.Addr); err != nil {
			p.bad("addr: %v", err)
		}
	}
	if c.AdminAddr == "" {
		return
	}
	if err := checkAddr(c.AdminAddr); err != nil {
		p.bad("admin_addr: %v", err)
	} else if c.AdminAddr == c.WithDefaults().Addr {
		p.bad("admin_addr: same as addr %s", c.AdminAddr)
	} else if h, _, _ := net.SplitHostPort(c.AdminAddr); !isLoopback(h) {
		p.warn("admin_addr %s is not a loopback address: pprof and metrics have no authentication", c.AdminAddr)
	}
}

func (c Config) checkLogs(p *problems) {
	switch c.LogFormat {
	case "", "text", "json":
	default:
		p.bad("log_format: %q, want text or json", c.LogFormat)
	}
	if _, err := ParseLevel(c.LogLevel); err != nil {
		p.bad("log_level: %v", err)
	}
}

func (c Config) checkKeys(p *problems) {
	for _, k := range []struct{ name, v string }{{"admin_key", c.AdminKey}, {"search_key", c.SearchKey}} {
		switch {
		case k.v == "":
		case strings.ContainsAny(k.v, " \t\r\n"):
			p.bad("%s: contains whitespace", k.name)
		case len(k.v) < minKeyLen:
			p.warn("%s is shorter than %d characters: easy to guess", k.name, minKeyLen)
		}
	}
	if c.AdminKey != "" && c.AdminKey == c.SearchKey {
		p.bad("search_key: same as admin_key (the search key is meant to be shared with a site's pages)")
	}
}

func (c Config) checkNetworks(p *problems) {
	for _, s := range c.TrustedProxies {
		if _, err := parsePrefix(s); err != nil {
			p.bad("trusted_proxies: %q: want an IP or CIDR", s)
		}
	}
	for _, s := range c.RateLimit.Exempt {
		if _, err := parsePrefix(s); err != nil && !strings.EqualFold(s, "none") {
			p.bad("rate_limit.exempt: %q: want an IP, a CIDR or none", s)
		}
	}
}

func (c Config) checkTimeouts(p *problems) {
	t := c.Timeouts
	for _, d := range []struct {
		name string
		v    Duration
	}{{"read_header", t.ReadHeader}, {"read", t.Read}, {"write", t.Write},
		{"idle", t.Idle}, {"search", t.Search}, {"shutdown", t.Shutdown}} {
		if d.v < 0 {
			p.bad("timeouts.%s: negative", d.name)
		}
	}
}

func (c Config) checkLimits(p *problems) {
	l := c.Limits
	for _, n := range []struct {
		name string
		v    int64
	}{{"max_body_bytes", l.MaxBodyBytes}, {"max_ndjson_bytes", l.MaxNDJSONBytes}, {"max_header_bytes", int64(l.MaxHeaderBytes)}, {"max_query_chars", int64(l.MaxQueryChars)},
		{"max_terms", int64(l.MaxTerms)}, {"max_page_size", int64(l.MaxPageSize)}, {"max_window", int64(l.MaxWindow)},
		{"max_push_docs", int64(l.MaxPushDocs)}} {
		if n.v < 0 {
			p.bad("limits.%s: negative", n.name)
		}
	}
	for _, m := range []struct {
		name     string
		v, limit int64
		why      string
	}{{"max_page_size", int64(l.MaxPageSize), 100, "100 (the engine's ceiling)"},
		{"max_header_bytes", int64(l.MaxHeaderBytes), 1 << 20, "1 MiB (net/http's buffer)"},
		{"max_terms", int64(l.MaxTerms), 256, "256"}, {"max_query_chars", int64(l.MaxQueryChars), 10000, "10000"}} {
		if m.v > m.limit {
			p.bad("limits.%s: %d, at most %s", m.name, m.v, m.why)
		}
	}
}

func (c Config) checkRest(p *problems) {
	if c.Cache.MaxEntries < 0 || c.Cache.MaxBytes < 0 {
		p.bad("cache: max_entries and max_bytes must not be negative")
	}
	if c.RateLimit.Burst < 0 || c.RateLimit.Clients < 0 {
		p.bad("rate_limit: burst and clients must not be negative")
	}
	if r := c.RateLimit.PerSecond; r != r { // NaN
		p.bad("rate_limit.per_second: not a number")
	}
	if c.Popular.Size < 0 || c.Popular.MinCount < 0 {
		p.bad("popular: size and min_count must not be negative")
	}
}

func checkAddr(a string) error {
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return err
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port %q", port)
	}
	if host != "" && net.ParseIP(host) == nil && strings.ContainsAny(host, " /") {
		return fmt.Errorf("host %q", host)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		return netip.ParsePrefix(s)
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// ParseLevel parses a log level: debug, info (also ""), warn, error.
func ParseLevel(s string) (slog.Level, error) {
	switch strings.ToLower(s) {
	case "", "info":
		return slog.LevelInfo, nil
	case "debug":
		return slog.LevelDebug, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, fmt.Errorf("%q, want debug, info, warn or error", s)
}

// checkCluster validates the cluster keys.
func (c Config) checkCluster(p *problems) {
	k := c.Cluster
	for i, u := range k.NATS {
		if !strings.HasPrefix(u, "nats://") && !strings.HasPrefix(u, "tls://") {
			p.bad("cluster.nats[%d] %q: want nats://HOST:PORT or tls://HOST:PORT", i, u)
		}
	}
	if k.Advertise != "" && !strings.HasPrefix(k.Advertise, "http://") && !strings.HasPrefix(k.Advertise, "https://") {
		p.bad("cluster.advertise %q: want http://HOST:PORT", k.Advertise)
	}
	if k.MaxLag < 0 || k.MaxLagTime < 0 {
		p.bad("cluster.max_lag and cluster.max_lag_time: not negative")
	}
	if k.LogReplicas < 0 || k.LogReplicas > 5 {
		p.bad("cluster.log_replicas %d: 1 to 5 (JetStream's limit)", k.LogReplicas)
	}
	if len(k.NATS) == 0 && (k.Node != "" || k.Advertise != "") {
		p.warn("cluster.node and cluster.advertise do nothing without cluster.nats")
	}
	if len(k.NATS) > 0 && k.Advertise == "" {
		p.warn("cluster.advertise is empty: peers cannot reach this replica (GET /api/cluster lists it without a URL)")
	}
}

// checkCrawl validates the crawl keys.
func (c Config) checkCrawl(p *problems) {
	k := c.Crawl
	if k.Concurrency < 0 || k.Depth < 0 || k.Timeout < 0 || k.MaxBytes < 0 {
		p.bad("crawl.concurrency, crawl.depth, crawl.timeout and crawl.max_bytes: not negative")
	}
	if k.Concurrency > 64 {
		p.bad("crawl.concurrency %d: at most 64 requests in flight per host", k.Concurrency)
	}
	if k.Rate > 1000 {
		p.warn("crawl.rate %g requests/s per host is not polite; negative means unlimited", k.Rate)
	}
	if strings.ContainsAny(k.UserAgent, "\r\n") {
		p.bad("crawl.user_agent: one line")
	}
	for i, h := range k.Hosts {
		if h == "" || strings.ContainsAny(h, "/ ") {
			p.bad("crawl.hosts[%d] %q: a host name (www.example.cn), not a URL", i, h)
		}
	}
}

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/spf13/cobra"

	"github.com/wensou/wensou/httpapi"
	"github.com/wensou/wensou/search"
)

// Config is the configuration of `wensou serve`: one YAML file
// (--config), overridden by WENSOU_* environment variables, overridden by
// flags. Every zero value means the default (withDefaults); Validate
// checks the result. docs/CONFIG.md documents every key and
// wensou.example.yaml shows them all.
//
// The environment variable of a key is WENSOU_ and the key's path in
// upper case with dots as underscores: limits.max_body_bytes is
// WENSOU_LIMITS_MAX_BODY_BYTES. Lists are comma-separated. An empty
// variable counts as unset.
type Config struct {
	Addr           string   `yaml:"addr"`       // listen address, default 127.0.0.1:8080
	AdminAddr      string   `yaml:"admin_addr"` // pprof + metrics listener, default off
	Index          string   `yaml:"index"`      // data directory; "" serves the embedded sample
	Sources        []string `yaml:"sources"`    // what a reindex job reads
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
		MaxHeaderBytes int      `yaml:"max_header_bytes"`
		MaxQueryChars  int      `yaml:"max_query_chars"`
		MaxTerms       int      `yaml:"max_terms"`
		MaxPageSize    int      `yaml:"max_page_size"`
		MaxWindow      int      `yaml:"max_window"`
		MaxPushDocs    int      `yaml:"max_push_docs"`
		MaxInFlight    int      `yaml:"max_in_flight"`
		QueueWait      Duration `yaml:"queue_wait"`
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

	Cache struct { // the query result cache (search.CacheConfig)
		Disabled   bool  `yaml:"disabled"`
		MaxEntries int   `yaml:"max_entries"`
		MaxBytes   int64 `yaml:"max_bytes"`
	} `yaml:"cache"`
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

// withDefaults returns c with every zero value replaced by its default,
// as the packages apply them.
func (c Config) withDefaults() Config {
	h := c.httpConfig(nil).WithDefaults()
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
	l.MaxPageSize, l.MaxPushDocs, l.MaxInFlight, l.QueueWait = h.MaxPageSize, h.MaxPushDocs, h.MaxInFlight, Duration(h.QueueWait)
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
	return c
}

// httpConfig is the HTTP service's part of c.
func (c Config) httpConfig(logger *slog.Logger) httpapi.Config {
	return httpapi.Config{
		Addr:              c.Addr,
		ReadHeaderTimeout: c.Timeouts.ReadHeader.D(),
		ReadTimeout:       c.Timeouts.Read.D(),
		WriteTimeout:      c.Timeouts.Write.D(),
		IdleTimeout:       c.Timeouts.Idle.D(),
		SearchTimeout:     c.Timeouts.Search.D(),
		ShutdownTimeout:   c.Timeouts.Shutdown.D(),
		TrustedProxies:    c.TrustedProxies,
		CORSOrigins:       c.CORSOrigins,
		AdminKey:          c.AdminKey,
		SearchKey:         c.SearchKey,
		MaxBodyBytes:      c.Limits.MaxBodyBytes,
		MaxPushDocs:       c.Limits.MaxPushDocs,
		MaxHeaderBytes:    c.Limits.MaxHeaderBytes,
		MaxQueryRunes:     c.Limits.MaxQueryChars,
		MaxPageSize:       c.Limits.MaxPageSize,
		RateLimit:         c.RateLimit.PerSecond,
		RateBurst:         c.RateLimit.Burst,
		RateClients:       c.RateLimit.Clients,
		RateExempt:        c.RateLimit.Exempt,
		MaxInFlight:       c.Limits.MaxInFlight,
		QueueWait:         c.Limits.QueueWait.D(),
		DisableMetrics:    c.Metrics.Disabled,
		Logger:            logger,
	}
}

// searchConfig is the engine's part of c.
func (c Config) searchConfig() search.Config {
	return search.Config{
		Limits:    search.ParseLimits{MaxRunes: c.Limits.MaxQueryChars, MaxClauses: c.Limits.MaxTerms},
		MaxWindow: c.Limits.MaxWindow,
		Cache: search.CacheConfig{Disabled: c.Cache.Disabled, MaxEntries: c.Cache.MaxEntries,
			MaxBytes: c.Cache.MaxBytes},
	}
}

// dynamic is what a reload may change in a running server.
func (c Config) dynamic() httpapi.Dynamic {
	return httpapi.Dynamic{AdminKey: c.AdminKey, SearchKey: c.SearchKey,
		RateLimit: c.RateLimit.PerSecond, RateBurst: c.RateLimit.Burst}
}

// minKeyLen is the length below which a key draws a warning.
const minKeyLen = 16

// Validate reports every problem of c at once. Warnings (weak but
// working settings) are returned separately and do not fail.
func (c Config) Validate() (warnings []string, err error) {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if c.Addr != "" {
		if err := checkAddr(c.Addr); err != nil {
			bad("addr: %v", err)
		}
	}
	if c.AdminAddr != "" {
		if err := checkAddr(c.AdminAddr); err != nil {
			bad("admin_addr: %v", err)
		} else if c.AdminAddr == c.withDefaults().Addr {
			bad("admin_addr: same as addr %s", c.AdminAddr)
		} else if h, _, _ := net.SplitHostPort(c.AdminAddr); !isLoopback(h) {
			warnings = append(warnings, fmt.Sprintf("admin_addr %s is not a loopback address: pprof and metrics have no authentication", c.AdminAddr))
		}
	}
	switch c.LogFormat {
	case "", "text", "json":
	default:
		bad("log_format: %q, want text or json", c.LogFormat)
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		bad("log_level: %v", err)
	}
	for _, k := range []struct{ name, v string }{{"admin_key", c.AdminKey}, {"search_key", c.SearchKey}} {
		switch {
		case k.v == "":
		case strings.ContainsAny(k.v, " \t\r\n"):
			bad("%s: contains whitespace", k.name)
		case len(k.v) < minKeyLen:
			warnings = append(warnings, fmt.Sprintf("%s is shorter than %d characters: easy to guess", k.name, minKeyLen))
		}
	}
	if c.AdminKey != "" && c.AdminKey == c.SearchKey {
		bad("search_key: same as admin_key (the search key is meant to be shared with a site's pages)")
	}
	for _, p := range c.TrustedProxies {
		if _, err := parsePrefix(p); err != nil {
			bad("trusted_proxies: %q: want an IP or CIDR", p)
		}
	}
	for _, p := range c.RateLimit.Exempt {
		if _, err := parsePrefix(p); err != nil && !strings.EqualFold(p, "none") {
			bad("rate_limit.exempt: %q: want an IP, a CIDR or none", p)
		}
	}
	for _, d := range []struct {
		name string
		v    Duration
	}{{"read_header", c.Timeouts.ReadHeader}, {"read", c.Timeouts.Read}, {"write", c.Timeouts.Write},
		{"idle", c.Timeouts.Idle}, {"search", c.Timeouts.Search}, {"shutdown", c.Timeouts.Shutdown}} {
		if d.v < 0 {
			bad("timeouts.%s: negative", d.name)
		}
	}
	l := c.Limits
	nonNeg := []struct {
		name string
		v    int64
	}{{"max_body_bytes", l.MaxBodyBytes}, {"max_header_bytes", int64(l.MaxHeaderBytes)}, {"max_query_chars", int64(l.MaxQueryChars)},
		{"max_terms", int64(l.MaxTerms)}, {"max_page_size", int64(l.MaxPageSize)}, {"max_window", int64(l.MaxWindow)},
		{"max_push_docs", int64(l.MaxPushDocs)}}
	for _, n := range nonNeg {
		if n.v < 0 {
			bad("limits.%s: negative", n.name)
		}
	}
	if l.MaxPageSize > 100 {
		bad("limits.max_page_size: %d, at most 100 (the engine's ceiling)", l.MaxPageSize)
	}
	if l.MaxHeaderBytes > 1<<20 {
		bad("limits.max_header_bytes: %d, at most 1 MiB (net/http's buffer)", l.MaxHeaderBytes)
	}
	if l.MaxTerms > 256 {
		bad("limits.max_terms: %d, at most 256", l.MaxTerms)
	}
	if l.MaxQueryChars > 10000 {
		bad("limits.max_query_chars: %d, at most 10000", l.MaxQueryChars)
	}
	if c.Cache.MaxEntries < 0 || c.Cache.MaxBytes < 0 {
		bad("cache: max_entries and max_bytes must not be negative")
	}
	if c.RateLimit.Burst < 0 || c.RateLimit.Clients < 0 {
		bad("rate_limit: burst and clients must not be negative")
	}
	if r := c.RateLimit.PerSecond; r != r { // NaN
		bad("rate_limit.per_second: not a number")
	}
	return warnings, errors.Join(errs...)
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

func parseLevel(s string) (slog.Level, error) {
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

// readConfigFile reads a YAML config file strictly: an unknown key is an
// error (a typo must not silently leave a limit at its default).
func readConfigFile(path string) (Config, error) {
	var c Config
	data, err := os.ReadFile(path)
	if err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return c, nil
	}
	if err := yaml.UnmarshalWithOptions(data, &c, yaml.Strict()); err != nil {
		return c, fmt.Errorf("config %s: %s", path, yaml.FormatError(err, false, true))
	}
	return c, nil
}

// configField is one leaf of Config: its dotted key and its value.
type configField struct {
	key    string
	secret bool
	v      reflect.Value
}

// configFields lists c's leaves in declaration order.
func configFields(c *Config) []configField {
	var out []configField
	var walk func(prefix string, v reflect.Value)
	walk = func(prefix string, v reflect.Value) {
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			key := prefix + name
			if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[Duration]() {
				walk(key+".", v.Field(i))
				continue
			}
			out = append(out, configField{key: key, secret: f.Tag.Get("secret") == "true", v: v.Field(i)})
		}
	}
	walk("", reflect.ValueOf(c).Elem())
	return out
}

// envName is the environment variable of a key.
func envName(key string) string {
	return "WENSOU_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// set parses s into the field.
func (f configField) set(s string) error {
	v := f.v
	if d, ok := v.Addr().Interface().(*Duration); ok {
		return d.UnmarshalText([]byte(s))
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%s: %q is not true or false", f.key, s)
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64:
		n, err := parseSize(s)
		if err != nil {
			return fmt.Errorf("%s: %q is not a whole number", f.key, s)
		}
		v.SetInt(n)
	case reflect.Float64:
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("%s: %q is not a number", f.key, s)
		}
		v.SetFloat(n)
	case reflect.Slice:
		var list []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				list = append(list, p)
			}
		}
		v.Set(reflect.ValueOf(list))
	default:
		return fmt.Errorf("%s: cannot be set from text", f.key)
	}
	return nil
}

// parseSize parses an integer, also with a KiB/MiB/GiB suffix.
func parseSize(s string) (int64, error) {
	mult := int64(1)
	for suffix, m := range map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30} {
		if rest, ok := strings.CutSuffix(s, suffix); ok {
			s, mult = strings.TrimSpace(rest), m
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n * mult, err
}

// applyEnv overrides c with the WENSOU_* variables that are set and not
// empty; env is os.LookupEnv in production.
func applyEnv(c *Config, env func(string) (string, bool)) error {
	var errs []error
	for _, f := range configFields(c) {
		if s, ok := env(envName(f.key)); ok && strings.TrimSpace(s) != "" {
			if err := f.set(strings.TrimSpace(s)); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", envName(f.key), err))
			}
		}
	}
	return errors.Join(errs...)
}

// applySets applies --set key=value overrides.
func applySets(c *Config, sets []string) error {
	fields := map[string]configField{}
	for _, f := range configFields(c) {
		fields[f.key] = f
	}
	for _, kv := range sets {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return fmt.Errorf("--set %q: want key=value", kv)
		}
		f, ok := fields[strings.TrimSpace(k)]
		if !ok {
			return fmt.Errorf("--set %q: no config key %q (see docs/CONFIG.md)", kv, k)
		}
		if err := f.set(strings.TrimSpace(v)); err != nil {
			return fmt.Errorf("--set: %w", err)
		}
	}
	return nil
}

// loadConfig builds the configuration: the file (if any), then the
// environment, then the flags (apply), then defaults; it validates the
// result and returns it with its warnings.
func loadConfig(path string, env func(string) (string, bool), apply func(*Config) error) (Config, []string, error) {
	var c Config
	if path != "" {
		var err error
		if c, err = readConfigFile(path); err != nil {
			return c, nil, err
		}
	}
	if err := applyEnv(&c, env); err != nil {
		return c, nil, err
	}
	if apply != nil {
		if err := apply(&c); err != nil {
			return c, nil, err
		}
	}
	warnings, err := c.Validate()
	if err != nil {
		return c, warnings, fmt.Errorf("invalid configuration:\n%w", err)
	}
	return c.withDefaults(), warnings, nil
}

// redacted returns c with its keys replaced by "REDACTED" (when set).
func (c Config) redacted() Config {
	for _, f := range configFields(&c) {
		if f.secret && f.v.String() != "" {
			f.v.SetString("REDACTED")
		}
	}
	return c
}

// printConfig writes c as YAML, keys redacted.
func printConfig(w io.Writer, c Config) error {
	out, err := yaml.MarshalWithOptions(c.redacted(), yaml.IndentSequence(true))
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

func newConfigCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Check configuration files",
	}
	check := &cobra.Command{
		Use:   "check FILE",
		Short: "Validate FILE (with the WENSOU_* environment applied) and print the effective configuration, keys redacted",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, warnings, err := loadConfig(args[0], os.LookupEnv, nil)
			for _, w := range warnings {
				fmt.Fprintln(cmd.ErrOrStderr(), "warning:", w)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "# %s is valid; effective configuration (file, then WENSOU_* environment, then defaults):\n", args[0])
			return printConfig(cmd.OutOrStdout(), c)
		},
	}
	cmd.AddCommand(check)
	return cmd
}

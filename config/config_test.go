package config

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wensou/wensou/crawl"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// TestPrecedence: apply (flags, --set) > env > file > defaults, key by key.
func TestPrecedence(t *testing.T) {
	file := writeFile(t, "w.yaml", `
addr: 127.0.0.1:9001
log_level: warn
search_key: from-file-0123456789
limits:
  max_body_bytes: 1000
  max_terms: 8
rate_limit:
  per_second: 3
  burst: 7
timeouts:
  search: 2s
popular:
  seed: [注销账户, 网贷]
`)
	env := envOf(map[string]string{
		"WENSOU_ADDR":                  "127.0.0.1:9002",
		"WENSOU_LIMITS_MAX_BODY_BYTES": "2MiB",
		"WENSOU_RATE_LIMIT_BURST":      "9",
		"WENSOU_TRUSTED_PROXIES":       "10.0.0.1, 10.1.0.0/16",
		"WENSOU_SEARCH_KEY":            "", // empty: unset, the file's key stays
		"WENSOU_POPULAR_DENY":          "赌博,casino",
	})
	c, warnings, err := Load(file, env, func(c *Config) error {
		if err := Set(c, "addr", "127.0.0.1:9003"); err != nil {
			return err
		}
		return ApplySets(c, []string{"limits.max_window=500", "rate_limit.per_second=-1"})
	})
	if err != nil || len(warnings) != 0 {
		t.Fatalf("load: %v %v", err, warnings)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"addr: apply over env over file", c.Addr, "127.0.0.1:9003"},
		{"log_level: file", c.LogLevel, "warn"},
		{"search_key: file (empty env ignored)", c.SearchKey, "from-file-0123456789"},
		{"max_body_bytes: env over file", c.Limits.MaxBodyBytes, int64(2 << 20)},
		{"max_terms: file", c.Limits.MaxTerms, 8},
		{"max_window: --set", c.Limits.MaxWindow, 500},
		{"rate per_second: --set", c.RateLimit.PerSecond, -1.0},
		{"rate burst: env over file", c.RateLimit.Burst, 9},
		{"trusted_proxies: env", strings.Join(c.TrustedProxies, ","), "10.0.0.1,10.1.0.0/16"},
		{"search timeout: file", c.Timeouts.Search.D(), 2 * time.Second},
		{"read timeout: default", c.Timeouts.Read.D(), 30 * time.Second},
		{"max_page_size: default", c.Limits.MaxPageSize, 100},
		{"log_format: default", c.LogFormat, "text"},
		{"popular seed: file", strings.Join(c.Popular.Seed, ","), "注销账户,网贷"},
		{"popular deny: env", strings.Join(c.Popular.Deny, ","), "赌博,casino"},
		{"popular size: default", c.Popular.Size, 8},
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("%s = %v, want %v", ck.name, ck.got, ck.want)
		}
	}
	h := c.HTTP(nil)
	if h.MaxBodyBytes != 2<<20 || h.RateLimit != -1 || h.SearchKey != "from-file-0123456789" || h.SearchTimeout != 2*time.Second ||
		len(h.Popular.Seed) != 2 || len(h.Popular.Deny) != 2 {
		t.Errorf("HTTP = %+v", h)
	}
	if s := c.Search(); s.Limits.MaxClauses != 8 || s.MaxWindow != 500 || s.Limits.MaxRunes != 256 {
		t.Errorf("Search = %+v", s)
	}
}

func TestValidate(t *testing.T) {
	bad := []struct{ yaml, want string }{
		{"addr: nope", "addr"},
		{"log_format: xml", "log_format"},
		{"log_level: loud", "log_level"},
		{"limits:\n  max_page_size: 101", "max_page_size"},
		{"limits:\n  max_body_bytes: -1", "max_body_bytes"},
		{"limits:\n  max_header_bytes: 2000000", "max_header_bytes"},
		{"limits:\n  max_terms: 300", "max_terms"},
		{"limits:\n  max_query_chars: 10001", "max_query_chars"},
		{"trusted_proxies: [not-an-ip]", "trusted_proxies"},
		{"rate_limit:\n  exempt: [10.0.0.0/33]", "rate_limit.exempt"},
		{"rate_limit:\n  burst: -2", "burst"},
		{"timeouts:\n  search: -1s", "timeouts.search"},
		{"timeouts:\n  search: soon", "duration"},
		{"admin_key: same-key-0123456789\nsearch_key: same-key-0123456789", "same as admin_key"},
		{"admin_key: 'has space 0123456789'", "whitespace"},
		{"limits:\n  max_bodybytes: 5", "unknown field"},
		{"nonsense: true", "unknown field"},
		{"addr: 127.0.0.1:8080\nadmin_addr: 127.0.0.1:8080", "same as addr"},
		{"popular:\n  size: -1", "popular"},
		{"cache:\n  max_entries: -1", "cache"},
		{"crawl:\n  concurrency: -1", "crawl.concurrency"},
		{"crawl:\n  concurrency: 100", "crawl.concurrency 100"},
		{"crawl:\n  hosts: [https://www.example.cn/]", "crawl.hosts[0]"},
		{"crawl:\n  user_agent: \"a\\nb\"", "crawl.user_agent"},
		{"crawl:\n  timeout: -1s", "crawl.timeout"},
	}
	for _, b := range bad {
		_, _, err := Load(writeFile(t, "bad.yaml", b.yaml), envOf(nil), nil)
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%q: err %v, want one mentioning %q", b.yaml, err, b.want)
		}
	}
	// Several problems are reported together.
	_, _, err := Load(writeFile(t, "bad.yaml", "addr: x\nlog_format: xml"), envOf(nil), nil)
	if err == nil || !strings.Contains(err.Error(), "addr") || !strings.Contains(err.Error(), "log_format") {
		t.Errorf("two problems: %v", err)
	}
	// Bad environment values are errors too, naming the variable.
	_, _, err = Load("", envOf(map[string]string{"WENSOU_LIMITS_MAX_TERMS": "many"}), nil)
	if err == nil || !strings.Contains(err.Error(), "WENSOU_LIMITS_MAX_TERMS") {
		t.Errorf("bad env: %v", err)
	}
	// Short keys work but warn; so does a public admin listener.
	for _, y := range []string{"admin_key: k", "admin_addr: 0.0.0.0:9090"} {
		_, warnings, err := Load(writeFile(t, "k.yaml", y), envOf(nil), nil)
		if err != nil || len(warnings) != 1 {
			t.Errorf("%q: %v %v, want one warning", y, err, warnings)
		}
	}
	// Empty file and no file: all defaults, valid.
	for _, p := range []string{"", writeFile(t, "empty.yaml", "\n")} {
		c, _, err := Load(p, envOf(nil), nil)
		if err != nil || c.Addr != "127.0.0.1:8080" || c.Limits.MaxQueryChars != 256 || c.RateLimit.PerSecond != 10 {
			t.Errorf("defaults from %q: %v %+v", p, err, c)
		}
	}
	if _, _, err := Load(filepath.Join(t.TempDir(), "missing.yaml"), envOf(nil), nil); err == nil {
		t.Error("a missing file loaded")
	}
}

func TestSet(t *testing.T) {
	tests := []struct {
		key, value string
		check      func(Config) bool
		wantErr    string
	}{
		{"limits.max_body_bytes", "3KiB", func(c Config) bool { return c.Limits.MaxBodyBytes == 3<<10 }, ""},
		{"limits.max_body_bytes", "3 GiB", func(c Config) bool { return c.Limits.MaxBodyBytes == 3<<30 }, ""},
		{"timeouts.search", "1.5", func(c Config) bool { return c.Timeouts.Search.D() == 1500*time.Millisecond }, ""},
		{"cache.disabled", "true", func(c Config) bool { return c.Cache.Disabled }, ""},
		{"sources", " a, ,b ", func(c Config) bool { return slices.Equal(c.Sources, []string{"a", "b"}) }, ""},
		{"cache.disabled", "maybe", nil, "true or false"},
		{"limits.max_terms", "x", nil, "whole number"},
		{"rate_limit.per_second", "fast", nil, "not a number"},
		{"no.such", "1", nil, "no config key"},
	}
	for _, tt := range tests {
		var c Config
		err := Set(&c, tt.key, tt.value)
		switch {
		case tt.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Set(%s, %q) = %v, want %q", tt.key, tt.value, err, tt.wantErr)
			}
		case err != nil || !tt.check(c):
			t.Errorf("Set(%s, %q) = %v, %+v", tt.key, tt.value, err, c)
		}
	}
	var c Config
	if err := ApplySets(&c, []string{"addr"}); err == nil || !strings.Contains(err.Error(), "key=value") {
		t.Errorf("--set without =: %v", err)
	}
}

func TestPrintRedacts(t *testing.T) {
	var c Config
	c.AdminKey, c.SearchKey = "secret-admin-0123456789", ""
	var out bytes.Buffer
	if err := Print(&out, c.WithDefaults()); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if strings.Contains(s, "secret-admin") || !strings.Contains(s, "admin_key: REDACTED") || !strings.Contains(s, `search_key: ""`) {
		t.Errorf("printed:\n%s", s)
	}
	if c.AdminKey != "secret-admin-0123456789" {
		t.Error("Print changed its argument")
	}
}

func TestNeedRestart(t *testing.T) {
	var old Config
	c := old
	c.AdminKey, c.RateLimit.Burst, c.LogLevel = "k", 3, "debug"
	if got := NeedRestart(old, c); len(got) != 0 {
		t.Errorf("dynamic keys need a restart: %v", got)
	}
	c.Addr, c.Limits.MaxTerms = "127.0.0.1:1", 3
	if got := NeedRestart(old, c); !slices.Equal(got, []string{"addr", "limits.max_terms"}) {
		t.Errorf("NeedRestart = %v", got)
	}
}

// TestDocumented: every key is in docs/CONFIG.md (with its variable) and
// in the example file.
func TestDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/CONFIG.md")
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile("../wensou.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range Keys() {
		if !bytes.Contains(doc, []byte("`"+key+"`")) {
			t.Errorf("docs/CONFIG.md does not document `%s`", key)
		}
		if !bytes.Contains(doc, []byte(EnvName(key))) {
			t.Errorf("docs/CONFIG.md does not name %s", EnvName(key))
		}
		leaf := key[strings.LastIndex(key, ".")+1:]
		if !bytes.Contains(example, []byte(leaf+":")) {
			t.Errorf("wensou.example.yaml lacks %s", key)
		}
	}
	if _, _, err := Load("../wensou.example.yaml", envOf(nil), nil); err != nil {
		t.Errorf("the example file: %v", err)
	}
}

func TestCrawlKeys(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		env  map[string]string
		sets []string
		want crawl.Options
	}{
		{"defaults", "", nil, nil, crawl.Options{Rate: crawl.DefaultRate, Concurrency: crawl.DefaultConcurrency,
			Timeout: crawl.DefaultTimeout, MaxBytes: crawl.DefaultMaxBytes, Retries: crawl.DefaultRetries}},
		{"file", "crawl:\n  rate: 0.5\n  concurrency: 1\n  depth: 2\n  hosts: [www.example.cn, m.example.cn]\n  user_agent: site-bot/1\n  timeout: 3s\n  max_bytes: 1048576\n  retries: -1",
			nil, nil, crawl.Options{UserAgent: "site-bot/1", Rate: 0.5, Concurrency: 1, Depth: 2, Hosts: []string{"www.example.cn", "m.example.cn"},
				Timeout: 3 * time.Second, MaxBytes: 1 << 20, Retries: -1}},
		{"env and set over the file", "crawl:\n  rate: 0.5\n  depth: 2", map[string]string{"WENSOU_CRAWL_RATE": "-1"}, []string{"crawl.depth=1"},
			crawl.Options{Rate: -1, Concurrency: crawl.DefaultConcurrency, Depth: 1, Timeout: crawl.DefaultTimeout,
				MaxBytes: crawl.DefaultMaxBytes, Retries: crawl.DefaultRetries}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := ""
			if tt.yaml != "" {
				path = writeFile(t, "c.yaml", tt.yaml)
			}
			c, _, err := Load(path, envOf(tt.env), func(c *Config) error { return ApplySets(c, tt.sets) })
			if err != nil {
				t.Fatal(err)
			}
			if got := c.CrawlOptions(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("CrawlOptions() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestGCSettings(t *testing.T) {
	noEnv := func(string) (string, bool) { return "", false }
	gogc := func(k string) (string, bool) { return "300", k == "GOGC" }
	tests := []struct {
		name      string
		percent   int
		limit     int64
		env       func(string) (string, bool)
		wantPct   int
		wantOK    bool
		wantLimit int64
	}{
		{"default", 0, 0, noEnv, DefaultGCPercent, true, 0},
		{"GOGC set", 0, 0, gogc, 0, false, 0},
		{"key over GOGC", 150, 0, gogc, 150, true, 0},
		{"off", -5, 0, noEnv, -1, true, 0},
		{"limit", 0, 512 << 20, noEnv, DefaultGCPercent, true, 512 << 20},
	}
	for _, tt := range tests {
		var c Config
		c.GC.Percent, c.GC.MemoryLimit = tt.percent, tt.limit
		pct, ok, limit := c.GCSettings(tt.env)
		if pct != tt.wantPct || ok != tt.wantOK || limit != tt.wantLimit {
			t.Errorf("%s: GCSettings = %d, %v, %d; want %d, %v, %d", tt.name, pct, ok, limit, tt.wantPct, tt.wantOK, tt.wantLimit)
		}
	}
	var c Config
	c.GC.MemoryLimit = -1
	if _, err := c.Validate(); err == nil {
		t.Error("Validate accepted gc.memory_limit -1")
	}
}

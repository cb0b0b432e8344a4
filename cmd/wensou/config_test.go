package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
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

// TestConfigPrecedence: flags > env > file > defaults, key by key.
func TestConfigPrecedence(t *testing.T) {
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
`)
	env := envOf(map[string]string{
		"WENSOU_ADDR":                  "127.0.0.1:9002",
		"WENSOU_LIMITS_MAX_BODY_BYTES": "2MiB",
		"WENSOU_RATE_LIMIT_BURST":      "9",
		"WENSOU_TRUSTED_PROXIES":       "10.0.0.1, 10.1.0.0/16",
		"WENSOU_SEARCH_KEY":            "", // empty: unset, the file's key stays
	})
	cmd := newServeCmd()
	if err := cmd.Flags().Parse([]string{"--addr", "127.0.0.1:9003", "--rate-limit", "-1", "--trusted-proxy", "192.168.0.1",
		"--set", "limits.max_window=500"}); err != nil {
		t.Fatal(err)
	}
	sets, _ := cmd.Flags().GetStringArray("set")
	c, warnings, err := loadConfig(file, env, func(c *Config) error {
		if err := applyFlags(c, cmd.Flags()); err != nil {
			return err
		}
		return applySets(c, sets)
	})
	if err != nil || len(warnings) != 0 {
		t.Fatalf("load: %v %v", err, warnings)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"addr: flag over env over file", c.Addr, "127.0.0.1:9003"},
		{"log_level: file", c.LogLevel, "warn"},
		{"search_key: file (empty env ignored)", c.SearchKey, "from-file-0123456789"},
		{"max_body_bytes: env over file", c.Limits.MaxBodyBytes, int64(2 << 20)},
		{"max_terms: file", c.Limits.MaxTerms, 8},
		{"max_window: --set", c.Limits.MaxWindow, 500},
		{"rate per_second: flag", c.RateLimit.PerSecond, -1.0},
		{"rate burst: env over file", c.RateLimit.Burst, 9},
		{"trusted_proxies: flag over env", strings.Join(c.TrustedProxies, ","), "192.168.0.1"},
		{"search timeout: file", c.Timeouts.Search.D(), 2 * time.Second},
		{"read timeout: default", c.Timeouts.Read.D(), 30 * time.Second},
		{"max_page_size: default", c.Limits.MaxPageSize, 100},
		{"log_format: default", c.LogFormat, "text"},
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("%s = %v, want %v", ck.name, ck.got, ck.want)
		}
	}
	h := c.httpConfig(nil)
	if h.MaxBodyBytes != 2<<20 || h.RateLimit != -1 || h.SearchKey != "from-file-0123456789" || h.SearchTimeout != 2*time.Second {
		t.Errorf("httpConfig = %+v", h)
	}
	if s := c.searchConfig(); s.Limits.MaxClauses != 8 || s.MaxWindow != 500 || s.Limits.MaxRunes != 256 {
		t.Errorf("searchConfig = %+v", s)
	}
}

func TestConfigValidate(t *testing.T) {
	bad := []struct{ yaml, want string }{
		{"addr: nope", "addr"},
		{"log_format: xml", "log_format"},
		{"log_level: loud", "log_level"},
		{"limits:\n  max_page_size: 101", "max_page_size"},
		{"limits:\n  max_body_bytes: -1", "max_body_bytes"},
		{"limits:\n  max_header_bytes: 2000000", "max_header_bytes"},
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
	}
	for _, b := range bad {
		_, _, err := loadConfig(writeFile(t, "bad.yaml", b.yaml), envOf(nil), nil)
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%q: err %v, want one mentioning %q", b.yaml, err, b.want)
		}
	}
	// Several problems are reported together.
	_, _, err := loadConfig(writeFile(t, "bad.yaml", "addr: x\nlog_format: xml"), envOf(nil), nil)
	if err == nil || !strings.Contains(err.Error(), "addr") || !strings.Contains(err.Error(), "log_format") {
		t.Errorf("two problems: %v", err)
	}
	// Bad environment values are errors too, naming the variable.
	_, _, err = loadConfig("", envOf(map[string]string{"WENSOU_LIMITS_MAX_TERMS": "many"}), nil)
	if err == nil || !strings.Contains(err.Error(), "WENSOU_LIMITS_MAX_TERMS") {
		t.Errorf("bad env: %v", err)
	}
	// Short keys work but warn.
	_, warnings, err := loadConfig(writeFile(t, "k.yaml", "admin_key: k"), envOf(nil), nil)
	if err != nil || len(warnings) != 1 {
		t.Errorf("short key: %v %v, want one warning", err, warnings)
	}
	// Empty file and no file: all defaults, valid.
	for _, p := range []string{"", writeFile(t, "empty.yaml", "\n")} {
		c, _, err := loadConfig(p, envOf(nil), nil)
		if err != nil || c.Addr != "127.0.0.1:8080" || c.Limits.MaxQueryChars != 256 || c.RateLimit.PerSecond != 10 {
			t.Errorf("defaults from %q: %v %+v", p, err, c)
		}
	}
}

// TestConfigCheck runs `wensou config check` on the example file: valid,
// effective values printed, keys redacted (also those from the env).
func TestConfigCheck(t *testing.T) {
	t.Setenv("WENSOU_ADMIN_KEY", "env-admin-key-0123456789")
	t.Setenv("WENSOU_SEARCH_KEY", "env-search-key-0123456789")
	var out, errb bytes.Buffer
	root := &cobra.Command{Use: "wensou", SilenceUsage: true, SilenceErrors: true}
	root.AddCommand(newConfigCmd())
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs([]string{"config", "check", "../../wensou.example.yaml"})
	if err := root.Execute(); err != nil {
		t.Fatalf("config check example: %v\n%s", err, errb.String())
	}
	s := out.String()
	if strings.Contains(s, "env-admin-key") || strings.Contains(s, "env-search-key") {
		t.Errorf("keys printed:\n%s", s)
	}
	for _, want := range []string{"admin_key: REDACTED", "search_key: REDACTED", "max_query_chars: 256", "per_second: 10", "search: 5s"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	root.SetArgs([]string{"config", "check", writeFile(t, "bad.yaml", "limits:\n  max_page_size: 1000\n")})
	if err := root.Execute(); err == nil {
		t.Error("config check of an invalid file succeeded")
	}
}

// TestConfigDocumented: every key is in docs/CONFIG.md and in the example
// file, and every serve flag maps to a key.
func TestConfigDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/CONFIG.md")
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile("../../wensou.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c Config
	keys := map[string]bool{}
	for _, f := range configFields(&c) {
		keys[f.key] = true
		if !bytes.Contains(doc, []byte("`"+f.key+"`")) {
			t.Errorf("docs/CONFIG.md does not document `%s`", f.key)
		}
		if !bytes.Contains(doc, []byte(envName(f.key))) {
			t.Errorf("docs/CONFIG.md does not name %s", envName(f.key))
		}
		leaf := f.key[strings.LastIndex(f.key, ".")+1:]
		if !bytes.Contains(example, []byte(leaf+":")) {
			t.Errorf("wensou.example.yaml lacks %s", f.key)
		}
	}
	cmd := newServeCmd()
	for _, m := range serveFlags {
		if !keys[m.key] || cmd.Flags().Lookup(m.flag) == nil {
			t.Errorf("flag --%s → %s: missing flag or key", m.flag, m.key)
		}
	}
}

package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/wensou/wensou/config"
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

// TestServeFlagsPrecedence: flags > env > file, --set last, for serve and
// for index, through the loader the commands use.
func TestServeFlagsPrecedence(t *testing.T) {
	file := writeFile(t, "w.yaml", "addr: 127.0.0.1:9001\nindex: /from/file\nrate_limit:\n  burst: 7\ndictionaries:\n  user_dict: file.dict\n")
	env := envOf(map[string]string{"WENSOU_ADDR": "127.0.0.1:9002", "WENSOU_TRUSTED_PROXIES": "10.0.0.1", "WENSOU_RATE_LIMIT_BURST": "9"})
	serve := newServeCmd()
	if err := serve.Flags().Parse([]string{"--addr", "127.0.0.1:9003", "--trusted-proxy", "192.168.0.1", "--trusted-proxy", "192.168.0.2",
		"--rate-limit", "-1", "--set", "limits.max_window=500"}); err != nil {
		t.Fatal(err)
	}
	path := file
	sets, _ := serve.Flags().GetStringArray("set")
	c, _, err := configLoader(&path, &sets, serve.Flags(), serveFlagKeys(), env)()
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:9003" || !slices.Equal(c.TrustedProxies, []string{"192.168.0.1", "192.168.0.2"}) ||
		c.RateLimit.PerSecond != -1 || c.RateLimit.Burst != 9 || c.Limits.MaxWindow != 500 || c.Index != "/from/file" {
		t.Errorf("serve config = %+v", c)
	}
	index := newIndexCmd()
	if err := index.Flags().Parse([]string{"--user-dict", "flag.dict"}); err != nil {
		t.Fatal(err)
	}
	var noSets []string
	c, _, err = configLoader(&path, &noSets, index.Flags(), indexFlagKeys(), env)()
	if err != nil || c.Index != "/from/file" || c.Dictionaries.UserDict != "flag.dict" {
		t.Errorf("index config = %v %+v", err, c)
	}
}

// TestFlagKeys: every flag mapped to a key exists on its command and names
// a configuration key.
func TestFlagKeys(t *testing.T) {
	keys := config.Keys()
	for _, tt := range []struct {
		cmd  *cobra.Command
		keys []flagKey
	}{{newServeCmd(), serveFlagKeys()}, {newIndexCmd(), indexFlagKeys()}} {
		for _, m := range tt.keys {
			if !slices.Contains(keys, m.key) || tt.cmd.Flags().Lookup(m.flag) == nil {
				t.Errorf("%s --%s → %s: missing flag or key", tt.cmd.Name(), m.flag, m.key)
			}
		}
	}
}

// TestConfigCheck runs `wensou config check` on the example file: valid,
// effective values printed, keys redacted (also those from the env).
func TestConfigCheck(t *testing.T) {
	t.Setenv("WENSOU_ADMIN_KEY", "env-admin-key-0123456789")
	t.Setenv("WENSOU_SEARCH_KEY", "env-search-key-0123456789")
	out, errOut, err := runCLI(t, "config", "check", "../../wensou.example.yaml")
	if err != nil {
		t.Fatalf("config check example: %v\n%s", err, errOut)
	}
	if strings.Contains(out, "env-admin-key") || strings.Contains(out, "env-search-key") {
		t.Errorf("keys printed:\n%s", out)
	}
	for _, want := range []string{"admin_key: REDACTED", "search_key: REDACTED", "max_query_chars: 256", "per_second: 10", "search: 5s", "min_count: 2"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, _, err := runCLI(t, "config", "check", writeFile(t, "bad.yaml", "limits:\n  max_page_size: 1000\n")); err == nil {
		t.Error("config check of an invalid file succeeded")
	}
}

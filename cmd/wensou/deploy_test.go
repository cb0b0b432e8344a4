package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// unitSettings reads the Key=Value lines of a systemd unit (repeated keys
// joined by a space).
func unitSettings(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			out[k] = strings.TrimSpace(out[k] + " " + v)
		}
	}
	return out
}

// TestSystemdUnit: deploy/wensou.service is hardened and drains on stop;
// with systemd-analyze present it must also pass `systemd-analyze verify`
// (with ExecStart pointed at a real binary).
func TestSystemdUnit(t *testing.T) {
	const unit = "../../deploy/wensou.service"
	s := unitSettings(t, unit)
	for key, want := range map[string]string{
		"DynamicUser": "yes", "ProtectSystem": "strict", "NoNewPrivileges": "yes", "ReadWritePaths": "/var/lib/wensou",
		"StateDirectory": "wensou", "Restart": "on-failure", "KillSignal": "SIGTERM", "ProtectHome": "yes", "PrivateTmp": "yes",
	} {
		if s[key] != want {
			t.Errorf("%s=%q, want %q", key, s[key], want)
		}
	}
	if !strings.HasPrefix(s["ExecStart"], "/usr/local/bin/wensou serve ") || !strings.Contains(s["ExecReload"], "-HUP") {
		t.Errorf("ExecStart %q, ExecReload %q", s["ExecStart"], s["ExecReload"])
	}
	if s["TimeoutStopSec"] != "30s" { // more than timeouts.shutdown (10 s): the drain is not cut
		t.Errorf("TimeoutStopSec=%q", s["TimeoutStopSec"])
	}
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed: `systemd-analyze verify` skipped")
	}
	data, err := os.ReadFile(unit)
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(t.TempDir(), "wensou.service")
	text := strings.ReplaceAll(string(data), "/usr/local/bin/wensou", binary)
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", tmp).CombinedOutput()
	if err != nil {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}

// TestDockerfile: multi-stage, static, distroless, non-root, a health
// check on /readyz. (Not built here: there is no container engine.)
func TestDockerfile(t *testing.T) {
	data, err := os.ReadFile("../../deploy/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for _, re := range []string{`(?m)^FROM golang:\S+ AS build$`, `CGO_ENABLED=0`, `(?m)^FROM gcr\.io/distroless/static\S*:nonroot$`,
		`(?m)^USER nonroot`, `(?m)^HEALTHCHECK .*\n?.*wensou", "health", "--url", "http://127\.0\.0\.1:8080/readyz"`, `-trimpath`} {
		if !regexp.MustCompile(re).MatchString(s) {
			t.Errorf("Dockerfile lacks %s", re)
		}
	}
}

func TestHealth(t *testing.T) {
	ready := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer ready.Close()
	if err := checkHealth(context.Background(), ready.URL+"/readyz"); err != nil {
		t.Errorf("ready server: %v", err)
	}
	if err := checkHealth(context.Background(), ready.URL+"/other"); err == nil || !strings.Contains(err.Error(), "503") {
		t.Errorf("503: %v", err)
	}
	if _, _, err := runCLI(t, "health", "--url", "http://127.0.0.1:1/readyz"); err == nil {
		t.Error("health of a closed port succeeded")
	}
}

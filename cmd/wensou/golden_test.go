package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or writes it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/wensou -run %s -update)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it)\n got:\n%s\nwant:\n%s", path, got, want)
	}
}

// testVersion is the build version the in-process commands report.
func testVersion() buildVersion {
	return buildVersion{Version: "v1.2.3", Commit: "0123456789abcdef0123", Time: "2026-12-01T10:00:00Z", Go: "go1.26.8"}
}

// runCLI runs wensou args in process and returns stdout, stderr and the
// error main would print.
func runCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	root := newRoot(testVersion())
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs(args)
	err := root.ExecuteContext(context.Background())
	return out.String(), errb.String(), err
}

// tookRE matches the timing of a search header, which varies per run.
var tookRE = regexp.MustCompile(`\(\d+\.\d\d ms\)`)

func stableTook(s string) string { return tookRE.ReplaceAllString(s, "(T ms)") }

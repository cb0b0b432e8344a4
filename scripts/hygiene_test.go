// Package scripts holds the project's shell scripts; its tests check the
// ones whose behaviour CI relies on.
package scripts

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// hygieneRepo makes a git repository with scripts/hygiene.sh, the files
// (path → content) and the allow list, all added to the index.
func hygieneRepo(t *testing.T, files map[string][]byte, allow string) string {
	t.Helper()
	dir := t.TempDir()
	script, err := os.ReadFile("hygiene.sh")
	if err != nil {
		t.Fatal(err)
	}
	files["scripts/hygiene.sh"] = script
	files["scripts/hygiene.allow"] = []byte(allow)
	for p, b := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return dir
}

func TestHygiene(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	big := bytes.Repeat([]byte("a"), 5*1024*1024+1)
	tests := []struct {
		name  string
		files map[string][]byte
		allow string
		want  string // "" = passes
	}{
		{"clean", map[string][]byte{"main.go": []byte("package main\n")}, "", ""},
		{"ELF binary", map[string][]byte{"tool": append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 64)...)}, "", "tool is tracked: ELF binary"},
		{"Go test binary by name", map[string][]byte{"corpus/corpus.test": []byte("x")}, "", "compiled file"},
		{"big file", map[string][]byte{"data/big.bin": big}, "", "over 5 MB outside testdata/"},
		{"big file in testdata", map[string][]byte{"pkg/testdata/big.txt": big}, "", ""},
		{"big file allowed", map[string][]byte{"dict/zh.lex": big}, "dict/zh.lex  # generated\n", ""},
		{"stale exception", map[string][]byte{"main.go": []byte("package main\n")}, "gone.bin # was big\n", "needs no exception"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := hygieneRepo(t, tt.files, tt.allow)
			out, err := exec.Command("bash", filepath.Join(dir, "scripts/hygiene.sh")).CombinedOutput()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("failed: %v\n%s", err, out)
			case tt.want != "" && (err == nil || !strings.Contains(string(out), tt.want)):
				t.Errorf("err %v, output lacks %q:\n%s", err, tt.want, out)
			}
		})
	}
}

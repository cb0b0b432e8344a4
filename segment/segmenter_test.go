package segment

import (
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestSynonyms(t *testing.T) {
	s := testSegmenter(t)
	tests := []struct {
		term string
		want []string
	}{
		{"网贷", []string{"网络贷款", "网络借贷", "网路贷款", "网路借贷"}},
		{"網路貸款", []string{"网贷", "网络贷款", "网络借贷", "网路借贷"}}, // Taiwan 網路 folds to 网路, not 网络
		{"注销", []string{"销户"}},
		{"取消", []string{"撤销"}},
		{"手机", []string{"移动电话"}},
		{"退款", []string{"退钱"}},
		{"網貸", []string{"网络贷款", "网络借贷", "网路贷款", "网路借贷"}}, // not normalised: normalised for the caller
		{"0首付", nil}, // Normalize unifies 零首付 already
		{"银行", nil},
	}
	for _, tt := range tests {
		if got := s.Synonyms(tt.term); !slices.Equal(got, tt.want) {
			t.Errorf("Synonyms(%q) = %q, want %q", tt.term, got, tt.want)
		}
	}
	got := s.Synonyms("网贷")
	got[0] = "changed"
	if s.Synonyms("网贷")[0] == "changed" {
		t.Error("Synonyms returned its internal slice")
	}
}

func TestIsStop(t *testing.T) {
	s := testSegmenter(t)
	for _, w := range []string{"怎么", "如何", "吗", "的", "了", "呢", "是"} {
		if !s.IsStop(w) {
			t.Errorf("IsStop(%q) = false", w)
		}
	}
	for _, w := range []string{"网贷", "注销", "", "账户"} {
		if s.IsStop(w) {
			t.Errorf("IsStop(%q) = true", w)
		}
	}
}

func TestNewWithFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a second Segmenter")
	}
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var s *Segmenter
	out := captureOutput(t, func() {
		var err error
		s, err = New(Config{
			UserDict:  write("user.txt", "# extra\n文搜引擎 50000 nz\n"),
			Synonyms:  write("syn.txt", "文搜引擎/wensou\n"),
			StopWords: write("stop.txt", "引擎\n"),
			MaxInput:  64,
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	if out != "" {
		t.Errorf("New printed %q", out)
	}
	if got := terms(s.QueryWords().Analyze([]byte("文搜引擎"))); !slices.Equal(got, []string{"文搜引擎"}) {
		t.Errorf("user word: %q", got)
	}
	if got := s.Synonyms("文搜引擎"); !slices.Equal(got, []string{"wensou"}) {
		t.Errorf("user synonyms: %q", got)
	}
	if !s.IsStop("引擎") || s.IsStop("如何") {
		t.Error("user stop words not replacing the default")
	}
	long := strings.Repeat("网贷", 100) // 600 bytes, capped at 64
	if ts := s.QueryWords().Analyze([]byte(long)); len(ts) == 0 || ts[len(ts)-1].End > 64 {
		t.Errorf("MaxInput not applied: %d tokens", len(ts))
	}
}

func TestNewErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(bad, []byte("word notanumber\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"missing file", Config{UserDict: filepath.Join(dir, "none")}, "user dictionary"},
		{"bad user dict", Config{UserDict: bad}, "load user dictionary " + bad},
		{"negative cap", Config{MaxInput: -5}, "MaxInput"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New() error = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestCapInput(t *testing.T) {
	s := &Segmenter{maxInput: 4}
	tests := []struct{ in, want string }{
		{"abc", "abc"},
		{"abcd", "abcd"},
		{"ab网", "ab"}, // never cut inside a rune
		{"abcde", "abcd"},
	}
	for _, tt := range tests {
		if got := string(s.capInput([]byte(tt.in))); got != tt.want {
			t.Errorf("capInput(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestDefaultCapOnLargeInput: a 1.5 MB text is analysed up to DefaultMaxInput,
// in linear time, by every analyzer.
func TestDefaultCapOnLargeInput(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	s := testSegmenter(t)
	text := []byte(strings.Repeat("如何注销网贷账户？借呗 iPhone15 零首付。", 40000)) // ~1.6 MB
	for _, an := range analyzers(s) {
		ts := an.a.Analyze(text)
		if len(ts) == 0 {
			t.Fatalf("%s: no tokens", an.name)
		}
		if end := ts[len(ts)-1].End; end > DefaultMaxInput {
			t.Errorf("%s: token ends at %d, beyond the cap", an.name, end)
		}
	}
}

// captureOutput returns what fn writes to os.Stdout, os.Stderr or the log
// package (not for parallel tests: it swaps the globals).
func captureOutput(t *testing.T, fn func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr, logOut := os.Stdout, os.Stderr, log.Writer()
	os.Stdout, os.Stderr = w, w
	log.SetOutput(w)
	defer func() { os.Stdout, os.Stderr = stdout, stderr; log.SetOutput(logOut) }()
	done := make(chan string)
	go func() { b, _ := io.ReadAll(r); done <- string(b) }()
	fn()
	_ = w.Close()
	return <-done
}

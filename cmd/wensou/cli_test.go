package main

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wensou/wensou/crawl"
	"github.com/wensou/wensou/indexer"
)

// testLogger logs text lines without the time to w.
func testLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, _, err := runCLI(t, args...)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		golden(t, "version.golden", out)
	}
	v := readBuildVersion() // the test binary's own build information
	if v.Go == "" || !strings.HasPrefix(v.String(), v.Version+" (commit ") {
		t.Errorf("readBuildVersion = %+v (%s)", v, v)
	}
}

// TestHelpHidesDeveloperCommands: the default help lists the commands a
// user runs, and no bench.
func TestHelpHidesDeveloperCommands(t *testing.T) {
	out, _, err := runCLI(t, "--help")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "help.golden", out)
	if strings.Contains(out, "bench") {
		t.Errorf("help lists bench:\n%s", out)
	}
}

// TestSearchCommand runs `wensou search` over the embedded sample: plain
// text (the test's writer is no terminal), --color always, the filters.
func TestSearchCommand(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
		not  []string
	}{
		{"plain", []string{"search", "注销"}, []string{"1 hit for \"注销\"", "如何注销网贷账户", "https://www.example.cn/article/1000.html"}, []string{"<mark>", "\x1b["}},
		{"terminal", []string{"search", "--color", "always", "注销"}, []string{"如何\x1b[1;31m注销\x1b[0m网贷账户"}, []string{"<mark>"}},
		{"kind related", []string{"search", "--kind", "related", "--size", "3", "租机"}, []string{"[related]"}, []string{"[article]"}},
		{"filter kind", []string{"search", "--filter", "kind=article", "注销"}, []string{"[article]"}, []string{"[related]"}},
		{"date range with nothing in it", []string{"search", "--from", "2001-01-01", "--to", "2001-12-31", "注销"}, []string{"0 hits for"}, nil},
		{"sort date", []string{"search", "--sort", "date", "--size", "2", "租机"}, []string{" 1. ", " 2. "}, nil},
		{"json", []string{"search", "--json", "注销"}, []string{`"title_html":"如何<mark>注销</mark>`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := runCLI(t, tt.args...)
			if err != nil {
				t.Fatalf("%v: %v", tt.args, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(out, n) {
					t.Errorf("output holds %q:\n%s", n, out)
				}
			}
		})
	}
}

func TestCommandErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "typo")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"search --index typo", []string{"search", "--index", missing, "注销"}, "no index there"},
		{"eval --index typo", []string{"eval", "--index", missing, "--queries", "testdata/judged.tsv"}, "no index there"},
		{"serve --index typo", []string{"serve", "--index", missing, "--addr", "127.0.0.1:0"}, "no index there"},
		{"rollback --index typo", []string{"index", "rollback", "--index", missing}, "no index there"},
		{"bad date", []string{"search", "--from", "2025-13-01", "注销"}, "want a date YYYY-MM-DD"},
		{"bad filter", []string{"search", "--filter", "colour=red", "注销"}, "no filter"},
		{"bad kind", []string{"search", "--kind", "poem", "注销"}, "search"},
		{"bad color", []string{"search", "--color", "rainbow", "注销"}, "--color"},
		{"index without dir", []string{"index", "testdata"}, "no index directory"},
		{"index without sources", []string{"index", "--index", missing}, "no sources"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCLI(t, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%v: err %v, want one mentioning %q", tt.args, err, tt.want)
			}
			if _, serr := os.Stat(missing); !errors.Is(serr, os.ErrNotExist) {
				t.Errorf("%v created %s", tt.args, missing)
			}
		})
	}
}

func TestAnalyzeNeedsNoIndex(t *testing.T) {
	out, errOut, err := runCLI(t, "analyze", "網貸帳戶怎麼註銷")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "analyze.golden", out)
	if strings.Contains(errOut, "sample") {
		t.Errorf("analyze built the sample index: %s", errOut)
	}
}

// TestIndexFailureSummary: a run that fails says what failed, exits
// non-zero and switches nothing; the summary starts with what happened.
func TestIndexFailureSummary(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runCLI(t, "index", "--index", dir, filepath.Join(dir, "no-such-source"))
	if err == nil {
		t.Fatalf("index of a missing source succeeded:\n%s", out)
	}
	if !strings.HasPrefix(out, "index run failed after ") || strings.HasPrefix(out, ":") || !strings.Contains(out, "served generation is unchanged") {
		t.Errorf("summary:\n%s", out)
	}
	if _, serr := os.Stat(filepath.Join(dir, "CURRENT")); !errors.Is(serr, os.ErrNotExist) {
		t.Errorf("a failed first run wrote CURRENT: %v", serr)
	}
}

func TestSummaryGolden(t *testing.T) {
	ok := summary{Added: 3, Updated: 1, Unchanged: 1, Skipped: 1, Documents: 5, Articles: 1, Related: 4, Bytes: 12345,
		Seconds: 0.5, Generation: "gen-000002", SkipList: []indexer.Skip{{Source: "bad.bin", Reason: "binary"}},
		UndeclaredFields: map[string]int64{"author": 2, "dynasty": 1}}
	failed := summary{Errors: 1, Error: "read /src: no such file or directory", Seconds: 0.25}
	for _, tt := range []struct {
		name string
		s    summary
	}{{"summary-ok.golden", ok}, {"summary-failed.golden", failed}} {
		var b strings.Builder
		if err := printSummary(&b, tt.s, false); err != nil {
			t.Fatal(err)
		}
		golden(t, tt.name, b.String())
	}
}

// TestProgressGolden drives the progress report with a fake clock: on a
// terminal the bar moves with the batches and its line ends before the
// summary; otherwise a log line every two seconds.
func TestProgressGolden(t *testing.T) {
	for _, tt := range []struct {
		name     string
		terminal bool
		ok       bool
	}{{"progress-terminal.golden", true, true}, {"progress-terminal-failed.golden", true, false}, {"progress-log.golden", false, true}} {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			clock := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
			now := func() time.Time { return clock }
			p := newProgress(&b, tt.terminal, testLogger(&b), now, 10_000_000)
			for i := 1; i <= 5; i++ {
				clock = clock.Add(1500 * time.Millisecond)
				p.update(i*1000, int64(i)*1_500_000)
			}
			clock = clock.Add(time.Second)
			p.finish(tt.ok)
			b.WriteString("summary line\n")
			golden(t, tt.name, b.String())
		})
	}
}

// TestProgressCrawlGolden: a crawl-only run (no source files to size)
// shows the crawl's pages done of listed, its 304s, robots skips and
// failures, and moves the bar by pages, also while no document comes.
func TestProgressCrawlGolden(t *testing.T) {
	for _, tt := range []struct {
		name     string
		terminal bool
	}{{"progress-crawl-terminal.golden", true}, {"progress-crawl-log.golden", false}} {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			clock := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
			now := func() time.Time { return clock }
			st := crawl.Stats{Listed: 200}
			p := newProgress(&b, tt.terminal, testLogger(&b), now, 0)
			p.crawl = func() crawl.Stats { return st }
			for i := 1; i <= 4; i++ {
				clock = clock.Add(1500 * time.Millisecond)
				st.Fetched, st.NotModified, st.Requests, st.RequestsPerS = int64(i*20), int64(i*10), int64(i*31), 20.5
				st.Failed = map[string]int{crawl.ReasonServer: i}
				if i%2 == 0 {
					p.tick() // pages came, documents did not (304s)
				} else {
					p.update(i*20, int64(i)*100_000)
				}
			}
			st.SkippedRobots = 3
			clock = clock.Add(time.Second)
			p.finish(true)
			b.WriteString("summary line\n")
			golden(t, tt.name, b.String())
		})
	}
}

// TestSearchJSONIsTheAPIs: --json prints what GET /api/search answers:
// scores rounded to 3 decimals, snippets on one line.
func TestSearchJSONIsTheAPIs(t *testing.T) {
	out, _, err := runCLI(t, "search", "--json", "注销 账户")
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Hits []struct {
			Score       float64 `json:"score"`
			SnippetHTML string  `json:"snippet_html"`
		} `json:"hits"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res.Hits) == 0 {
		t.Fatalf("%v: %s", err, out)
	}
	for _, h := range res.Hits {
		if r := h.Score * 1000; math.Abs(r-math.Round(r)) > 1e-6 {
			t.Errorf("score %v not rounded to 3 decimals", h.Score)
		}
		if strings.ContainsAny(h.SnippetHTML, "\r\n") {
			t.Errorf("snippet with a line break: %q", h.SnippetHTML)
		}
	}
}

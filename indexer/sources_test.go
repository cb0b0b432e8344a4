package indexer

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/wensou/wensou/corpus"
)

func readAll(t *testing.T, opt SourceOptions, sources ...string) ([]corpus.Document, *Report, error) {
	t.Helper()
	out := make(chan corpus.Document, 16)
	var docs []corpus.Document
	done := make(chan struct{})
	go func() {
		defer close(done)
		for d := range out {
			docs = append(docs, d)
		}
	}()
	rep, err := Read(context.Background(), sources, opt, out)
	<-done
	return docs, rep, err
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

const goodText = "好文章\n\n发布时间:2025-06-22 16:15:29\n正文第一段。\n\n相关内容:\n相关条目一\n相关条目二\nTo Top\n"

// TestReadSkipsBadSources: every bad source is skipped with a reason and
// counted; the run goes on and the good sources are read.
func TestReadSkipsBadSources(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	writeFile(t, filepath.Join(root, "good.txt"), []byte(goodText))
	writeFile(t, filepath.Join(root, "sub", "good2.md"), []byte("# 第二篇\n\n正文。\n"))
	writeFile(t, filepath.Join(root, "empty.html"), nil)
	writeFile(t, filepath.Join(root, "binary.html"), []byte("\x00\x01\x02PNG\x00\x00"))
	writeFile(t, filepath.Join(root, "invalid.txt"), []byte("标题\n\xff\xfe\xfd\x80\x81 broken"))
	writeFile(t, filepath.Join(root, "big.html"), []byte("<title>big</title>"+strings.Repeat("长", 400)))
	writeFile(t, filepath.Join(root, "skipme.pdf"), []byte("%PDF"))
	writeFile(t, filepath.Join(root, "lines.jsonl"), []byte(`{"id":"j1","title":"一","body":"正文"}`+"\n{broken\n"+`{"id":"j2","title":"二","body":"正文"}`+"\n"))
	writeFile(t, filepath.Join(outside, "secret.txt"), []byte("秘密\n\n正文。\n"))
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(root, "link.txt")); err != nil {
		t.Fatal(err)
	}
	unreadable := filepath.Join(root, "unreadable.txt")
	writeFile(t, unreadable, []byte(goodText))
	os.Chmod(unreadable, 0)
	docs, rep, err := readAll(t, SourceOptions{MaxFileSize: 1000}, root)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	var ids []string
	for _, d := range docs {
		ids = append(ids, d.Title)
	}
	sort.Strings(ids)
	want := []string{"一", "二", "好文章", "相关条目一", "相关条目二", "第二篇"}
	if os.Geteuid() == 0 { // root reads the chmod 0 file anyway: the same article again, one document
		t.Log("running as root: the unreadable file is readable")
		if len(rep.Duplicates) != 1 || filepath.Base(rep.Duplicates[0].Source) != "unreadable.txt" && filepath.Base(rep.Duplicates[0].Source) != "good.txt" {
			t.Errorf("duplicates %+v, want good.txt and unreadable.txt as one", rep.Duplicates)
		}
	}
	if strings.Join(ids, ",") != strings.Join(want, ",") {
		t.Errorf("documents %v, want %v", ids, want)
	}
	reasons := map[string]string{}
	for _, s := range rep.Skipped {
		reasons[filepath.Base(s.Source)] += s.Reason + ";"
	}
	for file, want := range map[string]string{
		"empty.html":  "empty",
		"binary.html": "binary",
		"invalid.txt": "",
		"big.html":    "over the limit",
		"link.txt":    "outside the source root",
		"lines.jsonl": "line 2",
	} {
		if got, ok := reasons[file]; !ok || !strings.Contains(got, want) {
			t.Errorf("%s: skip reason %q, want one containing %q (all: %v)", file, got, want, reasons)
		}
	}
	if _, ok := reasons["skipme.pdf"]; ok {
		t.Error("a file of another type is reported as skipped; it should be ignored")
	}
}

func TestReadMissingRootFails(t *testing.T) {
	if _, _, err := readAll(t, SourceOptions{}, filepath.Join(t.TempDir(), "nope")); err == nil {
		t.Fatal("a missing source root did not fail the run")
	}
}

func TestEmptySourceSwitchesNothing(t *testing.T) {
	d, _ := OpenDir(t.TempDir())
	g1 := build(t, d, testDocs(3, "a"))
	empty := t.TempDir()
	for _, full := range []bool{true, false} {
		_, _, _, err := d.IndexSources(context.Background(), []string{empty}, SourceOptions{}, plainAnalyzers{}, Options{}, full)
		if err == nil || !strings.Contains(err.Error(), "no documents") {
			t.Fatalf("indexing an empty source (full=%v): %v, want a clear error", full, err)
		}
		if cur, _ := d.Current(); cur != g1 {
			t.Fatalf("an empty run switched to %s", cur)
		}
	}
}

func TestFileID(t *testing.T) {
	tests := []struct{ root, path, want string }{
		{"man", "man/man1/chroot.1.html", "f-man1-chroot.1"},
		{"man", "man/man8/chroot.8.html", "f-man8-chroot.8"},
		{"seed/a.txt", "seed/a.txt", "f-a"},
		{"docs", "docs/Read Me.md", "f-readme-" + corpus.HashBytes([]byte("Read Me"))[:8]},
		{"docs", "docs/租机.txt", "f--" + corpus.HashBytes([]byte("租机"))[:8]},
	}
	for _, tt := range tests {
		if got := fileID(tt.root, tt.path); got != tt.want {
			t.Errorf("fileID(%q, %q) = %q, want %q", tt.root, tt.path, got, tt.want)
		}
	}
}

// TestReadFieldsFromEverySource: declared fields come from JSONL, HTML
// <meta> tags and text front matter; fields nobody declared are kept and
// counted once in the report.
func TestReadFieldsFromEverySource(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "a.jsonl"), []byte(`{"id":"j1","title":"静夜思","body":"床前明月光","author":"李白","dynasty":"唐"}`+"\n"))
	writeFile(t, filepath.Join(root, "b.html"), []byte(`<html><head><title>注销网贷</title><meta name="keywords" content="网贷,注销"></head><body><article><p>注销的步骤。</p></article></body></html>`))
	writeFile(t, filepath.Join(root, "c.md"), []byte("---\ntitle: 租机攻略\ntags: [租机, 分期]\nauthor: 编辑部\n---\n正文。\n"))
	opt := SourceOptions{Fields: map[string]corpus.FieldType{"tags": {Type: "keyword", Multi: true}, "author": {Type: "text"}}}
	docs, rep, err := readAll(t, opt, root)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]string{}
	for _, d := range docs {
		got[d.Title] = d.Fields
	}
	want := map[string]map[string]string{
		"静夜思":  {"author": "李白", "dynasty": "唐"},
		"注销网贷": {"tags": "网贷\n注销"},
		"租机攻略": {"tags": "租机\n分期", "author": "编辑部"},
	}
	for title, fields := range want {
		if !maps.Equal(got[title], fields) {
			t.Errorf("%s: fields %q, want %q", title, got[title], fields)
		}
	}
	if !maps.Equal(rep.Undeclared, map[string]int64{"dynasty": 1}) {
		t.Errorf("Undeclared = %v, want dynasty in 1 document", rep.Undeclared)
	}
}

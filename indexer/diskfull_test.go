package indexer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wensou/wensou/corpus"
)

// smallDisk mounts a tmpfs of size bytes under the test's temp dir (root
// only: skipped otherwise) and unmounts it at the end.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small tmpfs")
	}
	dir := filepath.Join(t.TempDir(), "disk")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	return dir
}

// fill writes a file until the disk is full and returns its path.
func fill(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "filler")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			break
		}
	}
	_ = f.Sync()
	return p
}

func bigDocs(n int, prefix string) []corpus.Document {
	docs := testDocs(n, prefix)
	for i := range docs {
		docs[i].Body = strings.Repeat(fmt.Sprintf("word%d ", i), 2000)
	}
	return docs
}

// TestDiskFull: a push on a full disk fails with ErrNoSpace, and once
// space is freed pushes succeed again without a restart; every
// acknowledged push is there.
func TestDiskFull(t *testing.T) {
	disk := smallDisk(t, "24m")
	d, err := OpenDir(filepath.Join(disk, "index"))
	if err != nil {
		t.Fatal(err)
	}
	build(t, d, testDocs(5, "file"))
	x, err := d.OpenWritable(func() Analyzers { return plainAnalyzers{} })
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	ctx := context.Background()
	for round := range 3 {
		filler := fill(t, disk)
		var failed error
		for i := range 20 {
			if err := x.Put(ctx, bigDocs(20, fmt.Sprintf("full%d-%d", round, i))); err != nil {
				failed = err
				break
			}
		}
		if !errors.Is(failed, ErrNoSpace) {
			t.Fatalf("round %d: push on a full disk = %v, want ErrNoSpace", round, failed)
		}
		for i := range 3 { // still full: keeps failing, never panics
			if err := x.Delete(ctx, []string{fmt.Sprintf("file-%d", i)}); err == nil {
				break
			}
		}
		if err := os.Remove(filler); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			if err := x.Put(ctx, testDocs(2, fmt.Sprintf("after%d-%d", round, i))); err != nil {
				t.Fatalf("round %d: push %d after space was freed: %v", round, i, err)
			}
		}
	}
	if err := x.Delete(ctx, []string{"file-4"}); err != nil {
		t.Fatalf("delete after space was freed: %v", err)
	}
	got := ids(t, d)
	for _, want := range []string{"after0-0-0", "after2-2-1", "after1-1-0"} {
		if !strings.Contains(strings.Join(got, ","), want) {
			t.Errorf("served ids lack %s: %v", want, got)
		}
	}
}

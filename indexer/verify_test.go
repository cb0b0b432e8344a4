package indexer

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// genFiles lists generation name's files with the extension ext.
func genFiles(t *testing.T, d *Dir, name, ext string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(d.GenPath(name), "*"+ext))
	if err != nil || len(files) == 0 {
		t.Fatalf("no %s files in %s: %v", ext, name, err)
	}
	return files
}

// flip inverts the byte at offset (from the end when negative) of path.
func flip(t *testing.T, path string, offset int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if offset < 0 {
		offset += int64(len(b))
	}
	b[offset] ^= 0xff
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// twoGenerations builds a good generation with 3 documents, then the
// current one with 5.
func twoGenerations(t *testing.T) (*Dir, string, string) {
	t.Helper()
	d, _ := OpenDir(t.TempDir())
	d.verifyOnce = true
	good := build(t, d, testDocs(3, "old"))
	cur := build(t, d, testDocs(5, "new"))
	return d, good, cur
}

// damages are the ways a served generation was found broken.
var damages = []struct {
	name   string
	damage func(t *testing.T, d *Dir, cur string)
}{
	{"flipped segment byte", func(t *testing.T, d *Dir, cur string) { flip(t, genFiles(t, d, cur, segmentExt)[0], 100) }},
	{"flipped segment footer", func(t *testing.T, d *Dir, cur string) { flip(t, genFiles(t, d, cur, segmentExt)[0], -10) }},
	{"truncated segment", func(t *testing.T, d *Dir, cur string) {
		f := genFiles(t, d, cur, segmentExt)[0]
		if err := os.Truncate(f, 20); err != nil {
			t.Fatal(err)
		}
	}},
	{"flipped snapshot byte", func(t *testing.T, d *Dir, cur string) { flip(t, newest(genFiles(t, d, cur, snapshotExt)), 5) }},
	{"deleted snapshot", func(t *testing.T, d *Dir, cur string) { removeAll(t, genFiles(t, d, cur, snapshotExt)...) }},
	{"deleted segment", func(t *testing.T, d *Dir, cur string) { removeAll(t, genFiles(t, d, cur, segmentExt)...) }},
	{"deleted generation", func(t *testing.T, d *Dir, cur string) { removeAll(t, d.GenPath(cur)) }},
	{"deleted CURRENT", func(t *testing.T, d *Dir, cur string) { removeAll(t, filepath.Join(d.Path(), currentFile)) }},
}

// newest is the last of files sorted by name: the newest snapshot (a
// build may leave older ones, which bluge's readers do not load).
func newest(files []string) string { return files[len(files)-1] }

func removeAll(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if err := os.RemoveAll(p); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDamagedGenerationFallsBack: whatever is wrong with the served
// generation, a server (reader or writer) never panics and never serves an
// empty index: it serves the last good generation, and a writer points
// CURRENT at it.
func TestDamagedGenerationFallsBack(t *testing.T) {
	for _, tt := range damages {
		t.Run(tt.name, func(t *testing.T) {
			d, good, cur := twoGenerations(t)
			tt.damage(t, d, cur)
			want := uint64(3)
			if tt.name == "deleted CURRENT" {
				want = 5 // the newest generation is intact
			}
			h, err := d.OpenReaders()
			if err != nil {
				t.Fatalf("OpenReaders: %v", err)
			}
			if n := count(t, h); n != want {
				t.Errorf("readers serve %d documents, want %d", n, want)
			}
			h.Close()
			x, err := d.OpenWritable(func() Analyzers { return plainAnalyzers{} })
			if err != nil {
				t.Fatalf("OpenWritable: %v", err)
			}
			defer x.Close()
			if n := count(t, x.Readers()); n != want {
				t.Errorf("writable serves %d documents, want %d", n, want)
			}
			if got, _ := d.Current(); want == 3 && got != good {
				t.Errorf("CURRENT = %s, want it repaired to %s", got, good)
			}
		})
	}
}

// TestNoGoodGeneration: when every generation is damaged, opening fails
// with ErrNoGoodGeneration naming each problem, never with a panic or an
// empty index.
func TestNoGoodGeneration(t *testing.T) {
	for _, tt := range damages {
		if tt.name == "deleted CURRENT" {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			d, _ := OpenDir(t.TempDir())
			d.verifyOnce = true
			cur := build(t, d, testDocs(4, "only"))
			tt.damage(t, d, cur)
			if _, err := d.OpenReaders(); !errors.Is(err, ErrNoGoodGeneration) {
				t.Errorf("OpenReaders = %v, want ErrNoGoodGeneration", err)
			}
			x, err := d.OpenWritable(func() Analyzers { return plainAnalyzers{} })
			if !errors.Is(err, ErrNoGoodGeneration) || !strings.Contains(err.Error(), cur) {
				t.Errorf("OpenWritable = %v, want ErrNoGoodGeneration naming %s", err, cur)
			}
			if x != nil {
				x.Close()
			}
		})
	}
}

// TestOlderSnapshotBadCRC: a build or push leaves older snapshots, which
// a bluge writer loads too; one whose CRC is wrong but which parses made
// bluge v0.2.2 fault (a SIGSEGV in the CRC error's formatting). Readers
// serve the newest snapshot; a writer sets the bad one aside and serves.
func TestOlderSnapshotBadCRC(t *testing.T) {
	d, _ := OpenDir(t.TempDir())
	d.verifyOnce = true
	cur := build(t, d, testDocs(4, "only"))
	snaps := genFiles(t, d, cur, snapshotExt)
	b, err := os.ReadFile(newest(snaps))
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-1] ^= 0xff // the CRC itself: the copy still parses
	old := filepath.Join(d.GenPath(cur), fmt.Sprintf("%012x%s", 1, snapshotExt))
	if err := os.WriteFile(old, b, 0o644); err != nil {
		t.Fatal(err)
	}
	h, err := d.OpenReaders()
	if err != nil {
		t.Fatalf("OpenReaders: %v", err)
	}
	want := count(t, h)
	h.Close()
	x, err := d.OpenWritable(func() Analyzers { return plainAnalyzers{} })
	if err != nil {
		t.Fatalf("OpenWritable: %v", err)
	}
	defer x.Close()
	if n := count(t, x.Readers()); n != want {
		t.Errorf("writable serves %d documents, readers %d", n, want)
	}
	if _, err := os.Stat(old + damagedSuffix); err != nil {
		t.Errorf("the bad older snapshot was not set aside: %v", err)
	}
}

// TestFlipEveryByteNeverPanics flips each byte of a small segment in turn
// (every 7th, to stay quick): opening fails cleanly every time.
func TestFlipEveryByteNeverPanics(t *testing.T) {
	d, _ := OpenDir(t.TempDir())
	d.verifyOnce = true
	cur := build(t, d, testDocs(2, "tiny"))
	seg := genFiles(t, d, cur, segmentExt)[0]
	orig, err := os.ReadFile(seg)
	if err != nil {
		t.Fatal(err)
	}
	for off := 0; off < len(orig); off += 7 {
		b := append([]byte(nil), orig...)
		b[off] ^= 0x5a
		if err := os.WriteFile(seg, b, 0o644); err != nil {
			t.Fatal(err)
		}
		d.bad = badGenerations{} // a fresh server each time
		d.verifyOnce = true
		if _, err := d.OpenReaders(); !errors.Is(err, ErrNoGoodGeneration) {
			t.Fatalf("byte %d flipped: OpenReaders = %v, want ErrNoGoodGeneration", off, err)
		}
	}
}

// TestRefreshSkipsDamaged: a server following CURRENT does not switch to
// a damaged generation; it keeps serving the good one.
func TestRefreshSkipsDamaged(t *testing.T) {
	d, _ := OpenDir(t.TempDir())
	d.verifyOnce = true
	build(t, d, testDocs(3, "a"))
	h, err := d.OpenReaders()
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	x, err := d.OpenWritable(func() Analyzers { return plainAnalyzers{} })
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	next := build(t, d, testDocs(6, "b"))
	flip(t, genFiles(t, d, next, segmentExt)[0], 50)
	if switched, err := d.Refresh(h); switched || err == nil {
		t.Errorf("Refresh to a damaged generation = %v, %v; want an error, no switch", switched, err)
	}
	if switched, err := d.Refresh(h); switched || err != nil {
		t.Errorf("second Refresh = %v, %v; want it remembered", switched, err)
	}
	if switched, err := x.Follow(); switched || err != nil {
		t.Errorf("Follow to a damaged generation = %v, %v; want no switch, no error", switched, err)
	}
	if n := count(t, h); n != 3 {
		t.Errorf("serving %d documents, want the good 3", n)
	}
}

// TestFileList: a build lists its files; a listed segment replaced by
// another valid one (its own CRC right) or missing is damage; after
// pushes (a newer snapshot, segments merged away) the list still passes.
func TestFileList(t *testing.T) {
	d, _ := OpenDir(t.TempDir())
	g1 := build(t, d, testDocs(3, "one"))
	g2 := build(t, d, testDocs(4, "two"))
	if _, err := os.Stat(filepath.Join(d.GenPath(g2), fileList)); err != nil {
		t.Fatalf("no %s after a build: %v", fileList, err)
	}
	if err := VerifyGeneration(d.GenPath(g2)); err != nil {
		t.Fatalf("fresh generation: %v", err)
	}
	seg2 := genFiles(t, d, g2, segmentExt)[0]
	orig, _ := os.ReadFile(seg2)
	other, _ := os.ReadFile(genFiles(t, d, g1, segmentExt)[0])
	if err := os.WriteFile(seg2, other, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := VerifyGeneration(d.GenPath(g2)); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "differs") {
		t.Errorf("segment swapped for another generation's: %v, want ErrCorrupt (differs)", err)
	}
	if err := os.WriteFile(seg2, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	x, err := d.OpenWritable(func() Analyzers { return plainAnalyzers{} })
	if err != nil {
		t.Fatal(err)
	}
	for i := range 12 { // enough batches for merges to remove listed segments
		if err := x.Put(t.Context(), testDocs(5, "push"+string(rune('a'+i)))); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if err := VerifyGeneration(d.GenPath(g2)); err != nil {
		t.Errorf("after pushes: %v, want it good", err)
	}
}

// TestIncrementalGenerationsVerify: incremental runs start from a copy of
// the served generation (bluge's Backup rewrites each segment's CRC, once
// per copy); their generations verify, run after run, and are served.
func TestIncrementalGenerationsVerify(t *testing.T) {
	d, _ := OpenDir(t.TempDir())
	d.verifyOnce = true
	docs := withSources(testDocs(5, "inc"))
	build(t, d, docs)
	for i := range 4 {
		docs = append(docs, withSources(testDocs(1, "more"+string(rune('a'+i))))...)
		name, _ := update(t, d, docs)
		if err := d.verify(d.GenPath(name), false); err != nil {
			t.Fatalf("incremental run %d: %v", i, err)
		}
	}
	h, err := d.OpenReaders()
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if n := count(t, h); n != uint64(len(docs)) {
		t.Errorf("serving %d documents, want the newest generation's %d", n, len(docs))
	}
}

// TestOrphanFilesIgnored: a half-written segment or snapshot no snapshot
// references (what a killed writer leaves: bluge ignores it) does not
// make the generation damaged; the snapshot's own segments still count.
func TestOrphanFilesIgnored(t *testing.T) {
	d, _ := OpenDir(t.TempDir())
	d.verifyOnce = true
	cur := build(t, d, testDocs(3, "o"))
	if err := os.WriteFile(filepath.Join(d.GenPath(cur), "0000000000ff.seg"), []byte("half a segment"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := d.verify(d.GenPath(cur), false); err != nil {
		t.Errorf("with an orphan segment: %v, want good", err)
	}
	ids, err := snapshotSegments(mustRead(t, genFiles(t, d, cur, snapshotExt)[0]))
	if err != nil || len(ids) == 0 {
		t.Fatalf("snapshot segments = %v, %v", ids, err)
	}
	for _, cut := range []int{0, 1, 3, 5} { // a truncated snapshot is an error, not a panic
		b := mustRead(t, genFiles(t, d, cur, snapshotExt)[0])
		if _, err := snapshotSegments(b[:min(cut, len(b))]); err == nil && cut < len(b)-crcLen {
			t.Errorf("snapshot cut at %d parsed", cut)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzSnapshotSegments: any bytes as a snapshot file give ids or an
// error, never a panic.
func FuzzSnapshotSegments(f *testing.F) {
	f.Add([]byte{1, 1, 3, 'i', 'c', 'e', 0, 0, 0, 1, 2, 0, 0, 0, 0, 0})
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff, 0x0f, 0, 0, 0, 0})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = snapshotSegments(data)
	})
}

// TestBadNewerSnapshot: a newer snapshot that is torn (what kill -9 during
// its write leaves) is skipped, as bluge skips it: the generation is
// served from the snapshot before. One that is whole but for its CRC
// (bluge v0.2.2 would crash on it) makes readers fall back, and the
// writing server sets it aside and serves the generation.
func TestBadNewerSnapshot(t *testing.T) {
	for _, tt := range []struct {
		name      string
		damage    func(b []byte) []byte
		readersOK bool
	}{
		{"empty", func([]byte) []byte { return nil }, true},
		{"torn", func(b []byte) []byte { return b[:len(b)/2] }, true},
		{"bad crc", func(b []byte) []byte { b[len(b)-1] ^= 0xff; return b }, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, _ := OpenDir(t.TempDir())
			d.verifyOnce = true
			build(t, d, testDocs(2, "old"))
			cur := build(t, d, testDocs(3, "cur"))
			snap := genFiles(t, d, cur, snapshotExt)[0]
			newer := filepath.Join(d.GenPath(cur), "0000ffffffff"+snapshotExt)
			if err := os.WriteFile(newer, tt.damage(mustRead(t, snap)), 0o644); err != nil {
				t.Fatal(err)
			}
			h, err := d.OpenReaders()
			if err != nil {
				t.Fatal(err)
			}
			want := uint64(3)
			if !tt.readersOK {
				want = 2 // fell back to the previous generation
			}
			if n := count(t, h); n != want {
				t.Errorf("readers serve %d documents, want %d", n, want)
			}
			h.Close()
			dw, _ := OpenDir(d.Path()) // the writing server: another process
			dw.verifyOnce = true
			x, err := dw.OpenWritable(func() Analyzers { return plainAnalyzers{} })
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			if n := count(t, x.Readers()); n != 3 {
				t.Errorf("writer serves %d documents, want the generation's 3", n)
			}
			if _, err := os.Stat(newer + damagedSuffix); err != nil {
				t.Errorf("the bad snapshot was not set aside: %v", err)
			}
		})
	}
}

package indexer

import (
	"context"
	"errors"
	"os"
	"testing"
)

// flipInPlace inverts one byte of path without truncating it (the file
// stays mapped by the open reader, as a bit flipped on disk would be).
func flipInPlace(t *testing.T, path string, offset int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, offset); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0xff
	if _, err := f.WriteAt(b, offset); err != nil {
		t.Fatal(err)
	}
}

// TestDamageReportFallsBack: a search reporting damage on the served
// generation makes the next Watch tick verify it again; damaged, it is
// marked bad and the last good generation is served (readers and
// writable alike) with CURRENT repaired; intact, nothing changes.
func TestDamageReportFallsBack(t *testing.T) {
	report := errors.New("search panicked: index out of range")
	for _, writable := range []bool{false, true} {
		d, good, cur := twoGenerations(t)
		var h *Readers
		fallBack := func() (bool, error) { return d.fallBack(h) }
		if writable {
			x, err := d.OpenWritable(func() Analyzers { return plainAnalyzers{} })
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			h, fallBack = x.Readers(), x.fallBack
		} else {
			var err error
			if h, err = d.OpenReaders(); err != nil {
				t.Fatal(err)
			}
			defer h.Close()
		}
		h.ReportDamage(report) // the files are intact
		if fell, err := fallBack(); fell || err != nil || h.Name() != cur {
			t.Errorf("writable=%v: intact generation: fell back %v, %v, serving %s; want %s kept", writable, fell, err, h.Name(), cur)
		}
		flipInPlace(t, genFiles(t, d, cur, segmentExt)[0], 100)
		if fell, err := fallBack(); fell || err != nil {
			t.Errorf("writable=%v: no report: fell back %v, %v", writable, fell, err)
		}
		h.ReportDamage(report)
		if fell, err := fallBack(); !fell || err != nil {
			t.Fatalf("writable=%v: damaged generation: fell back %v, %v; want a fallback", writable, fell, err)
		}
		if h.Name() != good || count(t, h) != 3 {
			t.Errorf("writable=%v: serving %s (%d documents), want %s (3)", writable, h.Name(), count(t, h), good)
		}
		if c, _ := d.Current(); c != good {
			t.Errorf("writable=%v: CURRENT %s, want it repaired to %s", writable, c, good)
		}
		if d.bad.get(cur) == nil {
			t.Errorf("writable=%v: %s not remembered as bad", writable, cur)
		}
	}
}

// TestRunsOverDamagedCurrent: a run whose base (CURRENT) is damaged reads
// the newest good generation instead, never panics and never copies
// damaged bytes: an incremental run, a re-analysis and a full rebuild all
// succeed.
func TestRunsOverDamagedCurrent(t *testing.T) {
	runs := []struct {
		name string
		run  func(d *Dir) error
		want uint64
	}{
		{"incremental", func(d *Dir) error {
			_, _, err := d.Update(context.Background(), feed(testDocs(2, "inc")), plainAnalyzers{}, Options{})
			return err
		}, 2}, // an incremental run deletes what its sources no longer hold
		{"re-analysis", func(d *Dir) error {
			_, _, err := d.Reanalyze(context.Background(), plainAnalyzers{}, Options{})
			return err
		}, 3},
		{"full rebuild", func(d *Dir) error {
			_, _, err := d.Build(context.Background(), feed(testDocs(4, "full")), plainAnalyzers{}, Options{})
			return err
		}, 4},
	}
	for _, tt := range runs {
		d, _, cur := twoGenerations(t)
		flipInPlace(t, genFiles(t, d, cur, segmentExt)[0], 100)
		if err := tt.run(d); err != nil {
			t.Errorf("%s over a damaged CURRENT: %v", tt.name, err)
			continue
		}
		h, err := d.OpenReaders()
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, h); n != tt.want {
			t.Errorf("%s: %d documents, want %d", tt.name, n, tt.want)
		}
		h.Close()
	}
}

package indexer

import (
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

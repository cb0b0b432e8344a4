package indexer

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestShip: a shipped generation is a frozen copy of the newest snapshot
// (hard links) with a manifest of sizes and SHA-256 sums, the document
// count and the applied log sequence; it opens as an index by itself and
// does not change as the served generation takes more writes.
func TestShip(t *testing.T) {
	ctx := context.Background()
	d, _ := OpenDir(t.TempDir())
	gen := build(t, d, testDocs(4, "f"))
	x, err := d.OpenWritable(func() Analyzers { return plainAnalyzers{} })
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if err := x.ApplyLog(ctx, []Op{putOp("p1"), putOp("p2")}, 1, 7); err != nil {
		t.Fatal(err)
	}
	m, err := d.Ship(gen)
	if err != nil {
		t.Fatal(err)
	}
	if m.Gen != gen || m.DocCount != 6 || m.LogSeq != 7 || m.Schema != SchemaVersion || len(m.Files) < 2 {
		t.Fatalf("manifest %+v; want %s, 6 documents, log_seq 7, schema %d", m, gen, SchemaVersion)
	}
	for i := range 20 { // more writes: new segments, merges removing old ones
		if err := x.ApplyLog(ctx, []Op{putOp("more"), delOp("f-0")}, uint64(8+i), uint64(8+i)); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range m.Files {
		sum, size, err := FileSHA256(filepath.Join(d.Path(), shipsDir, gen, f.Path))
		if err != nil || sum != f.SHA256 || size != f.Size {
			t.Errorf("%s changed after shipping: %s %d %v", f.Path, sum, size, err)
		}
	}
	r, err := openReader(filepath.Join(d.Path(), shipsDir, gen))
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := r.Count(); n != 6 {
		t.Errorf("the shipped copy holds %d documents, want 6", n)
	}
	r.Close()
	if again, err := d.Ship(gen); err != nil || again.DocCount != 6 {
		t.Errorf("second Ship = %+v, %v; want the first manifest", again, err)
	}
	for _, name := range []string{"../CURRENT", "..", "", "nope.seg", "a/b"} {
		if _, err := d.ShipFile(gen, name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("ShipFile(%q) = %v, want fs.ErrNotExist", name, err)
		}
	}
	if _, err := d.ShipFile("gen-999999", ManifestFile); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("unknown generation: %v, want fs.ErrNotExist", err)
	}
	f, err := d.ShipFile(gen, m.Files[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := os.Stat(filepath.Join(d.Path(), shipsDir, gen, ManifestFile)); err != nil {
		t.Error(err)
	}
}

// TestShipPrunedWithGeneration: a shipped copy goes when its generation is
// pruned (its hard links would keep the generation's disk space).
func TestShipPrunedWithGeneration(t *testing.T) {
	d, _ := OpenDir(t.TempDir())
	first := build(t, d, testDocs(3, "a"))
	if _, err := d.Ship(first); err != nil {
		t.Fatal(err)
	}
	second := build(t, d, testDocs(3, "b"))
	if _, err := d.Ship(second); err != nil {
		t.Fatal(err)
	}
	shipped := func(gen string) bool {
		_, err := os.Stat(filepath.Join(d.Path(), shipsDir, gen, ManifestFile))
		return err == nil
	}
	if !shipped(first) || !shipped(second) {
		t.Fatal("ships missing before pruning")
	}
	build(t, d, testDocs(3, "c")) // keeps the new current and second (rollback)
	if shipped(first) {
		t.Errorf("the ship of pruned %s is still there", first)
	}
	if !shipped(second) {
		t.Errorf("the ship of kept %s was removed", second)
	}
}

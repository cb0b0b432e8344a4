package indexer

import (
	"os"
	"path/filepath"
	"testing"
)

// TestOldSchemaIncrementalRunAnalysesEverything checks that a generation
// records SchemaVersion, and that an incremental run over a generation of
// an older schema (no SCHEMA file) writes every document again instead of
// keeping the old ones as they are.
func TestOldSchemaIncrementalRunAnalysesEverything(t *testing.T) {
	d, _ := OpenDir(t.TempDir())
	docs := withSources(testDocs(10, "s"))
	g1, _ := update(t, d, docs)
	if v, err := schemaOf(d.GenPath(g1)); err != nil || v != SchemaVersion {
		t.Fatalf("schema of %s = %d, %v; want %d", g1, v, err, SchemaVersion)
	}
	g2, ch := update(t, d, docs)
	if g2 != g1 || ch.Unchanged != 10 {
		t.Fatalf("same schema, same sources: %s %+v, want no new generation", g2, ch)
	}
	if err := os.Remove(filepath.Join(d.GenPath(g1), schemaFile)); err != nil {
		t.Fatal(err)
	}
	g3, ch := update(t, d, docs)
	if g3 == g1 || ch.Documents != 10 {
		t.Fatalf("old schema: %s %+v, want a new generation of 10 documents", g3, ch)
	}
	if v, err := schemaOf(d.GenPath(g3)); err != nil || v != SchemaVersion {
		t.Fatalf("schema of %s = %d, %v; want %d", g3, v, err, SchemaVersion)
	}
}

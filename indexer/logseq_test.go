package indexer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/wensou/wensou/corpus"
)

func putOp(id string) Op { return Op{Doc: corpus.Document{ID: id, Title: "t " + id, Body: "b"}} }
func delOp(id string) Op { return Op{Delete: true, ID: id} }

// TestApplyLog: a batch of log writes is written with the last op of each
// id winning, its last sequence recorded and kept across a reopen; a batch
// that does not follow the applied sequence is refused untouched; a new
// generation starts from 0.
func TestApplyLog(t *testing.T) {
	ctx := context.Background()
	d, _ := OpenDir(t.TempDir())
	build(t, d, testDocs(2, "file"))
	x, err := d.OpenWritable(func() Analyzers { return plainAnalyzers{} })
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name        string
		ops         []Op
		first, last uint64
		wantErr     error
		wantIDs     []string
		wantApplied uint64
	}{
		{"puts", []Op{putOp("a"), putOp("b")}, 1, 2, nil, []string{"a", "b", "file-0", "file-1"}, 2},
		{"put then delete of one id", []Op{putOp("c"), delOp("c"), delOp("file-0")}, 3, 5, nil, []string{"a", "b", "file-1"}, 5},
		{"delete then put of one id", []Op{delOp("a"), putOp("a")}, 6, 7, nil, []string{"a", "b", "file-1"}, 7},
		{"replayed writes", []Op{putOp("b")}, 2, 2, nil, []string{"a", "b", "file-1"}, 2},
		{"a gap", []Op{putOp("z")}, 9, 9, ErrLogGap, []string{"a", "b", "file-1"}, 2},
		{"bad id skipped", []Op{putOp("ok"), putOp("")}, 3, 4, nil, []string{"a", "b", "file-1", "ok"}, 4},
	}
	for _, st := range steps {
		err := x.ApplyLog(ctx, st.ops, st.first, st.last)
		if !errors.Is(err, st.wantErr) {
			t.Fatalf("%s: ApplyLog = %v, want %v", st.name, err, st.wantErr)
		}
		if got := ids(t, d); !slices.Equal(got, st.wantIDs) {
			t.Errorf("%s: ids %v, want %v", st.name, got, st.wantIDs)
		}
		if _, seq := x.Applied(); seq != st.wantApplied {
			t.Errorf("%s: applied %d, want %d", st.name, seq, st.wantApplied)
		}
	}
	gen, _ := x.Applied()
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	x, err = d.OpenWritable(func() Analyzers { return plainAnalyzers{} })
	if err != nil {
		t.Fatal(err)
	}
	if g, seq := x.Applied(); g != gen || seq != 4 {
		t.Errorf("reopened: %s applied %d, want %s 4", g, seq, gen)
	}
	x.Close()
	if err := os.WriteFile(filepath.Join(d.GenPath(gen), logSeqFile), nil, 0o644); err != nil { // torn by a crash
		t.Fatal(err)
	}
	x, err = d.OpenWritable(func() Analyzers { return plainAnalyzers{} })
	if err != nil {
		t.Fatalf("an unreadable LOGSEQ must not fail the open: %v", err)
	}
	if _, seq := x.Applied(); seq != 0 {
		t.Errorf("unreadable LOGSEQ: applied %d, want 0 (replay everything)", seq)
	}
	x.Close()
	if _, _, err := d.Build(ctx, feed(testDocs(1, "rebuilt")), plainAnalyzers{}, Options{}); err != nil { // keeps the pushed documents
		t.Fatal(err)
	}
	x, err = d.OpenWritable(func() Analyzers { return plainAnalyzers{} })
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if g, seq := x.Applied(); g == gen || seq != 0 {
		t.Errorf("after a rebuild: %s applied %d, want a new generation at 0", g, seq)
	}
}

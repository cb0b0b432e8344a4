package indexer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/wensou/wensou/corpus"
)

// TestReadJSONLSameAsSequential: the parallel reader sends what reading
// line after line with corpus.JSONLReader.Next and send gives: the same
// documents in the same order, the same skips (bad lines, duplicate ids,
// another form of one article) and counts, across chunk boundaries.
func TestReadJSONLSameAsSequential(t *testing.T) {
	tests := []struct {
		name  string
		lines func(i int) string
		n     int
		err   string // the error of the whole file, if any
	}{
		{"clean", func(i int) string { return fmt.Sprintf(`{"id":"d%d","title":"标题%d","body":"正文%d"}`, i, i, i) }, 1000, ""},
		{"mixed", func(i int) string {
			switch {
			case i%97 == 0:
				return `{"id":` // malformed
			case i%101 == 0:
				return ""
			case i%89 == 0:
				return fmt.Sprintf(`{"id":"d%d","title":"重复","body":"同一篇"}`, i) // another form of one article
			case i%83 == 0:
				return `{"id":"d1","title":"又一个","body":"重复的 id"}`
			case i%79 == 0:
				return `{"id":"r` + fmt.Sprint(i) + `","kind":"related","title":"相关` + fmt.Sprint(i) + `","url":"https://example.cn/r"}`
			}
			return fmt.Sprintf(`{"id":"d%d","title":"标题%d","body":"正文 %d"}`, i, i, i)
		}, 1500, ""},
		{"too many bad lines", func(i int) string {
			if i < 10 {
				return fmt.Sprintf(`{"id":"d%d","title":"t","body":"b%d"}`, i, i)
			}
			return "not json"
		}, maxBadLines + 50, "giving up"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			for i := range tt.n {
				b.WriteString(tt.lines(i) + "\n")
			}
			path := filepath.Join(t.TempDir(), "in.jsonl")
			if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
				t.Fatal(err)
			}
			gotDocs, gotRep, gotErr := collect(t, func(ctx context.Context, rep *Report, out chan<- corpus.Document) error {
				return readJSONL(ctx, path, SourceOptions{}, rep, out)
			})
			wantDocs, wantRep, wantErr := collect(t, func(ctx context.Context, rep *Report, out chan<- corpus.Document) error {
				return readJSONLSequential(ctx, path, rep, out)
			})
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) || (tt.err != "" && !strings.Contains(fmt.Sprint(gotErr), tt.err)) {
				t.Errorf("error %v, want %v", gotErr, wantErr)
			}
			if !reflect.DeepEqual(gotDocs, wantDocs) {
				t.Errorf("%d documents, want %d (or another order or content)", len(gotDocs), len(wantDocs))
			}
			if !reflect.DeepEqual(gotRep.Skipped, wantRep.Skipped) || !reflect.DeepEqual(gotRep.Duplicates, wantRep.Duplicates) ||
				gotRep.Articles != wantRep.Articles || gotRep.Bytes != wantRep.Bytes {
				t.Errorf("report %+v\nwant %+v", gotRep, wantRep)
			}
			if tt.name == "mixed" && (len(wantRep.Skipped) == 0 || len(wantRep.Duplicates) == 0) {
				t.Fatal("the mixed file has no skips or duplicates: the comparison tests nothing")
			}
		})
	}
}

// collect runs read into a fresh Report and returns what it sent.
func collect(t *testing.T, read func(context.Context, *Report, chan<- corpus.Document) error) ([]corpus.Document, *Report, error) {
	t.Helper()
	rep := &Report{}
	out := make(chan corpus.Document)
	var docs []corpus.Document
	done := make(chan struct{})
	go func() {
		defer close(done)
		for d := range out {
			docs = append(docs, d)
		}
	}()
	err := read(context.Background(), rep, out)
	close(out)
	<-done
	return docs, rep, err
}

// readJSONLSequential is the reader before it went parallel: Next and
// send, line after line.
func readJSONLSequential(ctx context.Context, path string, rep *Report, out chan<- corpus.Document) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := corpus.NewJSONLReader(f, corpus.Options{Source: path})
	for bad := 0; ; {
		d, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			if bad++; bad > maxBadLines {
				return fmt.Errorf("giving up after %d bad lines in a row: %w", bad, err)
			}
			rep.skip(path, err)
			continue
		}
		bad = 0
		rep.Bytes += int64(len(d.Title) + len(d.Body))
		if err := send(ctx, rep, d, out); err != nil {
			return err
		}
	}
}

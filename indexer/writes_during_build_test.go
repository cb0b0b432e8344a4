package indexer

import (
	"context"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blugelabs/bluge/analysis"
	"github.com/blugelabs/bluge/analysis/analyzer"

	"github.com/wensou/wensou/corpus"
)

// gateAnalyzers analyse like plainAnalyzers, but the first text analysed
// waits until the test opens the gate: the run is then in the middle of
// building while the test writes through the API.
type gateAnalyzers struct {
	plainAnalyzers
	once            *sync.Once
	started, resume chan struct{}
}

func newGate() gateAnalyzers {
	return gateAnalyzers{once: &sync.Once{}, started: make(chan struct{}), resume: make(chan struct{})}
}

func (g gateAnalyzers) IndexWords() *analysis.Analyzer {
	a := *analyzer.NewStandardAnalyzer()
	a.Tokenizer = gateTokenizer{inner: a.Tokenizer, g: g}
	return &a
}

type gateTokenizer struct {
	inner analysis.Tokenizer
	g     gateAnalyzers
}

func (t gateTokenizer) Tokenize(b []byte) analysis.TokenStream {
	t.g.once.Do(func() { close(t.g.started); <-t.g.resume })
	return t.inner.Tokenize(b)
}

// ids lists the ids of the served generation of d, sorted.
func ids(t *testing.T, d *Dir) []string {
	t.Helper()
	r, _, err := d.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	live, err := liveIDs(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for id := range live {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// TestWritesDuringBuildSurvive: deletes and updates acknowledged while a
// full build, an incremental run or a re-analysis (dictionary reload)
// runs are all in the generation it switches to; none is undone.
func TestWritesDuringBuildSurvive(t *testing.T) {
	sources := withSources(testDocs(6, "file"))
	runs := []struct {
		name string
		run  func(d *Dir, a Analyzers) error
	}{
		{"full build", func(d *Dir, a Analyzers) error {
			_, _, err := d.Build(context.Background(), feed(sources), a, Options{BatchSize: 2})
			return err
		}},
		{"incremental", func(d *Dir, a Analyzers) error {
			more := append(append([]corpus.Document(nil), sources...), withSources(testDocs(1, "new"))...)
			_, _, err := d.Update(context.Background(), feed(more), a, Options{BatchSize: 2})
			return err
		}},
		{"reanalyze", func(d *Dir, a Analyzers) error {
			_, _, err := d.Reanalyze(context.Background(), a, Options{BatchSize: 2})
			return err
		}},
	}
	for _, tt := range runs {
		t.Run(tt.name, func(t *testing.T) {
			d, _ := OpenDir(t.TempDir())
			build(t, d, sources)
			x, err := d.OpenWritable(func() Analyzers { return plainAnalyzers{} })
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			ctx := context.Background()
			put := func(id, title string) {
				if err := x.Put(ctx, []corpus.Document{{ID: id, Kind: corpus.KindArticle, Title: title}}); err != nil {
					t.Fatal(err)
				}
			}
			put("pushed-0", "pushed zero")
			put("pushed-1", "pushed one")
			gate := newGate()
			done := make(chan error, 1)
			go func() { done <- tt.run(d, gate) }()
			select {
			case <-gate.started:
			case <-time.After(20 * time.Second):
				t.Fatal("the run never analysed anything")
			}
			if err := x.Delete(ctx, []string{"file-1", "pushed-0"}); err != nil {
				t.Fatal(err)
			}
			put("file-2", "file two updated")
			put("pushed-2", "pushed during the run")
			close(gate.resume)
			if err := <-done; err != nil {
				t.Fatalf("run: %v", err)
			}
			if _, err := x.Follow(); err != nil {
				t.Fatal(err)
			}
			want := []string{"file-0", "file-2", "file-3", "file-4", "file-5", "pushed-1", "pushed-2"}
			if tt.name == "incremental" {
				want = append(want, "new-0")
				sort.Strings(want)
			}
			if got := ids(t, d); strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("after the run: %v, want %v (deletes during the run undone?)", got, want)
			}
			if got := count(t, x.Readers()); got != uint64(len(want)) {
				t.Errorf("served: %d documents, want %d", got, len(want))
			}
		})
	}
}

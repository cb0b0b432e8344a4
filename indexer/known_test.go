package indexer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/wensou/wensou/corpus"
)

// TestIncrementalUnreadSameAsFull: an incremental run over a JSONL file,
// which leaves the lines it has indexed before undecoded (Unread), ends
// with the documents a full run over the same file writes, with the same
// duplicates, skips, undeclared fields and articles reported; it counts
// the unread lines as unchanged and decodes only the others.
func TestIncrementalUnreadSameAsFull(t *testing.T) {
	line := func(i int, body string) string {
		switch {
		case i%50 == 7: // an article with related entries: always decoded
			return fmt.Sprintf(`{"id":"a%d","title":"带相关%d","body":"%s","related":[{"title":"相关文章%d","url":"https://example.cn/r/%d"}]}`, i, i, body, i, i)
		case i%50 == 9: // another form of article 8: dropped as a duplicate
			return fmt.Sprintf(`{"id":"a%d","title":"标题%d","body":"正文 %d"}`, i, i-1, i-1)
		case i%50 == 11: // a related entry pointing at article 10 by URL
			return fmt.Sprintf(`{"id":"r%d","kind":"related","title":"文章%d","url":"https://example.cn/a/%d"}`, i, i-1, i-1)
		}
		return fmt.Sprintf(`{"id":"a%d","title":"标题%d","url":"https://example.cn/a/%d","author":"作者%d","body":"%s"}`, i, i, i, i%7, body)
	}
	write := func(path string, lines []string) {
		if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	src := filepath.Join(t.TempDir(), "docs.jsonl")
	var lines []string
	for i := range 700 {
		lines = append(lines, line(i, fmt.Sprintf("正文 %d", i)))
	}
	write(src, lines)
	inc, err := OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	run := func(d *Dir, full bool) (Changes, *Report) {
		t.Helper()
		_, ch, rep, err := d.IndexSources(ctx, []string{src}, SourceOptions{}, plainAnalyzers{}, Options{}, full)
		if err != nil {
			t.Fatal(err)
		}
		return ch, rep
	}
	run(inc, true)
	lines[100] = line(100, "改过的正文")           // updated
	lines[207] = line(207, "改过的带相关正文")        // updated, with related entries
	lines = slices.Delete(lines, 300, 301)    // deleted
	lines = append(lines, line(1000, "新的正文")) // added
	write(src, lines)
	known, err := inc.knownLines(ctx)
	if err != nil || len(known) < 500 {
		t.Fatalf("%d known lines (%v): the test would not exercise Unread", len(known), err)
	}
	ch, rep := run(inc, false)
	if ch.Updated != 2 || ch.Added != 1 || ch.Deleted != 1 {
		t.Errorf("incremental changes %+v, want 2 updated, 1 added, 1 deleted", ch)
	}
	full, err := OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	fch, frep := run(full, true)
	if ch.Documents != fch.Documents {
		t.Errorf("incremental holds %d documents, full %d", ch.Documents, fch.Documents)
	}
	got, want := allDocs(t, inc), allDocs(t, full)
	for _, docs := range [][]corpus.Document{got, want} {
		slices.SortFunc(docs, func(a, b corpus.Document) int { return strings.Compare(a.ID, b.ID) })
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("incremental and full runs hold different documents (%d vs %d)", len(got), len(want))
		for i := range min(len(got), len(want)) {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Errorf("first difference:\n%+v\n%+v", got[i], want[i])
				break
			}
		}
	}
	if !reflect.DeepEqual(rep.Duplicates, frep.Duplicates) || !reflect.DeepEqual(rep.Skipped, frep.Skipped) ||
		!reflect.DeepEqual(rep.Undeclared, frep.Undeclared) || rep.Articles != frep.Articles || rep.Related != frep.Related {
		t.Errorf("report\n%+v\nwant (full run)\n%+v", rep, frep)
	}
	if len(rep.Duplicates) == 0 || len(rep.Undeclared) == 0 {
		t.Fatalf("no duplicates or undeclared fields reported: the comparison tests nothing (%+v)", rep)
	}
}

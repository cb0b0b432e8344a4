package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wensou/wensou/corpus"
)

// countingWriter counts the documents written, the largest batch and the
// largest live heap seen at a write.
type countingWriter struct {
	mu             sync.Mutex
	docs, maxBatch int
	maxHeap        uint64
	ids            map[string]bool
	batches        int
}

func (w *countingWriter) Put(_ context.Context, docs []corpus.Document) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.docs += len(docs)
	w.maxBatch = max(w.maxBatch, len(docs))
	if w.batches++; w.batches%10 == 0 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		w.maxHeap = max(w.maxHeap, m.HeapAlloc)
	}
	return nil
}

func (w *countingWriter) Delete(context.Context, []string) error { return nil }

// ndjsonBody streams n documents of about 1 KB, lines bad in the map
// replaced by their text.
func ndjsonBody(n int, bad map[int]string) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		body := strings.Repeat("分期购买手机的流程说明。", 30)
		for i := 1; i <= n; i++ {
			line, ok := bad[i]
			if !ok {
				line = fmt.Sprintf(`{"id":"n%d","title":"第%d篇","body":"%s","price":%d}`, i, i, body, i)
			}
			if _, err := io.WriteString(pw, line+"\n"); err != nil {
				return
			}
		}
		pw.Close()
	}()
	return pr
}

// TestNDJSONImport: 100,000 documents (~100 MB) stream through POST
// /api/docs in batches of max_push_docs with the heap bounded far below
// the body's size; bad lines are reported with their numbers and the
// others indexed.
func TestNDJSONImport(t *testing.T) {
	if testing.Short() {
		t.Skip("100k documents")
	}
	w := &countingWriter{}
	base, _ := startHardened(t, Config{AdminKey: testAdminKey, RateLimit: -1, MaxPushDocs: 500,
		FieldTypes: map[string]corpus.FieldType{"price": {Type: "number"}}},
		Deps{Searcher: sampleDeps(t).Searcher, Writer: w})
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	bad := map[int]string{3: `{"id":"x",`, 50001: `{"id":"p","title":"t","price":"cheap"}`, 99999: `{"id":"e"}`}
	req := newReq(t, "POST", base+"/api/docs", ndjsonBody(100000, bad),
		"Authorization", "Bearer "+testAdminKey, "Content-Type", "application/x-ndjson")
	// Its own transport: the tests' default one records (buffers) bodies
	// for the OpenAPI check.
	resp, err := (&http.Client{Timeout: 5 * time.Minute, Transport: &http.Transport{}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var res struct {
		Indexed int `json:"indexed"`
		Errors  []struct {
			Line  int    `json:"line"`
			Error string `json:"error"`
		} `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || resp.StatusCode != 200 {
		t.Fatalf("status %d: %v", resp.StatusCode, err)
	}
	if res.Indexed != 100000-len(bad) || w.docs != res.Indexed {
		t.Errorf("indexed %d, written %d, want %d", res.Indexed, w.docs, 100000-len(bad))
	}
	var lines []int
	for _, e := range res.Errors {
		lines = append(lines, e.Line)
	}
	if fmt.Sprint(lines) != "[3 50001 99999]" || !strings.Contains(res.Errors[1].Error, "field price") {
		t.Errorf("errors %+v, want lines 3, 50001 (field price), 99999", res.Errors)
	}
	if w.maxBatch > 500 {
		t.Errorf("a batch of %d documents, over max_push_docs 500", w.maxBatch)
	}
	grown := int64(w.maxHeap) - int64(before.HeapAlloc)
	if grown > 32<<20 {
		t.Errorf("heap grew by %d MB while importing a ~100 MB body", grown>>20)
	}
	t.Logf("heap before %d MB, at most %d MB at a write", before.HeapAlloc>>20, w.maxHeap>>20)
}

// TestNDJSONErrors: an NDJSON body over max_ndjson_bytes is 413, an
// empty one 400, and one bad line alone 200 with the error.
func TestNDJSONErrors(t *testing.T) {
	w := &countingWriter{}
	base, _ := startHardened(t, Config{AdminKey: testAdminKey, RateLimit: -1, MaxNDJSONBytes: 1000},
		Deps{Searcher: sampleDeps(t).Searcher, Writer: w})
	client := &http.Client{Timeout: 10 * time.Second}
	for _, tt := range []struct {
		body   string
		status int
		code   string
	}{
		{strings.Repeat(`{"id":"a","title":"t"}`+"\n", 100), 413, "body_too_large"},
		{"\n\n", 400, "bad_body"},
		{`{"id":"a"}` + "\n", 200, ""},
		{`{"id":"a","title":"t"}` + "\n", 200, ""},
	} {
		req := newReq(t, "POST", base+"/api/docs", strings.NewReader(tt.body),
			"Authorization", "Bearer "+testAdminKey, "Content-Type", "application/x-ndjson")
		if r := send(t, client, req); r.status != tt.status || r.err.Code != tt.code {
			t.Errorf("%.30q: %d %s, want %d %s", tt.body, r.status, r.err.Code, tt.status, tt.code)
		}
	}
}

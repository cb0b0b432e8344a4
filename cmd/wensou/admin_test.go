package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wensou/wensou/httpapi"
	"github.com/wensou/wensou/indexer"
	"github.com/wensou/wensou/search"
)

const adminKey = "k"

// serveBackend serves b on 127.0.0.1 until the test ends and returns its base URL.
func serveBackend(t *testing.T, b *backend) string {
	t.Helper()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, err := httpapi.New(httpapi.Config{AdminKey: adminKey, Logger: quiet},
		httpapi.Deps{Searcher: b.engine, Writer: b.writable, Admin: b, Generation: b.readers.Name})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
		b.close()
	})
	return "http://" + ln.Addr().String()
}

func call(t *testing.T, method, u string, v any) int {
	t.Helper()
	req, _ := http.NewRequest(method, u, nil)
	req.Header.Set("Authorization", "Bearer "+adminKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	return resp.StatusCode
}

// TestDictionaryReloadWhileServing adds a word to the user dictionary of a
// running server and reloads: segmentation and results change, no restart.
func TestDictionaryReloadWhileServing(t *testing.T) {
	const word = "酷租宝盒"
	tmp := t.TempDir()
	dict := filepath.Join(tmp, "user.dict")
	if err := os.WriteFile(dict, []byte("# none yet\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(tmp, "src")
	os.MkdirAll(src, 0o755)
	b, err := openBackendWith(context.Background(), backendConfig{segment: segCfg(dict)})
	if err != nil {
		t.Fatal(err)
	}
	before := queryWords(b, word)
	if len(before) < 2 {
		t.Fatalf("%s is already one word (%v): pick an unknown one", word, before)
	}
	b.close()
	writeDoc(t, src, "a.txt", word+"测评", word+"是一个租机平台。")
	writeDoc(t, src, "b.txt", "零散的词", strings.Join(before, "，")+"。")
	dir := filepath.Join(tmp, "index")
	d, _ := indexer.OpenDir(dir)
	seg := mustSeg(t, dict)
	if _, _, _, err := d.IndexSources(context.Background(), []string{src}, indexer.SourceOptions{}, seg, indexer.Options{}, true); err != nil {
		t.Fatal(err)
	}
	b, err = openBackendWith(context.Background(), backendConfig{dir: dir, writable: true, segment: segCfg(dict)})
	if err != nil {
		t.Fatal(err)
	}
	base := serveBackend(t, b)
	var res search.Result
	call(t, "GET", base+"/api/search?q="+url.QueryEscape(word), &res)
	if res.Total != 2 {
		t.Fatalf("before reload: %d hits, want 2 (the word's pieces are in both)", res.Total)
	}
	os.WriteFile(dict, []byte(word+" 50000 nz\n"), 0o644)
	var job indexer.Job
	if code := call(t, "POST", base+"/api/admin/dictionary/reload?wait=true", &job); code != 200 || job.State != indexer.JobDone {
		t.Fatalf("reload = %d %+v", code, job)
	}
	var an struct{ Fields []search.FieldTokens }
	call(t, "GET", base+"/api/analyze?text="+url.QueryEscape(word), &an)
	if toks := an.Fields[0].Tokens; len(toks) != 1 || toks[0].Term != word {
		t.Fatalf("after reload the query analysis is %+v, want one word", toks)
	}
	call(t, "GET", base+"/api/search?q="+url.QueryEscape(word), &res)
	if res.Total != 1 || res.Hits[0].Title != word+"测评" || res.Hits[0].TitleHTML != "<mark>"+word+"</mark>测评" {
		t.Fatalf("after reload: %d hits %+v, want only the document with the whole word", res.Total, res.Hits)
	}
}

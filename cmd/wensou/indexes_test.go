package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	idxAdmin  = "server-admin-key-0123456789"
	idxKeyA   = "site-a-search-key-0123456789"
	idxKeyB   = "site-b-search-key-0123456789"
	idxWord   = "鲸落租机"
	idxConfig = `keys:
  - {key: site-a-search-key-0123456789, index: site-a}
  - {key: site-b-search-key-0123456789, index: site-b}
`
)

// call is one request to s with key ("" for none); it returns the status
// and the decoded JSON body.
func (s *server) call(t *testing.T, method, path, key, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, s.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s %s: %d %q is not a JSON object", method, path, resp.StatusCode, b)
	}
	return resp.StatusCode, v
}

// hitIDs are the ids of a search answer's hits.
func hitIDs(v map[string]any) []string {
	var ids []string
	hits, _ := v["hits"].([]any)
	for _, h := range hits {
		if m, ok := h.(map[string]any); ok {
			ids = append(ids, m["id"].(string))
		}
	}
	return ids
}

// analysedWords are the distinct token texts of an /api/analyze answer.
func analysedWords(v map[string]any) []string {
	var out []string
	fields, _ := v["fields"].([]any)
	for _, f := range fields {
		toks, _ := f.(map[string]any)["tokens"].([]any)
		for _, tk := range toks {
			if w, ok := tk.(map[string]any)["text"].(string); ok && !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
	}
	return out
}

// TestSeveralIndexes runs the real server with two named indexes of
// different dictionaries and scoped keys: each index searches its own
// documents with its own analysis, a key for one gets 403 on the other,
// a settings change re-analyses in a job, the indexes survive a restart,
// `index --index-name` feeds a third one the running server opens, and a
// deleted index is gone with its directory.
func TestSeveralIndexes(t *testing.T) {
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "data")
	writeJSONL(t, filepath.Join(tmp, "default.jsonl"), "d", 3, "默认")
	runIndexCmd(t, "--index", dir, filepath.Join(tmp, "default.jsonl"))
	cfg := filepath.Join(tmp, "wensou.yaml")
	if err := os.WriteFile(cfg, []byte(idxConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"--index", dir, "--config", cfg, "--admin-key", idxAdmin, "--rate-limit", "-1"}
	s := startServe(t, args...)

	// Two indexes, a with idxWord in its dictionary.
	if code, v := s.call(t, "PUT", "/api/indexes/site-a", idxAdmin, `{"dictionary":["`+idxWord+` 100000"],"fields":[{"name":"author","facet":true}]}`); code != 201 {
		t.Fatalf("PUT site-a = %d %v, want 201", code, v)
	}
	if code, v := s.call(t, "PUT", "/api/indexes/site-b", idxAdmin, `{}`); code != 201 {
		t.Fatalf("PUT site-b = %d %v, want 201", code, v)
	}
	if code, v := s.call(t, "PUT", "/api/indexes/site-b", idxAdmin, `{ }`); code != 200 {
		t.Fatalf("PUT site-b again = %d %v, want 200", code, v)
	}
	body := `[{"id":"x1","title":"` + idxWord + `平台介绍","body":"` + idxWord + `是一个租机平台。","author":"张三"}]`
	for _, ix := range []string{"site-a", "site-b"} {
		if code, v := s.call(t, "POST", "/api/indexes/"+ix+"/docs", idxAdmin, strings.Replace(body, "x1", ix+"-1", 1)); code != 200 {
			t.Fatalf("push to %s = %d %v", ix, code, v)
		}
	}
	q := "/search?q=" + url.QueryEscape(idxWord)
	if _, v := s.call(t, "GET", "/api/indexes/site-a"+q+"&facets=author", idxKeyA, ""); !slices.Equal(hitIDs(v), []string{"site-a-1"}) {
		t.Errorf("site-a search = %v, want [site-a-1]", v)
	}
	if _, v := s.call(t, "GET", "/api/indexes/site-b"+q, idxKeyB, ""); !slices.Equal(hitIDs(v), []string{"site-b-1"}) {
		t.Errorf("site-b search = %v, want [site-b-1]", v)
	}
	if _, v := s.call(t, "GET", "/api/search?q="+url.QueryEscape("默认"), "", ""); len(hitIDs(v)) != 3 {
		t.Errorf("default search = %v, want its 3 documents", v)
	}

	// Scoped keys.
	for _, c := range []struct {
		path, key string
		want      int
	}{
		{"/api/indexes/site-a" + q, idxKeyB, 403},
		{"/api/indexes/site-b" + q, idxKeyA, 403},
		{"/api/indexes/site-a" + q, "", 401},
		{"/api/search?q=x", idxKeyA, 403},
		{"/api/indexes/site-a" + q, idxAdmin, 200},
		{"/api/indexes", idxKeyA, 403},
	} {
		if code, v := s.call(t, "GET", c.path, c.key, ""); code != c.want {
			t.Errorf("GET %s with %q = %d %v, want %d", c.path, c.key, code, v, c.want)
		}
	}

	// Different dictionaries: a keeps idxWord whole, b does not.
	analyze := "/analyze?text=" + url.QueryEscape(idxWord+"平台")
	if _, v := s.call(t, "GET", "/api/indexes/site-a"+analyze, idxKeyA, ""); !slices.Contains(analysedWords(v), idxWord) {
		t.Errorf("site-a analysis %v lacks %s", analysedWords(v), idxWord)
	}
	if _, v := s.call(t, "GET", "/api/indexes/site-b"+analyze, idxKeyB, ""); slices.Contains(analysedWords(v), idxWord) {
		t.Errorf("site-b analysis %v holds %s without it in its dictionary", analysedWords(v), idxWord)
	}

	// A settings change re-analyses b in a job; b then keeps the word too.
	code, v := s.call(t, "PUT", "/api/indexes/site-b", idxAdmin, `{"dictionary":["`+idxWord+` 100000"]}`)
	job, _ := v["job"].(map[string]any)
	if code != 202 || job == nil {
		t.Fatalf("PUT site-b changed = %d %v, want 202 with a job", code, v)
	}
	waitJob(t, s, "/api/indexes/site-b/admin/jobs/"+job["id"].(string))
	if _, v := s.call(t, "GET", "/api/indexes/site-b"+analyze, idxKeyB, ""); !slices.Contains(analysedWords(v), idxWord) {
		t.Errorf("site-b analysis after the change %v lacks %s", analysedWords(v), idxWord)
	}
	if _, v := s.call(t, "GET", "/api/indexes/site-b"+q, idxKeyB, ""); !slices.Equal(hitIDs(v), []string{"site-b-1"}) {
		t.Errorf("site-b search after re-analysis = %v, want [site-b-1]", v)
	}

	// The indexes survive a restart.
	s.cmd.Process.Signal(os.Interrupt)
	s.cmd.Wait()
	s = startServe(t, args...)
	if _, v := s.call(t, "GET", "/api/indexes/site-a"+q, idxKeyA, ""); !slices.Equal(hitIDs(v), []string{"site-a-1"}) {
		t.Errorf("site-a search after restart = %v", v)
	}
	if _, v := s.call(t, "GET", "/api/indexes", idxAdmin, ""); len(v["indexes"].([]any)) != 3 {
		t.Errorf("GET /api/indexes after restart = %v, want default, site-a, site-b", v)
	}

	// index --index-name feeds a new index the running server opens.
	writeJSONL(t, filepath.Join(tmp, "c.jsonl"), "c", 2, "第三站")
	runIndexCmd(t, "--index", dir, "--index-name", "site-c", filepath.Join(tmp, "c.jsonl"))
	if _, v := s.call(t, "GET", "/api/indexes/site-c/search?q="+url.QueryEscape("第三站"), "", ""); len(hitIDs(v)) != 2 {
		t.Errorf("site-c search = %v, want its 2 documents", v)
	}

	// Delete.
	if code, v := s.call(t, "DELETE", "/api/indexes/site-a", idxAdmin, ""); code != 200 {
		t.Fatalf("DELETE site-a = %d %v", code, v)
	}
	if code, _ := s.call(t, "GET", "/api/indexes/site-a"+q, idxKeyA, ""); code != 404 {
		t.Errorf("site-a after delete = %d, want 404", code)
	}
	if _, err := os.Stat(filepath.Join(dir, indexesDir, "site-a")); !os.IsNotExist(err) {
		t.Errorf("site-a's directory after delete: %v", err)
	}
}

// waitJob polls a job until it is done, failing the test if it failed.
func waitJob(t *testing.T, s *server, path string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		_, v := s.call(t, "GET", path, idxAdmin, "")
		switch v["state"] {
		case "done":
			return
		case "failed":
			t.Fatalf("job %s failed: %v", path, v)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("job %s not done in 60 s", path)
}

package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
	"github.com/wensou/wensou/search"
	"github.com/wensou/wensou/segment"
)

// memIndex is an in-memory index of docs, writable.
func memIndex(t testing.TB, docs []corpus.Document) Index {
	t.Helper()
	seg, err := segment.New(segment.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan corpus.Document, len(docs))
	for _, d := range docs {
		ch <- d
	}
	close(ch)
	w, _, err := indexer.Memory(context.Background(), ch, seg, indexer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	x, err := indexer.NewMemoryWritable(w, func() indexer.Analyzers { return seg })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	e := search.New(x.Readers(), func() search.Analysis { return seg }, search.Config{Cache: search.CacheConfig{Disabled: true}})
	return Index{Deps: Deps{Searcher: e, Writer: x, Admin: testAdmin{e}, Generation: x.Readers().Name}}
}

// fakeIndexes is an Indexes over fixed in-memory indexes; Put and
// Delete only record what they were asked.
type fakeIndexes struct {
	mu sync.Mutex
	m  map[string]Index
}

func (f *fakeIndexes) Index(name string) (Index, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ix, ok := f.m[name]
	if !ok {
		return Index{}, fmt.Errorf("%w: %s", ErrIndexNotFound, name)
	}
	return ix, nil
}

func (f *fakeIndexes) List(ctx context.Context) ([]IndexInfo, error) {
	return []IndexInfo{{Name: "default"}, {Name: "a"}, {Name: "b"}}, nil
}

func (f *fakeIndexes) Info(ctx context.Context, name string) (IndexInfo, error) {
	if _, err := f.Index(name); err != nil {
		return IndexInfo{}, err
	}
	return IndexInfo{Name: name, Settings: json.RawMessage(`{}`)}, nil
}

func (f *fakeIndexes) Put(ctx context.Context, name string, settings []byte) (IndexInfo, PutResult, error) {
	if _, err := f.Index(name); err != nil {
		return IndexInfo{Name: name}, PutCreated, nil
	}
	return IndexInfo{Name: name}, PutSame, nil
}

func (f *fakeIndexes) Delete(ctx context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.m[name]; !ok {
		return fmt.Errorf("%w: %s", ErrIndexNotFound, name)
	}
	delete(f.m, name)
	return nil
}

const (
	keyA      = "site-a-search-key-0123456789"
	keyAAdmin = "site-a-admin-key-0123456789"
	keyB      = "site-b-search-key-0123456789"
)

// TestIndexKeys: a key scoped to index a reads (or, as an admin key,
// writes) a only: 403 key_scope on b and on the default index, even
// where those need no key; a named index with a scoped search key needs
// a key; managing indexes needs the server-wide admin key; each index
// answers from its own documents.
func TestIndexKeys(t *testing.T) {
	a := memIndex(t, []corpus.Document{{ID: "a1", Title: "春晓", Body: "春眠不觉晓，处处闻啼鸟。"}})
	b := memIndex(t, []corpus.Document{{ID: "b1", Title: "静夜思", Body: "床前明月光，疑是地上霜。"}})
	deps := sampleDeps(t)
	deps.Indexes = &fakeIndexes{m: map[string]Index{"a": a, "b": b}}
	cfg := Config{AdminKey: keysAdmin, RateLimit: -1, Keys: []ScopedKey{
		{Key: keyA, Index: "a"}, {Key: keyAAdmin, Index: "a", Admin: true}, {Key: keyB, Index: "b"}}}
	base, _ := startHardened(t, cfg, deps)
	doc := `[{"id":"n1","title":"新文章","body":"内容"}]`
	tests := []struct {
		name, method, path, key, body string
		want                          int
		code                          string
	}{
		{"a without key", "GET", "/api/indexes/a/search?q=" + pq("春眠"), "", "", 401, "missing_key"},
		{"a with its key", "GET", "/api/indexes/a/search?q=" + pq("春眠"), keyA, "", 200, ""},
		{"a with its admin key", "GET", "/api/indexes/a/stats", keyAAdmin, "", 200, ""},
		{"a with b's key", "GET", "/api/indexes/a/search?q=" + pq("春眠"), keyB, "", 403, "key_scope"},
		{"b with a's key", "GET", "/api/indexes/b/docs/b1", keyA, "", 403, "key_scope"},
		{"open default with a's key", "GET", "/api/search?q=" + pq("注销"), keyA, "", 403, "key_scope"},
		{"open default via indexes with a's key", "GET", "/api/indexes/default/search?q=" + pq("注销"), keyA, "", 403, "key_scope"},
		{"open default without key", "GET", "/api/indexes/default/search?q=" + pq("注销"), "", "", 200, ""},
		{"a with the server admin key", "GET", "/api/indexes/a/suggest?q=" + pq("春"), keysAdmin, "", 200, ""},
		{"write a with a's search key", "POST", "/api/indexes/a/docs", keyA, doc, 403, "key_scope"},
		{"write a with a's admin key", "POST", "/api/indexes/a/docs", keyAAdmin, doc, 200, ""},
		{"write b with a's admin key", "POST", "/api/indexes/b/docs", keyAAdmin, doc, 403, "key_scope"},
		{"write default with a's admin key", "POST", "/api/docs", keyAAdmin, doc, 403, "key_scope"},
		{"manage with a's admin key", "PUT", "/api/indexes/a", keyAAdmin, "{}", 403, "wrong_key"},
		{"list without key", "GET", "/api/indexes", "", "", 401, "missing_key"},
		{"list with the admin key", "GET", "/api/indexes", keysAdmin, "", 200, ""},
		{"unknown index", "GET", "/api/indexes/zzz/search?q=x", keysAdmin, "", 404, "index_not_found"},
		{"unknown route of an index", "GET", "/api/indexes/a/nothing", keyA, "", 404, "no_route"},
		{"put the default index", "PUT", "/api/indexes/default", keysAdmin, "{}", 400, "bad_index"},
		{"create", "PUT", "/api/indexes/c", keysAdmin, "{}", 201, ""},
		{"same settings", "PUT", "/api/indexes/a", keysAdmin, "{}", 200, ""},
	}
	client := &http.Client{Timeout: 10 * time.Second}
	for _, tt := range tests {
		var body io.Reader
		if tt.body != "" {
			body = strings.NewReader(tt.body)
		}
		req := newReq(t, tt.method, base+tt.path, body, "Content-Type", "application/json")
		if tt.key != "" {
			req.Header.Set("Authorization", "Bearer "+tt.key)
		}
		got := send(t, client, req)
		if got.status != tt.want || got.err.Code != tt.code || !got.isJSON {
			t.Errorf("%s: %s %s = %d %q (JSON %v), want %d %q", tt.name, tt.method, tt.path, got.status, got.err.Code, got.isJSON, tt.want, tt.code)
		}
	}
	// Each index answers from its own documents.
	for _, c := range []struct{ index, key, q, want string }{{"a", keyA, "春眠", "a1"}, {"b", keyB, "明月", "b1"}, {"b", keyB, "春眠", ""}} {
		req := newReq(t, "GET", base+"/api/indexes/"+c.index+"/search?q="+pq(c.q), nil, "Authorization", "Bearer "+c.key)
		got := send(t, client, req)
		var res struct{ Hits []struct{ ID string } }
		if err := json.Unmarshal(got.body, &res); err != nil || got.status != 200 {
			t.Fatalf("search %s %s: %d %s", c.index, c.q, got.status, got.body)
		}
		first := ""
		if len(res.Hits) > 0 {
			first = res.Hits[0].ID
		}
		if first != c.want {
			t.Errorf("search %s for %s: first hit %q, want %q", c.index, c.q, first, c.want)
		}
	}
}

// TestIndexKeysReload: scoped keys come with the reloadable keys; a key
// removed by Reload stops working at once.
func TestIndexKeysReload(t *testing.T) {
	deps := sampleDeps(t)
	deps.Indexes = &fakeIndexes{m: map[string]Index{"a": memIndex(t, nil)}}
	base, srv := startHardened(t, Config{AdminKey: keysAdmin, RateLimit: -1, Keys: []ScopedKey{{Key: keyA, Index: "a"}}}, deps)
	client := &http.Client{Timeout: 10 * time.Second}
	status := func() int {
		return send(t, client, newReq(t, "GET", base+"/api/indexes/a/stats", nil, "Authorization", "Bearer "+keyA)).status
	}
	if got := status(); got != 200 {
		t.Fatalf("scoped key before reload: %d, want 200", got)
	}
	srv.Reload(Dynamic{AdminKey: keysAdmin, RateLimit: -1, Keys: []ScopedKey{{Key: keyB, Index: "a"}}})
	if got := status(); got != 403 {
		t.Fatalf("removed scoped key after reload: %d, want 403", got)
	}
}

// FuzzIndexPaths: whatever follows /api/indexes/, the answer is JSON and
// never a 5xx, and no path reaches an index other than the one it names
// (a key for a never gets b's documents).
func FuzzIndexPaths(f *testing.F) {
	for _, p := range []string{"a/search?q=x", "b/docs/b1", "a/../b/docs/b1", "a%2F..%2Fb/docs/b1", "default/stats",
		"a/docs/%2e%2e%2fb1", "../api/search", "a//search", "a/search/", "%00/stats", "a/admin/jobs/x"} {
		f.Add(p)
	}
	a := memIndex(f, nil)
	b := memIndex(f, []corpus.Document{{ID: "b1", Title: "静夜思", Body: "床前明月光"}})
	deps := sampleDeps(f)
	deps.Indexes = &fakeIndexes{m: map[string]Index{"a": a, "b": b}}
	srv, err := New(Config{Logger: quietLogger(), RateLimit: -1, MaxInFlight: -1, AdminKey: keysAdmin,
		Keys: []ScopedKey{{Key: keyA, Index: "a"}}}, deps)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, rest string) {
		req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1/api/indexes/"+rest, nil)
		if err != nil {
			return
		}
		req.Header.Set("Authorization", "Bearer "+keyA)
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		if rec.Code >= 500 || !json.Valid(rec.Body.Bytes()) && rec.Code != http.StatusMovedPermanently && rec.Code != http.StatusTemporaryRedirect {
			t.Fatalf("GET /api/indexes/%s: %d %q", rest, rec.Code, rec.Body)
		}
		if rec.Code == http.StatusOK && strings.Contains(rec.Body.String(), "床前明月光") {
			t.Fatalf("GET /api/indexes/%s with a's key read b: %s", rest, rec.Body)
		}
	})
}

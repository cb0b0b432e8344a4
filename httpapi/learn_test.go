package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
	"github.com/wensou/wensou/search"
	"github.com/wensou/wensou/segment"
)

// freshEngine is an engine of its own over the sample (its query log
// starts empty).
func freshEngine(t *testing.T) *search.Engine {
	t.Helper()
	seg, err := segment.New(segment.Config{})
	if err != nil {
		t.Fatal(err)
	}
	docs, err := corpus.Sample()
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
	t.Cleanup(func() { _ = x.Close() })
	return search.New(x.Readers(), func() search.Analysis { return seg }, search.Config{})
}

// TestSuggestionPoisoningHTTP: two anonymous searches of a spam query do
// not make it a suggestion; a query searched by three clients (on the API
// or the page) becomes one; a denied one never does.
func TestSuggestionPoisoningHTTP(t *testing.T) {
	base, _ := startHardened(t, Config{RateLimit: -1, TrustedProxies: []string{"127.0.0.1"}, SuggestDeny: []string{"内部额度"}},
		Deps{Searcher: freshEngine(t)})
	client := &http.Client{Timeout: 10 * time.Second}
	searchAs := func(path, ip string) {
		req := newReq(t, "GET", base+path, nil, "X-Forwarded-For", ip)
		if r := send(t, client, req); r.status != 200 {
			t.Fatalf("%s: %d", path, r.status)
		}
	}
	suggestions := func() []string {
		r := send(t, client, newReq(t, "GET", base+"/api/suggest?q="+pq("注销"), nil))
		var v struct{ Suggestions []search.Suggestion }
		if err := json.Unmarshal(r.body, &v); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range v.Suggestions {
			if s.Kind == "query" {
				out = append(out, s.Text)
			}
		}
		return out
	}
	spam := "注销 加微信rtspam888领取内部额度"
	for range 2 {
		searchAs("/api/search?q="+pq(spam), "")
	}
	for _, ip := range []string{"192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"} {
		searchAs("/api/search?q="+pq("注销 领取内部额度"), ip) // denied
		searchAs("/api/search?q="+pq(spam), ip)        // contact details
	}
	if got := suggestions(); len(got) != 0 {
		t.Fatalf("suggestions for 注销 after spam = %q, want none learned", got)
	}
	searchAs("/api/search?q="+pq("注销 网贷"), "192.0.2.1")
	searchAs("/?q="+pq("注销 网贷"), "192.0.2.2")
	if got := suggestions(); len(got) != 0 {
		t.Fatalf("after 2 clients: %q, want none yet", got)
	}
	searchAs("/?q="+pq("注销 网贷"), "192.0.2.3")
	if got := suggestions(); len(got) != 1 || got[0] != "注销 网贷" {
		t.Fatalf("after 3 clients: %q, want [注销 网贷]", got)
	}
}

package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/search"
)

// FuzzSearchDates: whatever the date filters, a search over the real
// sample index answers 200 or 400, never a 5xx (the index holds int64
// nanoseconds; dates outside its range once answered 500).
func FuzzSearchDates(f *testing.F) {
	for _, s := range [][2]string{{"9999-12-31", ""}, {"0001-01-01", ""}, {"1600-01-01", "1677-09-21"},
		{"2263-01-01", ""}, {"", "2300-01-01"}, {"0000-01-01", "9999-12-31"}, {"2025-06-22", "2025-06-22"}, {"2025-13-01", ""}} {
		f.Add(s[0], s[1])
	}
	srv, err := New(Config{Logger: quietLogger(), RateLimit: -1, MaxInFlight: -1}, sampleDeps(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, from, to string) {
		for _, path := range []string{"/api/search", "/"} {
			v := url.Values{"q": {"注销"}, "from": {from}, "to": {to}, "sort": {"date"}}
			rec := httptest.NewRecorder()
			srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path+"?"+v.Encode(), nil))
			if rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest {
				t.Fatalf("%s from=%q to=%q: %d %s", path, from, to, rec.Code, rec.Body)
			}
		}
	})
}

// echoSearcher's Document returns a document with the id it was asked for.
type echoSearcher struct{ stubSearcher }

func (echoSearcher) Document(_ context.Context, id string) (corpus.Document, error) {
	return corpus.Document{ID: id}, nil
}

// FuzzDocPath: every id corpus.CheckID accepts reaches the handler intact
// through /api/docs/{url.PathEscape(id)}.
func FuzzDocPath(f *testing.F) {
	for _, id := range append(addressableIDs, "+", "%", "%25", "a?b", "a#b", "a;b", "  ", "...") {
		f.Add(id)
	}
	srv, err := New(Config{Logger: quietLogger(), RateLimit: -1}, Deps{Searcher: echoSearcher{stubSearcher{&search.Result{}}}})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if corpus.CheckID(id) != nil {
			return
		}
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/api/docs/"+url.PathEscape(id), nil)
		srv.Handler().ServeHTTP(rec, req)
		var d corpus.Document
		if rec.Code != http.StatusOK || decodeJSON(rec.Body.Bytes(), &d) != nil || d.ID != id {
			t.Fatalf("id %q: %d %s", id, rec.Code, rec.Body)
		}
	})
}

func decodeJSON(b []byte, v any) error { return json.Unmarshal(b, v) }

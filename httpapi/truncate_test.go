package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
	"github.com/wensou/wensou/search"
	"github.com/wensou/wensou/segment"
)

// TestPushTruncated: a pushed body over indexer.MaxAnalyzedBytes is
// accepted and stored whole, searchable in its analysed part only, and
// both push forms (JSON, NDJSON) name it under "truncated".
func TestPushTruncated(t *testing.T) {
	seg, err := segment.New(segment.Config{})
	if err != nil {
		t.Fatal(err)
	}
	w, _, err := indexer.Memory(context.Background(), feedDocs(corpus.Document{ID: "seed", Title: "种子", Body: "种子文章。"}), seg, indexer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	x, err := indexer.NewMemoryWritable(w, func() indexer.Analyzers { return seg })
	if err != nil {
		t.Fatal(err)
	}
	engine := search.New(x.Readers(), func() search.Analysis { return seg }, search.Config{Cache: search.CacheConfig{Disabled: true}})
	base, _ := startHardened(t, Config{AdminKey: abuseAdminKey, MaxBodyBytes: 8 << 20, RateLimit: -1},
		Deps{Searcher: engine, Writer: x, Generation: x.Readers().Name})
	filler := strings.Repeat("天地玄黄宇宙洪荒日月盈昃辰宿列张。\n", indexer.MaxAnalyzedBytes/51+1000)
	body := "开头的独特词语鸳鸯蝴蝶。\n" + filler + "结尾的独特词语麒麟凤凰。"
	doc := func(id string) string {
		b, _ := json.Marshal(map[string]string{"id": id, "title": "很长的文章" + id, "body": body})
		return string(b)
	}
	for _, tt := range []struct{ id, contentType, body string }{
		{"long-json", "application/json", doc("long-json")},
		{"long-ndjson", "application/x-ndjson", `{"id":"short","title":"短文","body":"短。"}` + "\n" + doc("long-ndjson") + "\n"},
	} {
		req, _ := http.NewRequest("POST", base+"/api/docs", strings.NewReader(tt.body))
		req.Header.Set("Authorization", "Bearer "+abuseAdminKey)
		req.Header.Set("Content-Type", tt.contentType)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var v struct {
			Truncated []truncation `json:"truncated"`
		}
		if err := json.Unmarshal(b, &v); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", tt.id, resp.StatusCode, b)
		}
		want := []truncation{{ID: tt.id, Bytes: len(body), Analysed: len(indexer.Analysed(body))}}
		if fmt.Sprint(v.Truncated) != fmt.Sprint(want) || want[0].Analysed > indexer.MaxAnalyzedBytes {
			t.Errorf("%s: truncated %+v, want %+v", tt.id, v.Truncated, want)
		}
	}
	resp, err := http.Get(base + "/api/docs/long-json")
	if err != nil {
		t.Fatal(err)
	}
	var stored corpus.Document
	err = json.NewDecoder(resp.Body).Decode(&stored)
	resp.Body.Close()
	if err != nil || stored.Body != body {
		t.Errorf("GET /api/docs/long-json: body of %d bytes (%v), want the whole %d", len(stored.Body), err, len(body))
	}
	for _, q := range []struct {
		text string
		hits uint64
	}{{"鸳鸯蝴蝶", 2}, {"麒麟凤凰", 0}} {
		resp, err := http.Get(base + "/api/search?q=" + url.QueryEscape(q.text))
		if err != nil {
			t.Fatal(err)
		}
		var res search.Result
		err = json.NewDecoder(resp.Body).Decode(&res)
		resp.Body.Close()
		if err != nil || res.Total != q.hits {
			t.Errorf("%s: %d hits (%v), want %d: the analysed part only", q.text, res.Total, err, q.hits)
		}
	}
}

func feedDocs(docs ...corpus.Document) <-chan corpus.Document {
	ch := make(chan corpus.Document, len(docs))
	for _, d := range docs {
		ch <- d
	}
	close(ch)
	return ch
}

package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const fieldsConfig = `fields:
  - {name: author, type: text, searchable: true, weight: 2, filterable: true, facet: true}
  - {name: tags, type: keyword, multi: true, filterable: true, facet: true}
  - {name: price, type: number, filterable: true, sortable: true}
  - {name: updated, type: date, filterable: true, sortable: true}
`

// writeShop writes 30 products: author 作者I%3, tags 分期 (even), 租机
// (i%3 == 0), price 10*i, updated day i of 2025-01.
func writeShop(t *testing.T, path string) {
	t.Helper()
	var b strings.Builder
	for i := range 30 {
		tags := []string{}
		if i%2 == 0 {
			tags = append(tags, `"分期"`)
		}
		if i%3 == 0 {
			tags = append(tags, `"租机"`)
		}
		fmt.Fprintf(&b, `{"id":"p%d","title":"手机商品%d","body":"手机商品说明","author":"作者%d","tags":[%s],"price":%d,"updated":"2025-01-%02d"}`+"\n",
			i, i, i%3, strings.Join(tags, ","), 10*i, i+1)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestFieldsOverHTTP indexes a JSONL with author, tags and price through
// `wensou index --config` and filters, facets and sorts it through the
// real server's GET /api/search.
func TestFieldsOverHTTP(t *testing.T) {
	tmp := t.TempDir()
	src, cfg, dir := filepath.Join(tmp, "shop.jsonl"), writeFile(t, "wensou.yaml", fieldsConfig), filepath.Join(tmp, "idx")
	writeShop(t, src)
	runIndexCmd(t, "--config", cfg, "--index", dir, src)
	s := startServe(t, "--config", cfg, "--index", dir)
	tests := []struct {
		name   string
		params string
		total  int
		first  string
	}{
		{"unfiltered", "", 30, ""},
		{"keyword", "&filter=" + url.QueryEscape("tags:租机"), 10, ""},
		{"any of", "&filter=" + url.QueryEscape("tags:(分期 OR 租机)"), 20, ""},
		{"text exact", "&filter=" + url.QueryEscape("author:作者1"), 10, ""},
		{"range", "&filter=" + url.QueryEscape("price:[100 TO 150]"), 6, ""},
		{"open range", "&filter=" + url.QueryEscape("price:[* TO 20]"), 3, ""},
		{"date range", "&filter=" + url.QueryEscape("updated:[2025-01-01 TO 2025-01-05]"), 5, ""},
		{"three ANDed", "&filter=" + url.QueryEscape("tags:分期") + "&filter=" + url.QueryEscape("author:作者0") +
			"&filter=" + url.QueryEscape("price:[0 TO 200]"), 4, ""},
		{"sort asc", "&sort=price:asc", 30, "p0"},
		{"sort desc", "&sort=price:desc", 30, "p29"},
		{"sort date", "&sort=updated:desc&filter=" + url.QueryEscape("tags:租机"), 10, "p27"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, v := getJSON(t, s.base+"/api/search?q="+url.QueryEscape("手机")+tt.params)
			if code != 200 {
				t.Fatalf("status %d: %v", code, v)
			}
			if got := int(v["total"].(float64)); got != tt.total {
				t.Errorf("total %d, want %d", got, tt.total)
			}
			if tt.first != "" {
				if id := v["hits"].([]any)[0].(map[string]any)["id"]; id != tt.first {
					t.Errorf("first hit %v, want %s", id, tt.first)
				}
			}
		})
	}
	t.Run("facets", func(t *testing.T) {
		_, v := getJSON(t, s.base+"/api/search?q="+url.QueryEscape("手机")+"&facets=author,tags&filter="+url.QueryEscape("price:[0 TO 90]"))
		f := v["facets"].(map[string]any)
		want := map[string]map[string]float64{"author": {"作者0": 4, "作者1": 3, "作者2": 3}, "tags": {"分期": 5, "租机": 4}}
		for name, counts := range want {
			got := f[name].(map[string]any)
			for k, n := range counts {
				if got[k] != n {
					t.Errorf("facets.%s[%s] = %v, want %v (all %v)", name, k, got[k], n, got)
				}
			}
		}
		if _, ok := f["kind"]; !ok {
			t.Error("kind facet missing")
		}
	})
	t.Run("page", func(t *testing.T) {
		resp, err := http.Get(s.base + "/?q=" + url.QueryEscape("手机") + "&filter=" + url.QueryEscape("tags:租机"))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		page := string(b)
		for _, want := range []string{`data-field="author"`, `data-field="tags"`, `filter=tags%3A%E7%A7%9F%E6%9C%BA&amp;filter=author%3A%E4%BD%9C%E8%80%850`} {
			if !strings.Contains(page, want) {
				t.Errorf("the page lacks %s", want)
			}
		}
	})
	for _, bad := range []struct{ params, code string }{
		{"&filter=" + url.QueryEscape("nope:1"), "unknown_field"},
		{"&filter=" + url.QueryEscape("price:[1 TO"), "bad_filter"},
		{"&filter=" + url.QueryEscape("tags:[1 TO 2]"), "bad_filter"},
		{"&filter=" + url.QueryEscape("price"), "bad_filter"},
		{"&facets=price", "unknown_field"},
		{"&sort=author:asc", "unknown_field"},
		{"&sort=price:up", "bad_filter"},
	} {
		code, v := getJSON(t, s.base+"/api/search?q="+url.QueryEscape("手机")+bad.params)
		e, _ := v["error"].(map[string]any)
		if code != 400 || e["code"] != bad.code {
			t.Errorf("%s: %d %v, want 400 %s", bad.params, code, v, bad.code)
		}
	}
}

package corpus

import (
	"io/fs"
	"reflect"
	"testing"
	"time"
)

const (
	seedHTML = "how-to-close-online-loan-account.html"
	seedGBK  = "how-to-close-online-loan-account.gbk.html"
	seedTXT  = "how-to-close-online-loan-account.txt"
	twice    = "租机宝短信真实性解析"
)

func readSample(t testing.TB, name string) []byte {
	t.Helper()
	data, err := fs.ReadFile(SampleFS(), name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestSample(t *testing.T) {
	docs, err := Sample()
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 100 {
		t.Fatalf("Sample: %d documents, want 100", len(docs))
	}
	a := docs[0]
	if a.Kind != KindArticle || a.ID != "article-1000" || a.URL != "https://www.example.cn/article/1000.html" {
		t.Errorf("article = %s %s %s", a.Kind, a.ID, a.URL)
	}
	for _, d := range docs[1:] {
		if d.Kind != KindRelated || d.Body != "" || !d.Published.IsZero() || d.Source != a.Source || len(d.ID) != 18 {
			t.Errorf("related document %+v", d)
		}
	}
}

// TestSampleForms checks the three forms of the sample article: 100
// documents each after Expand, the twice-listed title once, the publish
// time, and GBK == UTF-8.
func TestSampleForms(t *testing.T) {
	want := time.Date(2025, 6, 22, 16, 15, 29, 0, time.FixedZone("", 8*3600))
	var parsed []Document
	for _, name := range []string{seedHTML, seedGBK, seedTXT} {
		t.Run(name, func(t *testing.T) {
			d, err := ParseFile(name, readSample(t, name), Options{})
			if err != nil {
				t.Fatal(err)
			}
			parsed = append(parsed, d)
			if !d.Published.Equal(want) || d.Published.Format(time.RFC3339) != "2025-06-22T16:15:29+08:00" {
				t.Errorf("published = %v", d.Published)
			}
			if d.Title != "如何注销网贷账户?完整的步骤解析" {
				t.Errorf("title = %q", d.Title)
			}
			if len(d.Headings) != 6 {
				t.Errorf("headings = %q", d.Headings)
			}
			docs := Expand([]Document{d})
			if len(docs) != 100 {
				t.Errorf("Expand: %d documents, want 100", len(docs))
			}
			n := 0
			for _, x := range docs {
				if x.Title == twice {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%s: %d documents", twice, n)
			}
		})
	}
	if len(parsed) != 3 {
		t.FailNow()
	}
	h, g := parsed[0], parsed[1]
	h.Source, h.Hash, g.Source, g.Hash = "", "", "", ""
	if !reflect.DeepEqual(h, g) {
		t.Errorf("GBK page differs from UTF-8 page:\n%+v\n%+v", g, h)
	}
	if parsed[2].Body != h.Body {
		t.Errorf("text body differs from HTML body")
	}
}

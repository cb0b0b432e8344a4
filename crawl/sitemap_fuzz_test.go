package crawl

import (
	"strings"
	"testing"
)

// FuzzParseSitemap: any input parses or fails with an error, never panics,
// and every entry kept has a non-empty, trimmed loc.
func FuzzParseSitemap(f *testing.F) {
	f.Add(`<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://a/1</loc><lastmod>2025-06-22</lastmod></url></urlset>`)
	f.Add(`<sitemapindex><sitemap><loc> https://a/s1.xml </loc></sitemap></sitemapindex>`)
	f.Add(`<urlset><url><loc></loc></url><url>`)
	f.Add(`<html></html>`)
	f.Fuzz(func(t *testing.T, in string) {
		sm, err := ParseSitemap(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, e := range append(sm.URLs, sm.Sitemaps...) {
			if e.Loc == "" || e.Loc != strings.TrimSpace(e.Loc) {
				t.Fatalf("bad loc %q", e.Loc)
			}
		}
	})
}

func TestParseSitemap(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		urls     int
		sitemaps int
		lastmod  bool
		wantErr  bool
	}{
		{"urlset", `<urlset><url><loc>https://a/1</loc><lastmod>2025-06-22T10:00:00+08:00</lastmod></url><url><loc>https://a/2</loc></url></urlset>`, 2, 0, true, false},
		{"index", `<sitemapindex><sitemap><loc>https://a/s1.xml</loc></sitemap><sitemap><loc>https://a/s2.xml</loc></sitemap></sitemapindex>`, 0, 2, false, false},
		{"empty loc dropped", `<urlset><url><loc> </loc></url></urlset>`, 0, 0, false, false},
		{"not a sitemap", `<html><body/></html>`, 0, 0, false, true},
		{"empty", ``, 0, 0, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sm, err := ParseSitemap(strings.NewReader(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if len(sm.URLs) != tt.urls || len(sm.Sitemaps) != tt.sitemaps {
				t.Fatalf("got %d urls %d sitemaps", len(sm.URLs), len(sm.Sitemaps))
			}
			if tt.lastmod && sm.URLs[0].LastMod.IsZero() {
				t.Fatal("lastmod not parsed")
			}
		})
	}
}

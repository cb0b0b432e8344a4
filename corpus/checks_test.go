package corpus

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestCheckPublished(t *testing.T) {
	tests := []struct {
		published string
		ok        bool
	}{
		{"1678-01-01T00:00:00Z", true},
		{"1678-01-01", false}, // midnight +08:00 is 1677-12-31 UTC
		{"1677-09-22T00:00:00Z", false},
		{"2025-06-22 16:15:29", true},
		{"2261-12-31T23:59:59Z", true},
		{"2262-01-01T00:00:00Z", false},
		{"0001-01-01", false},
		{"1500-01-01", false},
		{"2500-01-01", false},
		{"9999-12-31T23:59:59Z", false},
	}
	for _, tt := range tests {
		_, err := DecodeJSON([]byte(`{"id":"d","title":"t","published":"`+tt.published+`"}`), Options{})
		if tt.ok != (err == nil) || (err != nil && !errors.Is(err, ErrDateRange)) {
			t.Errorf("published %s: err %v, want ok=%v or ErrDateRange", tt.published, err, tt.ok)
		}
	}
	if err := CheckPublished(time.Time{}); err != nil {
		t.Errorf("zero time: %v, want nil (no date)", err)
	}
}

// TestPublishedMetaOutOfRange: a page whose metadata gives a date the
// index cannot hold is parsed as undated, not refused.
func TestPublishedMetaOutOfRange(t *testing.T) {
	page := `<html><head><meta property="article:published_time" content="9999-01-01T00:00:00Z"></head><body><article><h1>标题</h1><p>正文</p></article></body></html>`
	d, err := ParseHTML([]byte(page), Options{})
	if err != nil || !d.Published.IsZero() {
		t.Fatalf("ParseHTML = %v published %v, want undated", err, d.Published)
	}
}

func TestCheckID(t *testing.T) {
	tests := []struct {
		id string
		ok bool
	}{
		{"article-1000", true}, {"news/2025/1", true}, {"../x", true}, {"a/../b", true},
		{"注销/1", true}, {"a/", true}, {"/a", true}, {"a b", true}, {"a+b", true}, {"%2F", true},
		{"...", true}, {strings.Repeat("x", MaxIDBytes), true},
		{"", false}, {".", false}, {"..", false}, {"a\x00b", false}, {"a\nb", false}, {"\x7f", false},
		{"a\u0085b", false}, {"\xff", false}, {strings.Repeat("x", MaxIDBytes+1), false},
	}
	for _, tt := range tests {
		err := CheckID(tt.id)
		if tt.ok != (err == nil) || (err != nil && !errors.Is(err, ErrBadID)) {
			t.Errorf("CheckID(%q) = %v, want ok=%v", tt.id, err, tt.ok)
		}
	}
}

// FuzzPublished: a document's published date is accepted only inside the
// bounds the index holds exactly.
func FuzzPublished(f *testing.F) {
	for _, s := range []string{"2025-06-22", "0001-01-01", "9999-12-31T23:59:59Z", "1677-09-21", "2262-04-12",
		"1678-01-01T00:00:00+14:00", "2261-12-31T23:59:59-12:00", "2025年6月22日", "Mon, 02 Jan 2006 15:04:05 -0700"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, published string) {
		raw, _ := json.Marshal(map[string]string{"id": "d", "title": "t", "published": published})
		d, err := DecodeJSON(raw, Options{})
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v is not ErrMalformed", err)
			}
			return
		}
		if err := CheckPublished(d.Published); err != nil {
			t.Fatalf("accepted %q as %v: %v", published, d.Published, err)
		}
		if !d.Published.IsZero() && d.Published.UnixNano()/1e9 != d.Published.Unix() {
			t.Fatalf("accepted %q as %v, which overflows int64 nanoseconds", published, d.Published)
		}
	})
}

// FuzzID: every id a document may carry survives a round trip through a
// percent-encoded path segment.
func FuzzID(f *testing.F) {
	for _, s := range append([]string{".", "..", "", "a\x00", "%zz", "+", " a "}, "news/2025/1", "../x", "注销/1") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		raw, _ := json.Marshal(map[string]string{"id": id, "title": "t"})
		d, err := DecodeJSON(raw, Options{})
		if err != nil {
			return
		}
		seg := url.PathEscape(d.ID)
		if strings.Contains(seg, "/") || seg == "." || seg == ".." {
			t.Fatalf("id %q escapes to %q, not one segment", d.ID, seg)
		}
		if back, err := url.PathUnescape(seg); err != nil || back != d.ID {
			t.Fatalf("id %q: %q unescapes to %q, %v", d.ID, seg, back, err)
		}
	})
}

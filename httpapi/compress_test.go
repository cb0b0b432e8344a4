package httpapi

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestGzip: JSON and the page are gzipped when the client asks, not
// otherwise; bodies under 1 KB (a short result, errors) go out plain; the
// metrics handler is left alone.
func TestGzip(t *testing.T) {
	tests := []struct {
		path, acceptEncoding string
		wantGzip             bool
		wantType             string
	}{
		{"/api/search?q=" + url.QueryEscape("分期 手机"), "gzip", true, "application/json"},
		{"/api/search?q=" + url.QueryEscape("分期 手机"), "gzip, deflate, br", true, "application/json"},
		{"/api/search?q=" + url.QueryEscape("分期 手机"), "identity", false, "application/json"},
		{"/api/search?q=" + url.QueryEscape("注销"), "gzip", false, "application/json"}, // 784 bytes
		{"/?q=" + url.QueryEscape("注销"), "gzip", true, "text/html"},
		{"/widget.js", "gzip", true, "javascript"},
		{"/api/openapi.json", "gzip", true, "application/json"},
		{"/api/search?q=", "gzip", false, "application/json"}, // 400
	}
	for _, tt := range tests {
		t.Run(tt.path+" "+tt.acceptEncoding, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, base+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Accept-Encoding", tt.acceptEncoding) // set by hand: the transport does not decompress
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if got := resp.Header.Get("Content-Encoding") == "gzip"; got != tt.wantGzip {
				t.Fatalf("Content-Encoding %q, want gzip: %v", resp.Header.Get("Content-Encoding"), tt.wantGzip)
			}
			if !strings.Contains(resp.Header.Get("Content-Type"), tt.wantType) {
				t.Errorf("Content-Type %q, want %s", resp.Header.Get("Content-Type"), tt.wantType)
			}
			body := io.Reader(resp.Body)
			if tt.wantGzip {
				if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
					t.Errorf("Vary %q", resp.Header.Get("Vary"))
				}
				zr, err := gzip.NewReader(resp.Body)
				if err != nil {
					t.Fatal(err)
				}
				body = zr
			}
			b, err := io.ReadAll(body)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			if strings.HasPrefix(tt.wantType, "application/json") && !json.Valid(b) {
				t.Errorf("body is not JSON: %.200q", b)
			}
		})
	}
}

func TestCompressionSkipsMetrics(t *testing.T) {
	for path, want := range map[string]bool{"/metrics": false, "/debug/pprof/": false, "/api/search": true, "/": true} {
		req, _ := http.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		if got := !skipCompression(req); got != want {
			t.Errorf("%s: %v, want %v", path, got, want)
		}
	}
}

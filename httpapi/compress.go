package httpapi

import (
	"strings"

	"github.com/gin-contrib/gzip"
	"github.com/gin-gonic/gin"
)

// compress gzips responses (JSON, the page, the widget) at the fastest
// level (a search result shrinks about 4x; level 6 cost more CPU than the
// search itself under load) for clients that
// send Accept-Encoding: gzip. Error responses go out uncompressed
// (gin-contrib/gzip), and /metrics and /debug/ are left alone: the
// Prometheus handler negotiates its own compression.
func compress() gin.HandlerFunc {
	return gzip.Gzip(gzip.BestSpeed, gzip.WithCustomShouldCompressFn(shouldCompress))
}

func shouldCompress(c *gin.Context) bool {
	r := c.Request
	if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") || strings.Contains(r.Header.Get("Connection"), "Upgrade") {
		return false
	}
	p := r.URL.Path
	return p != "/metrics" && !strings.HasPrefix(p, "/debug/")
}

package httpapi

import (
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// requestIDHeader carries the request id, in canonical form (so it is
// set and read without canonicalising).
const requestIDHeader = "X-Request-Id"

// withRequestID gives every request an id, echoed in X-Request-ID. The id
// is 64 random bits in hex (math/rand/v2: unique enough to find a
// request in the logs; it is not a secret). It lives only in the response
// header, so a request allocates no context map for it.
func withRequestID(c *gin.Context) {
	var b [16]byte
	const digits = "0123456789abcdef"
	v := rand.Uint64()
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = digits[v&0xf]
		v >>= 4
	}
	c.Writer.Header()[requestIDHeader] = []string{string(b[:])}
	c.Next()
}

// requestID is the id withRequestID gave the request ("" before it ran).
func requestID(c *gin.Context) string {
	if v := c.Writer.Header()[requestIDHeader]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// logRequests logs one structured line per request. Query strings are
// logged with the values of key-like parameters (key, token, …) replaced
// by "REDACTED"; headers (which carry keys) are not logged.
func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	s.cfg.Logger.LogAttrs(c.Request.Context(), slog.LevelInfo, "request",
		slog.String("request_id", requestID(c)),
		slog.String("method", c.Request.Method),
		slog.String("path", c.Request.URL.Path),
		slog.String("route", c.FullPath()),
		slog.String("query", redactQuery(c.Request.URL.RawQuery)),
		slog.Int("status", c.Writer.Status()),
		slog.Float64("took_ms", float64(time.Since(start).Microseconds())/1000),
		slog.String("client", c.ClientIP()))
}

// secretParams are query parameters whose values are never logged.
var secretParams = map[string]bool{"key": true, "token": true, "api_key": true, "apikey": true,
	"access_token": true, "password": true, "secret": true, "auth": true, "authorization": true}

// redactQuery replaces the values of secret parameters in a raw query
// string, leaving everything else as it came. Parameter names are compared
// decoded and case-insensitively, so k%65y=… is redacted too. A query
// without any such parameter is returned as it is, without allocating.
func redactQuery(raw string) string {
	for rest := raw; rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, "&")
		if name, _, _ := strings.Cut(part, "="); secretName(name) {
			return redactAll(raw)
		}
	}
	return raw
}

// redactAll rewrites every secret parameter of raw.
func redactAll(raw string) string {
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		if name, _, _ := strings.Cut(p, "="); secretName(name) {
			parts[i] = name + "=REDACTED"
		}
	}
	return strings.Join(parts, "&")
}

// secretName reports whether a raw (still escaped) parameter name names a
// secret.
func secretName(name string) bool {
	if strings.IndexByte(name, '%') >= 0 || strings.IndexByte(name, '+') >= 0 {
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
	}
	n := strings.ToLower(strings.TrimSpace(name))
	return secretParams[n] || strings.Contains(n, "key") || strings.Contains(n, "token")
}

// recoverJSON turns a panic into a 500 JSON error with the request id and
// logs the stack; the process stays up.
func (s *Server) recoverJSON(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.cfg.Logger.ErrorContext(c.Request.Context(), "panic", "route", c.FullPath(), "request_id", requestID(c),
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			fail(c, fmt.Errorf("%w: panic: %v", errPanic, v))
		}
	}()
	c.Next()
}

package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

const requestIDKey = "request_id"

// withRequestID gives every request an id, echoed in X-Request-ID.
func withRequestID(c *gin.Context) {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	id := hex.EncodeToString(b[:])
	c.Set(requestIDKey, id)
	c.Header("X-Request-ID", id)
	c.Next()
}

func requestID(c *gin.Context) string { return c.GetString(requestIDKey) }

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
// decoded and case-insensitively, so k%65y=… is redacted too.
func redactQuery(raw string) string {
	if raw == "" {
		return raw
	}
	parts := strings.Split(raw, "&")
	for i, p := range parts {
		name, _, _ := strings.Cut(p, "=")
		n, err := url.QueryUnescape(name)
		if err != nil {
			n = name
		}
		n = strings.ToLower(strings.TrimSpace(n))
		if secretParams[n] || strings.Contains(n, "key") || strings.Contains(n, "token") {
			parts[i] = name + "=REDACTED"
		}
	}
	return strings.Join(parts, "&")
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

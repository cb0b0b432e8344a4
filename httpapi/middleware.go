package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
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
// logged; headers (which may carry keys) are not.
func (s *Server) logRequests(c *gin.Context) {
	start := time.Now()
	c.Next()
	s.cfg.Logger.LogAttrs(c.Request.Context(), slog.LevelInfo, "request",
		slog.String("request_id", requestID(c)),
		slog.String("method", c.Request.Method),
		slog.String("path", c.Request.URL.Path),
		slog.String("query", c.Request.URL.RawQuery),
		slog.Int("status", c.Writer.Status()),
		slog.Duration("took", time.Since(start)),
		slog.String("client", c.ClientIP()))
}

// recoverJSON turns a panic into a 500 JSON error with the request id and
// logs the stack; the process stays up.
func recoverJSON(c *gin.Context) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			slog.Error("panic", "request_id", requestID(c), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			fail(c, fmt.Errorf("panic: %v", v))
		}
	}()
	c.Next()
}

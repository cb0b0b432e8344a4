package httpapi

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
	"github.com/wensou/wensou/search"
)

// APIError is the body of every error response: {"error":{"code","message"}}.
type APIError struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	RequestID string `json:"request_id,omitempty"`
}

// Errors of request parsing in this package.
var (
	errBadNumber = errors.New("not a number")
	errBadParam  = errors.New("bad parameter")
	errNoRoute   = errors.New("no such route")
	errMethod    = errors.New("method not allowed")
)

// Errors of the protective limits (limits.go, ratelimit.go).
var (
	errRateLimited     = errors.New("too many requests from this client: slow down and retry after the Retry-After seconds")
	errOverloaded      = errors.New("server is busy: retry after the Retry-After seconds")
	errHeadersTooLarge = errors.New("request headers too large")
	errURITooLong      = errors.New("request URI too long")
	errPanic           = errors.New("internal error")
	errClientBusy      = errors.New("too many of your searches are running at once: retry after the Retry-After seconds")
	errBadQuery        = errors.New("q is not valid text")
)

// errorKinds is the one table mapping error kinds to HTTP status and JSON
// code. The first entry errors.Is matches wins; anything else is a 500.
var errorKinds = []struct {
	err    error
	status int
	code   string
}{
	{search.ErrEmptyQuery, http.StatusBadRequest, "empty_query"},
	{errBadQuery, http.StatusBadRequest, "bad_query"},
	{search.ErrQueryTooLong, http.StatusBadRequest, "query_too_long"},
	{search.ErrTooManyTerms, http.StatusBadRequest, "too_many_terms"},
	{search.ErrOnlyNegative, http.StatusBadRequest, "only_exclusions"},
	{search.ErrBadPage, http.StatusBadRequest, "bad_page"},
	{search.ErrBadSize, http.StatusBadRequest, "bad_size"},
	{search.ErrTooDeep, http.StatusBadRequest, "too_deep"},
	{search.ErrBadFilter, http.StatusBadRequest, "bad_filter"},
	{search.ErrUnknownField, http.StatusBadRequest, "unknown_field"},
	{errBadNumber, http.StatusBadRequest, "bad_parameter"},
	{errBadParam, http.StatusBadRequest, "bad_parameter"},
	{corpus.ErrBadID, http.StatusBadRequest, "bad_id"},
	{corpus.ErrDateRange, http.StatusBadRequest, "bad_date"},
	{errBadBody, http.StatusBadRequest, "bad_body"},
	{errTooMany, http.StatusBadRequest, "too_many_documents"},
	{errTooLarge, http.StatusRequestEntityTooLarge, "body_too_large"},
	{errHeadersTooLarge, http.StatusRequestHeaderFieldsTooLarge, "headers_too_large"},
	{errURITooLong, http.StatusRequestURITooLong, "uri_too_long"},
	{errRateLimited, http.StatusTooManyRequests, "rate_limited"},
	{errAuthLimited, http.StatusTooManyRequests, "auth_rate_limited"},
	{errOverloaded, http.StatusServiceUnavailable, "overloaded"},
	{errClientBusy, http.StatusTooManyRequests, "too_many_concurrent"},
	{errNoKey, http.StatusUnauthorized, "missing_key"},
	{errKeyScope, http.StatusForbidden, "key_scope"},
	{ErrIndexNotFound, http.StatusNotFound, "index_not_found"},
	{ErrBadIndex, http.StatusBadRequest, "bad_index"},
	{ErrIndexExists, http.StatusConflict, "index_exists"},
	{errNoIndexes, http.StatusNotImplemented, "indexes_unavailable"},
	{errWrongKey, http.StatusForbidden, "wrong_key"},
	{errWriteDisabled, http.StatusForbidden, "write_disabled"},
	{errNoAdmin, http.StatusNotImplemented, "admin_unavailable"},
	{errNoJob, http.StatusNotFound, "not_found"},
	{errEmptyText, http.StatusBadRequest, "empty_text"},
	{errTextLong, http.StatusBadRequest, "text_too_long"},
	{indexer.ErrNoSpace, http.StatusInsufficientStorage, "insufficient_storage"},
	{indexer.ErrNoGoodGeneration, http.StatusServiceUnavailable, "index_unavailable"},
	{indexer.ErrCorrupt, http.StatusServiceUnavailable, "index_damaged"},
	{indexer.ErrBusy, http.StatusConflict, "busy"},
	{indexer.ErrNoSources, http.StatusConflict, "no_sources"},
	{search.ErrNotFound, http.StatusNotFound, "not_found"},
	{fs.ErrNotExist, http.StatusNotFound, "not_found"},
	{errNoRoute, http.StatusNotFound, "no_route"},
	{errMethod, http.StatusMethodNotAllowed, "method_not_allowed"},
	{context.DeadlineExceeded, http.StatusServiceUnavailable, "timeout"},
	{context.Canceled, http.StatusServiceUnavailable, "canceled"},
	{errLagging, http.StatusServiceUnavailable, "lagging"},
	{errNoCluster, http.StatusNotFound, "no_cluster"},
	{errPanic, http.StatusInternalServerError, "internal"},
}

// classify returns the status and code for err.
func classify(err error) (int, string) {
	var se statusError
	if errors.As(err, &se) {
		return se.Status()
	}
	for _, k := range errorKinds {
		if errors.Is(err, k.err) {
			return k.status, k.code
		}
	}
	return http.StatusInternalServerError, "internal"
}

// fail writes err as a JSON error and logs server-side failures.
func fail(c *gin.Context, err error) {
	status, code := classify(err)
	msg := err.Error()
	if status >= 500 {
		// 500s are errors; shed load (503 overloaded) is counted in the
		// metrics and logged only at debug level, so that an overload
		// does not also flood the log.
		level := slog.LevelError
		switch {
		case errors.Is(err, errOverloaded):
			level = slog.LevelDebug
		case status == http.StatusServiceUnavailable:
			level = slog.LevelWarn
		}
		slog.Log(c.Request.Context(), level, "request failed", "route", c.FullPath(), "err", err, "request_id", requestID(c))
		if status == http.StatusInternalServerError {
			msg = "internal error"
		}
	}
	writeJSON(c, status, gin.H{"error": APIError{Code: code, Message: msg, RequestID: requestID(c)}})
	c.Abort()
}

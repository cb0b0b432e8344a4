package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"strings"

	"github.com/gin-gonic/gin"
)

// Errors of authentication.
var (
	errNoKey         = errors.New("missing key: send Authorization: Bearer KEY")
	errWrongKey      = errors.New("wrong key")
	errWriteDisabled = errors.New("write routes are disabled: start the server with --admin-key or WENSOU_ADMIN_KEY")
	errAuthLimited   = errors.New("too many failed authentications from this client: retry after the Retry-After seconds")
)

// currentKeysKey is the context key under which currentKeys puts the
// server's keys of the moment.
const currentKeysKey = "wensou.keys"

// currentKeys puts the server's current keys (they change on Reload) in
// the request context for requireKey.
func (s *Server) currentKeys(c *gin.Context) {
	c.Set(currentKeysKey, s.dynamic())
	c.Next()
}

// requireKey admits requests bearing the admin key; with key "" (no admin
// key configured at startup) the routes behind it are disabled. When the
// server has reloaded its keys (SIGHUP), the admin key of the moment is
// the one compared: a rotated key stops working at once on every route.
// Keys are compared in constant time and never logged; failed attempts
// are rate limited per client (checkFailures).
func (s *Server) requireKey(key string, disabled error) gin.HandlerFunc {
	return func(c *gin.Context) {
		want := key
		if d, ok := c.Value(currentKeysKey).(*Dynamic); ok && want != "" {
			want = d.AdminKey
		}
		if want == "" {
			fail(c, disabled)
			return
		}
		if err := s.checkKeys(c, want); err != nil {
			fail(c, err)
			return
		}
		c.Next()
	}
}

// requireSearchKey guards the read API when a search key is configured:
// the search key or the admin key admits. Only the Authorization header
// is accepted (a key in the URL ends up in proxies' and browsers' logs).
func (s *Server) requireSearchKey(c *gin.Context) {
	if err := s.searchKeyError(c); err != nil {
		fail(c, err)
		return
	}
	c.Next()
}

// searchKeyError is nil when no search key is configured or the request
// bears the search key or the admin key.
func (s *Server) searchKeyError(c *gin.Context) error {
	d := s.dynamic()
	if d.SearchKey == "" {
		return nil
	}
	return s.checkKeys(c, d.SearchKey, d.AdminKey)
}

// metricsKeyError guards /metrics on the main listener: it tells document
// counts and traffic, so it needs the admin key when one is configured,
// else the search key when one is; without keys it is open (the admin
// listener's /metrics is never guarded: keep that one private).
func (s *Server) metricsKeyError(c *gin.Context) error {
	d := s.dynamic()
	switch {
	case d.AdminKey != "":
		return s.checkKeys(c, d.AdminKey)
	case d.SearchKey != "":
		return s.checkKeys(c, d.SearchKey)
	}
	return nil
}

// checkKeys is nil when the request's Bearer key is one of keys ("" never
// matches). A client that failed too often recently gets errAuthLimited
// without its key being compared; every missing or wrong key counts
// against its client.
func (s *Server) checkKeys(c *gin.Context, keys ...string) error {
	if err := s.checkFailures(c); err != nil {
		return err
	}
	got, ok := bearer(c.GetHeader("Authorization"))
	if !ok {
		s.authFailed(c)
		return errNoKey
	}
	// Every comparison runs: the time taken does not tell which key, if
	// any, was close.
	match := false
	for _, k := range keys {
		match = keyEqual(got, k) && k != "" || match
	}
	if !match {
		s.authFailed(c)
		return errWrongKey
	}
	return nil
}

// checkFailures returns errAuthLimited, with Retry-After, while the
// client's failed-authentication bucket is empty. Unlike the query rate
// limit it exempts nobody (loopback included): a client that knows the key
// never fails.
func (s *Server) checkFailures(c *gin.Context) error {
	ok, wait := s.authFails.peek(c.ClientIP())
	if ok {
		return nil
	}
	s.metrics.rateLimited.Inc()
	c.Header("Retry-After", retryAfter(wait))
	return errAuthLimited
}

// authFailed takes a token from the client's failed-authentication bucket.
func (s *Server) authFailed(c *gin.Context) { s.authFails.allow(c.ClientIP()) }

// keyEqual compares in constant time, also in the keys' lengths: both are
// hashed first, so the comparison never returns early on a length
// mismatch.
func keyEqual(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

func bearer(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", false
	}
	return strings.TrimSpace(token), true
}

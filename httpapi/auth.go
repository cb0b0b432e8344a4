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
// Keys are compared in constant time and never logged.
func requireKey(key string, disabled error) gin.HandlerFunc {
	return func(c *gin.Context) {
		want := key
		if d, ok := c.Value(currentKeysKey).(*Dynamic); ok && want != "" {
			want = d.AdminKey
		}
		if want == "" {
			fail(c, disabled)
			return
		}
		got, ok := bearer(c.GetHeader("Authorization"))
		if !ok {
			fail(c, errNoKey)
			return
		}
		if !keyEqual(got, want) {
			fail(c, errWrongKey)
			return
		}
		c.Next()
	}
}

// requireSearchKey guards the read API when a search key is configured:
// the search key or the admin key admits. Only the Authorization header
// is accepted (a key in the URL ends up in proxies' and browsers' logs).
func (s *Server) requireSearchKey(c *gin.Context) {
	d := s.dynamic()
	if d.SearchKey == "" {
		c.Next()
		return
	}
	got, ok := bearer(c.GetHeader("Authorization"))
	if !ok {
		fail(c, errNoKey)
		return
	}
	// Both comparisons always run: the time taken does not tell which
	// key, if any, was close.
	search := keyEqual(got, d.SearchKey)
	admin := d.AdminKey != "" && keyEqual(got, d.AdminKey)
	if !search && !admin {
		fail(c, errWrongKey)
		return
	}
	c.Next()
}

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

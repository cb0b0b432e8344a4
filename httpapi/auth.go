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
	errKeyScope      = errors.New("this key is not for this index")
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

// requireAdmin guards the routes that write to or administer this
// server's index: the server-wide admin key or an admin key scoped to the
// index admits; enabled false (no writer) disables them.
func (s *Server) requireAdmin(enabled bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		d := s.dynamic()
		keys := append([]string{d.AdminKey}, d.scoped(s.name, true)...)
		if !enabled || len(keys) == 1 && keys[0] == "" {
			fail(c, errWriteDisabled)
			return
		}
		if err := s.checkIndexKeys(c, d, keys); err != nil {
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

// searchKeyError is nil when the request may read this server's index:
// it bears the server-wide search or admin key or a key scoped to the
// index, or the index needs no key (no search key is configured, server-
// wide or scoped to it) and the request bears no key scoped to another
// index (errKeyScope: a site's key reads its own index only).
func (s *Server) searchKeyError(c *gin.Context) error {
	d := s.dynamic()
	own := d.scoped(s.name, false)
	if d.SearchKey == "" && !d.guards(s.name) {
		if len(d.Keys) == 0 {
			return nil
		}
		if got, ok := bearer(c.GetHeader("Authorization")); ok && d.foreign(s.name, got) {
			return errKeyScope
		}
		return nil
	}
	return s.checkIndexKeys(c, d, append([]string{d.SearchKey, d.AdminKey}, own...))
}

// checkIndexKeys is checkKeys, with a key scoped to another index (or a
// search key where an admin key is wanted) refused as errKeyScope.
func (s *Server) checkIndexKeys(c *gin.Context, d *Dynamic, keys []string) error {
	err := s.checkKeys(c, keys...)
	if errors.Is(err, errWrongKey) && len(d.Keys) > 0 {
		if got, ok := bearer(c.GetHeader("Authorization")); ok && d.known(got) {
			return errKeyScope
		}
	}
	return err
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

// ScopedKey is a key that admits to one index only: Index is "default"
// (the server's own routes) or a named index; Admin keys also write to
// and administer it, others only read.
type ScopedKey struct {
	Key   string
	Index string
	Admin bool
}

// scoped lists the keys scoped to index (with admin, only admin keys).
func (d *Dynamic) scoped(index string, admin bool) []string {
	var out []string
	for _, k := range d.Keys {
		if k.Index == index && (k.Admin || !admin) {
			out = append(out, k.Key)
		}
	}
	return out
}

// guards says a search key is scoped to index: its reads need a key.
func (d *Dynamic) guards(index string) bool {
	for _, k := range d.Keys {
		if k.Index == index && !k.Admin {
			return true
		}
	}
	return false
}

// foreign says got is a key scoped to an index other than index (and to
// none that is index). Every key is compared, in constant time.
func (d *Dynamic) foreign(index, got string) bool {
	other, here := false, false
	for _, k := range d.Keys {
		if keyEqual(got, k.Key) {
			other, here = other || k.Index != index, here || k.Index == index
		}
	}
	return other && !here
}

// known says got is one of the scoped keys.
func (d *Dynamic) known(got string) bool {
	match := false
	for _, k := range d.Keys {
		match = keyEqual(got, k.Key) || match
	}
	return match
}

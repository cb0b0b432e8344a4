package httpapi

import (
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

// requireKey admits requests bearing key; without a configured key the
// routes behind it are disabled. Keys are compared in constant time and
// never logged.
func requireKey(key string, disabled error) gin.HandlerFunc {
	return func(c *gin.Context) {
		if key == "" {
			fail(c, disabled)
			return
		}
		got, ok := bearer(c.GetHeader("Authorization"))
		if !ok {
			fail(c, errNoKey)
			return
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(key)) != 1 {
			fail(c, errWrongKey)
			return
		}
		c.Next()
	}
}

func bearer(h string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", false
	}
	return strings.TrimSpace(token), true
}

package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxIDLen caps IDs derived from URLs; longer ones are cut and suffixed
// with a hash of the whole path.
const maxIDLen = 96

// NormalizeTitle is the form titles are compared in: NFKC (full-width
// letters, digits and punctuation become their ASCII forms), lower case,
// white space and zero-width characters removed.
func NormalizeTitle(s string) string {
	s = norm.NFKC.String(strings.ToValidUTF8(s, "\uFFFD"))
	var b strings.Builder
	for _, r := range s {
		if isBlank(r) || isInvisible(r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// hash16 is the first 16 hex digits of the SHA-256 of s.
func hash16(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

// articleID is opt.ID, else derived from the URL's path, else "t-" and a
// hash of the normalised title (of the body when there is no title).
func articleID(opt Options, rawURL, title, body string) string {
	if id := strings.TrimSpace(opt.ID); id != "" {
		return id
	}
	if id := IDFromURL(rawURL); id != "" {
		return id
	}
	if title == "" {
		title = body
	}
	return "t-" + hash16(NormalizeTitle(title))
}

// IDFromURL derives a document ID from a URL's path and query:
// https://www.example.cn/article/1000.html → article-1000. It keeps only
// [a-z0-9._-] and returns "" when nothing is left.
func IDFromURL(rawURL string) string {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Path == "" && u.RawQuery == "") {
		return ""
	}
	p := strings.TrimSuffix(u.Path, "/")
	switch strings.ToLower(path.Ext(p)) {
	case ".html", ".htm", ".shtml", ".xhtml", ".php", ".asp", ".aspx", ".jsp":
		p = p[:len(p)-len(path.Ext(p))]
	}
	if u.RawQuery != "" {
		p += "-" + u.RawQuery
	}
	id := sanitizeID(p)
	if len(id) > maxIDLen {
		id = strings.TrimRight(id[:maxIDLen-17], "-") + "-" + hash16(p)
	}
	return id
}

// sanitizeID lower-cases s, turns every run of characters outside
// [a-z0-9._] into one "-" and trims dashes and dots at the ends.
func sanitizeID(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '.' || r == '_' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	return strings.Trim(b.String(), "-.")
}

// relatedID is the ID of a related-content document: "r-" and a hash of
// its URL, or of "t:" and its normalised title when it has no URL.
func relatedID(l Link) string {
	if l.URL != "" {
		return "r-" + hash16(l.URL)
	}
	return "r-" + hash16("t:"+NormalizeTitle(l.Title))
}

// MaxIDBytes bounds a document ID.
const MaxIDBytes = 512

// ErrBadID: a document ID that cannot be addressed as one path segment.
var ErrBadID = errors.New("id must be 1-512 bytes of valid UTF-8 without control characters, and not \".\" or \"..\"")

// CheckID reports whether id can be a document ID. Every ID it accepts is
// addressable as one percent-encoded path segment (url.PathEscape(id) in
// /api/docs/{id}), including IDs holding "/", "?", "#", "%", "+", spaces
// or any other printable character. "." and ".." are refused because
// clients and proxies normalise those segments away even when encoded
// (RFC 3986 §6.2.2.3); control characters because they are not text.
func CheckID(id string) error {
	switch {
	case id == "" || len(id) > MaxIDBytes:
		return fmt.Errorf("%w: %d bytes", ErrBadID, len(id))
	case id == "." || id == "..":
		return fmt.Errorf("%w: %q", ErrBadID, id)
	case !utf8.ValidString(id):
		return fmt.Errorf("%w: not valid UTF-8", ErrBadID)
	}
	for _, r := range id {
		if unicode.IsControl(r) {
			return fmt.Errorf("%w: character %U", ErrBadID, r)
		}
	}
	return nil
}

package httpapi

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/wensou/wensou/search"
)

// writeJSON writes v as JSON without escaping <, > and & (highlights stay
// readable; the body is served as application/json, never as HTML).
func writeJSON(c *gin.Context, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		slog.Error("encode response", "err", err)
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":{"code":"internal","message":"encode response"}}`)
	}
	c.Data(status, "application/json; charset=utf-8", buf.Bytes())
}

// maxPooledBuffer is the largest response buffer kept for reuse.
const maxPooledBuffer = 256 << 10

// writeResult writes a search result with 200, as the API shows it
// (present.go): the bytes writeJSON would write for PresentResult(res),
// encoded without reflection into a reused buffer (the search response is
// the hot path). Results appendResult does not handle go through
// writeJSON.
func (s *Server) writeResult(c *gin.Context, res *search.Result) {
	bp, _ := s.bufs.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	b, ok := appendResult((*bp)[:0], res)
	if !ok {
		writeJSON(c, http.StatusOK, PresentResult(res))
		return
	}
	b = append(b, '\n')
	c.Data(http.StatusOK, "application/json; charset=utf-8", b) // copies b into the response
	if cap(b) <= maxPooledBuffer {
		*bp = b
		s.bufs.Put(bp)
	}
}

// appendResult appends PresentResult(res) as encoding/json encodes it
// (with SetEscapeHTML(false), without the final newline). It reports false,
// leaving the encoding to encoding/json, for what it does not handle:
// explanations and scores that are not finite numbers.
func appendResult(b []byte, res *search.Result) ([]byte, bool) {
	b = append(b, `{"query":`...)
	b = appendString(b, res.Query)
	b = append(b, `,"total":`...)
	b = strconv.AppendUint(b, res.Total, 10)
	b = append(b, `,"page":`...)
	b = strconv.AppendInt(b, int64(res.Page), 10)
	b = append(b, `,"size":`...)
	b = strconv.AppendInt(b, int64(res.Size), 10)
	b = append(b, `,"took_ms":`...)
	b, ok := appendFloat(b, res.TookMS)
	if res.Relaxed {
		b = append(b, `,"relaxed":true`...)
	}
	if res.Partial {
		b = append(b, `,"partial":true`...)
	}
	if res.Corrected != "" {
		b = append(b, `,"corrected":`...)
		b = appendString(b, res.Corrected)
	}
	if res.ExactTotal > 0 {
		b = append(b, `,"exact_total":`...)
		b = strconv.AppendUint(b, res.ExactTotal, 10)
	}
	b = append(b, `,"hits":`...)
	if res.Hits == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range res.Hits {
			if i > 0 {
				b = append(b, ',')
			}
			var hok bool
			b, hok = appendHit(b, &res.Hits[i])
			ok = ok && hok
		}
		b = append(b, ']')
	}
	b = append(b, `,"facets":`...)
	return append(appendFacets(b, res.Facets), '}'), ok
}

// appendFacets appends the facets object, its keys sorted as
// encoding/json sorts search.Facets' own marshalling.
func appendFacets(b []byte, f search.Facets) []byte {
	if len(f.Fields) == 0 {
		b = append(b, `{"kind":`...)
		b = appendCounts(b, f.Kind)
		b = append(b, `,"month":`...)
		b = appendCounts(b, f.Month)
		return append(b, '}')
	}
	all := maps.Clone(f.Fields)
	all["kind"], all["month"] = f.Kind, f.Month
	for i, name := range slices.Sorted(maps.Keys(all)) {
		if i == 0 {
			b = append(b, '{')
		} else {
			b = append(b, ',')
		}
		b = appendString(b, name)
		b = append(b, ':')
		b = appendCounts(b, all[name])
	}
	return append(b, '}')
}

func appendHit(b []byte, h *search.Hit) ([]byte, bool) {
	if len(h.ScoreByField) > 0 || len(h.Explain) > 0 {
		return b, false
	}
	b = append(b, `{"id":`...)
	b = appendString(b, h.ID)
	b = append(b, `,"kind":`...)
	b = appendString(b, h.Kind)
	b = append(b, `,"title":`...)
	b = appendString(b, h.Title)
	if h.URL != "" {
		b = append(b, `,"url":`...)
		b = appendString(b, h.URL)
	}
	if h.Published != "" {
		b = append(b, `,"published":`...)
		b = appendString(b, h.Published)
	}
	b = append(b, `,"score":`...)
	b, ok := appendFloat(b, roundScore(h.Score))
	b = append(b, `,"title_html":`...)
	b = appendString(b, oneLine(h.TitleHTML))
	b = append(b, `,"snippet_html":`...)
	b = appendString(b, oneLine(h.SnippetHTML))
	return append(b, '}'), ok
}

// appendCounts appends a map with its keys sorted, as encoding/json does.
func appendCounts(b []byte, m map[string]uint64) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	var arr [64]string
	keys := arr[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		b = strconv.AppendUint(b, m[k], 10)
	}
	return append(b, '}')
}

// appendFloat formats f as encoding/json does (ES6 number formatting); it
// reports false for NaN and infinities, which encoding/json refuses.
func appendFloat(b []byte, f float64) ([]byte, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' { // e-09 → e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string exactly as encoding/json does
// without HTML escaping: control characters, " and \ escaped, invalid
// UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	valid := utf8.ValidString(s)
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			n, esc := wideEscape(s[i:], valid)
			if esc != "" {
				b = append(append(b, s[start:i]...), esc...)
				start = i + n
			}
			i += n
			continue
		}
		if c >= 0x20 && c != '"' && c != '\\' {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
		i++
		start = i
	}
	return append(append(b, s[start:]...), '"')
}

// wideEscape looks at the non-ASCII character at the start of s: its
// length in bytes and its escape ("" when it is written as it is). valid
// says the whole string is valid UTF-8, which makes the common case a
// byte check.
func wideEscape(s string, valid bool) (int, string) {
	if valid && s[0] != 0xE2 { // the length from the leading byte
		switch c := s[0]; {
		case c >= 0xF0:
			return 4, ""
		case c >= 0xE0:
			return 3, ""
		}
		return 2, ""
	}
	r, n := utf8.DecodeRuneInString(s)
	switch {
	case r == utf8.RuneError && n == 1:
		return 1, `\ufffd`
	case r == '\u2028':
		return n, `\u2028`
	case r == '\u2029':
		return n, `\u2029`
	}
	return n, ""
}

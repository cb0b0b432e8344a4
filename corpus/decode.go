package corpus

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

// sniffLen is how much of the input is searched for a charset declaration
// and checked for binary content.
const sniffLen = 8 << 10

// charsetRe finds a charset declaration (<meta charset=...> or the
// content of <meta http-equiv=Content-Type>) anywhere in the first 8 KB.
var charsetRe = regexp.MustCompile(`(?i)charset\s*=\s*["']?\s*([a-z0-9_.:-]+)`)

// decodeHTML returns the page as UTF-8. Order: a byte-order mark; valid
// UTF-8 (whatever the page declares, so a lying declaration is ignored);
// the declared charset if it decodes without errors; GB18030 (a superset
// of GBK and GB2312); Big5; finally the declared charset or UTF-8 when at
// most 1% of the characters are undecodable. Anything else is ErrEncoding.
func decodeHTML(data []byte) (string, error) {
	if s, ok, err := decodeCommon(data); ok {
		return s, err
	}
	declared, name := declaredEncoding(data)
	if declared != nil {
		if s, bad := decodeWith(declared, data); bad == 0 || isSingleByte(name) {
			return s, nil
		}
	}
	for _, e := range []encoding.Encoding{simplifiedchinese.GB18030, traditionalchinese.Big5} {
		if s, bad := decodeWith(e, data); bad == 0 {
			return s, nil
		}
	}
	return decodeLossy(declared, data)
}

// decodeCommon is the start of every decoding: a byte-order mark, binary
// data, or valid UTF-8 settle it (ok); otherwise the caller goes on.
func decodeCommon(data []byte) (string, bool, error) {
	if s, ok, err := decodeBOM(data); ok {
		return s, true, err
	}
	if looksBinary(data) {
		return "", true, ErrBinary
	}
	if utf8.Valid(data) {
		return string(data), true, nil
	}
	return "", false, nil
}

// decodeText is decodeHTML without the declaration: BOM, UTF-8, then
// GB18030 if it decodes cleanly.
func decodeText(data []byte) (string, error) {
	if s, ok, err := decodeCommon(data); ok {
		return s, err
	}
	if s, bad := decodeWith(simplifiedchinese.GB18030, data); bad == 0 {
		return s, nil
	}
	return "", fmt.Errorf("%w: neither UTF-8 nor GB18030", ErrEncoding)
}

// decodeBOM decodes input that starts with a UTF-8 or UTF-16 byte-order
// mark; ok is false when there is none.
func decodeBOM(data []byte) (s string, ok bool, err error) {
	var e encoding.Encoding
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
		if !utf8.Valid(data) {
			return "", true, fmt.Errorf("%w: invalid UTF-8 after a UTF-8 byte-order mark", ErrEncoding)
		}
		return string(data), true, nil
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		e = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM)
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		e = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM)
	default:
		return "", false, nil
	}
	s, bad := decodeWith(e, data)
	if bad > 0 {
		return "", true, fmt.Errorf("%w: invalid UTF-16", ErrEncoding)
	}
	if strings.IndexByte(s, 0) >= 0 {
		return "", true, ErrBinary
	}
	return s, true, nil
}

// looksBinary reports NUL bytes anywhere, or more than 10% control bytes
// (other than tab, newline, form feed, carriage return, escape) in the
// first 8 KB.
func looksBinary(data []byte) bool {
	if bytes.IndexByte(data, 0) >= 0 {
		return true
	}
	head := data[:min(len(data), sniffLen)]
	ctl := 0
	for _, c := range head {
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\f' && c != '\r' && c != 0x1b) || c == 0x7f {
			ctl++
		}
	}
	return ctl > 8 && ctl*10 > len(head)
}

// declaredEncoding is the charset the page declares in its first 8 KB
// and its WHATWG name, or nil. A <meta> in the first 1024 bytes is found
// by charset.DetermineEncoding; a later one by searching for "charset=".
func declaredEncoding(data []byte) (encoding.Encoding, string) {
	if e, name, _ := charset.DetermineEncoding(data, ""); name != "utf-8" && name != "windows-1252" {
		return e, name
	}
	m := charsetRe.FindSubmatch(data[:min(len(data), sniffLen)])
	if m == nil {
		return nil, ""
	}
	return charset.Lookup(string(m[1]))
}

// isSingleByte reports legacy single-byte charsets (windows-1252,
// iso-8859-x, koi8 ...), which decode any input: when declared they are
// trusted.
func isSingleByte(name string) bool {
	switch name {
	case "", "gbk", "gb18030", "big5", "euc-jp", "iso-2022-jp", "shift_jis", "euc-kr", "replacement", "x-user-defined":
		return false
	}
	return !strings.HasPrefix(name, "utf-")
}

// decodeWith decodes data with e and counts U+FFFD in the result (each
// undecodable sequence becomes one).
func decodeWith(e encoding.Encoding, data []byte) (string, int) {
	out, err := e.NewDecoder().Bytes(data)
	if err != nil {
		return "", len(data) + 1
	}
	return string(out), bytes.Count(out, []byte("\uFFFD"))
}

// decodeLossy accepts the declared charset (or UTF-8) when at most 1% of
// the characters are undecodable.
func decodeLossy(declared encoding.Encoding, data []byte) (string, error) {
	var s string
	var bad int
	if declared != nil {
		s, bad = decodeWith(declared, data)
	} else {
		s = strings.ToValidUTF8(string(data), "\uFFFD")
		bad = strings.Count(s, "\uFFFD")
	}
	if n := utf8.RuneCountInString(s); bad*100 > n {
		return "", fmt.Errorf("%w: %d of %d characters undecodable", ErrEncoding, bad, n)
	}
	return s, nil
}

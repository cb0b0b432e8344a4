package httpapi

import (
	"maps"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/wensou/wensou/search"
)

// What the API shows of a result differs from the engine's values in two
// ways, applied to every route that writes hits (search, related) and by
// both JSON encoders (appendResult and writeJSON): scores are rounded to
// scoreDecimals decimals (a ranking signal, not 16 digits of noise), and
// the HTML fields are one line (a run of white space holding a line break
// becomes one space), so a client can put them in a page or a terminal as
// they are.

// scoreDecimals is how many decimals a score keeps.
const scoreDecimals = 3

// roundScore rounds f to scoreDecimals decimals; NaN, infinities and
// magnitudes where rounding means nothing are returned as they are.
func roundScore(f float64) float64 {
	const scale = 1e3 // 10^scoreDecimals
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) >= 1e15 {
		return f
	}
	return math.Round(f*scale) / scale
}

// oneLine returns s with every run of white space that holds a line break
// replaced by one space (trimmed at the ends). s is returned as it is,
// without allocating, when it has no line break.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && isSpace(s[j]) {
			j++
		}
		run := s[i:j]
		switch {
		case j == i:
			b.WriteByte(s[i])
			j++
		case !strings.ContainsAny(run, "\r\n"):
			b.WriteString(run)
		case i > 0 && j < len(s):
			b.WriteByte(' ')
		}
		i = j
	}
	return b.String()
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// presentHit is h as the API shows it.
func presentHit(h search.Hit) search.Hit {
	h.Score = roundScore(h.Score)
	h.TitleHTML, h.SnippetHTML = oneLine(h.TitleHTML), oneLine(h.SnippetHTML)
	if h.ScoreByField != nil {
		m := maps.Clone(h.ScoreByField)
		for k, v := range m {
			m[k] = roundScore(v)
		}
		h.ScoreByField = m
	}
	return h
}

// presentHits is hits as the API shows them (a copy: the engine's results
// are cached and shared).
func presentHits(hits []search.Hit) []search.Hit {
	if hits == nil {
		return nil
	}
	out := make([]search.Hit, len(hits))
	for i, h := range hits {
		out[i] = presentHit(h)
	}
	return out
}

// PresentResult is res as the API shows it (a shallow copy): rounded
// scores, one-line HTML. `wensou search --json` prints the same.
func PresentResult(res *search.Result) *search.Result {
	r := *res
	r.Hits = presentHits(res.Hits)
	return &r
}

// tookLabel is a search's time in milliseconds as the page's footer shows
// it: two significant digits, so that a result from the cache (a few
// microseconds) reads 0.012, not 0.0.
func tookLabel(d time.Duration) string {
	ms := float64(d.Nanoseconds()) / 1e6
	switch {
	case ms >= 10:
		return strconv.FormatFloat(ms, 'f', 0, 64)
	case ms >= 1:
		return strconv.FormatFloat(ms, 'f', 1, 64)
	case ms >= 0.1:
		return strconv.FormatFloat(ms, 'f', 2, 64)
	case ms >= 0.001:
		return strconv.FormatFloat(ms, 'f', 3, 64)
	}
	return "<0.001"
}

package corpus

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// dateRe matches 2025-06-22, 2025/6/22 16:15, 2025年6月22日 16:15:29 ...
const datePattern = `(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT]*(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?)?`

// publishLabel is the text label of a publish-time line.
const publishLabel = `(?:发布时间|发布日期|发表时间|发表日期|发布于|发表于|發布時間|發佈時間|發表時間|發布日期|發佈日期|時間|时间|日期)`

// The regexps are compiled once; they are immutable and safe to share.
var (
	dateRe        = regexp.MustCompile(datePattern)
	publishAtRe   = regexp.MustCompile(`^` + publishLabel + `\s*[:：]?\s*` + datePattern)
	publishLineRe = regexp.MustCompile(`^` + publishLabel + `\s*[:：]\s*` + datePattern + `$`)
)

// parseDate reads a date in one of the accepted forms. Dates without an
// offset are in zone; the result is always expressed in zone.
func parseDate(s string, zone *time.Location) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 {
		return time.Time{}, false
	}
	// These layouts carry their own offset.
	zoned := [...]string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05 -0700", time.RFC1123Z}
	// These are read in zone.
	local := [...]string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"}
	for _, l := range zoned {
		if t, err := time.Parse(l, s); err == nil {
			return t.In(zone), true
		}
	}
	for _, l := range local {
		if t, err := time.ParseInLocation(l, s, zone); err == nil {
			return t, true
		}
	}
	if m := dateRe.FindStringSubmatch(s); m != nil {
		return dateFromMatch(m[1:], zone)
	}
	return time.Time{}, false
}

// ErrDateRange: a publish time outside [MinPublished, MaxPublished).
var ErrDateRange = errors.New("published must be from 1678-01-01 to 2261-12-31 (UTC)")

// MinPublished and MaxPublished bound the publish times a document may
// carry: MinPublished <= t < MaxPublished. The index keeps publish times
// as int64 nanoseconds since 1970 (bluge), which holds only
// 1677-09-22 .. 2262-04-11; the bounds keep whole years inside that, so
// every accepted date sorts and filters exactly. Date filters outside the
// bounds mean "open" (search clamps them).
func MinPublished() time.Time { return time.Date(1678, 1, 1, 0, 0, 0, 0, time.UTC) }

// MaxPublished is the exclusive upper bound of publish times (see
// MinPublished).
func MaxPublished() time.Time { return time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC) }

// CheckPublished returns nil for the zero time (no date) and for a time in
// [MinPublished, MaxPublished), else an error wrapping ErrDateRange.
func CheckPublished(t time.Time) error {
	if t.IsZero() || (!t.Before(MinPublished()) && t.Before(MaxPublished())) {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrDateRange, t.Format(time.RFC3339))
}

// parsePublished is parseDate for metadata: a date outside the bounds of
// CheckPublished counts as no date.
func parsePublished(s string, zone *time.Location) (time.Time, bool) {
	t, ok := parseDate(s, zone)
	if !ok || CheckPublished(t) != nil {
		return time.Time{}, false
	}
	return t, true
}

// findPublishText finds a labelled date such as 发布时间:2025-06-22 16:15:29
// in running text.
//
// A match starts with a label, so the label pattern is tried, anchored,
// only where one of the labels' first characters stands: the first match
// is the one an unanchored search finds, without running the automaton
// over a long page that holds none.
func findPublishText(s string, zone *time.Location) (time.Time, bool) {
	var next [len(labelStarts)]int // where each first character occurs next; -1: no more
	for k, c := range labelStarts {
		next[k] = indexFrom(s, c, 0)
	}
	for {
		k := -1
		for n, at := range next {
			if at >= 0 && (k < 0 || at < next[k]) {
				k = n
			}
		}
		if k < 0 {
			return time.Time{}, false
		}
		at := next[k]
		if m := publishAtRe.FindStringSubmatch(s[at:]); m != nil {
			return dateFromMatch(m[1:], zone)
		}
		next[k] = indexFrom(s, labelStarts[k], at+len(labelStarts[k]))
	}
}

// labelStarts are the first characters of publishLabel's labels.
var labelStarts = [...]string{"发", "發", "時", "时", "日"}

// indexFrom is the index of sub in s at or after from, or -1.
func indexFrom(s, sub string, from int) int {
	if i := strings.Index(s[from:], sub); i >= 0 {
		return from + i
	}
	return -1
}

// publishLine reports whether the whole line is a publish-time line, and
// its date.
func publishLine(line string, zone *time.Location) (time.Time, bool) {
	m := publishLineRe.FindStringSubmatch(line)
	if m == nil {
		return time.Time{}, false
	}
	return dateFromMatch(m[1:], zone)
}

// dateFromMatch builds a time from year, month, day[, hour, minute[, second]]
// strings, rejecting impossible dates such as 2025-02-30.
func dateFromMatch(f []string, zone *time.Location) (time.Time, bool) {
	n := make([]int, 6)
	for i := 0; i < 6 && i < len(f); i++ {
		if f[i] == "" {
			continue
		}
		v, err := strconv.Atoi(f[i])
		if err != nil {
			return time.Time{}, false
		}
		n[i] = v
	}
	if n[0] < 1900 || n[0] > 2200 || n[1] < 1 || n[1] > 12 || n[2] < 1 || n[2] > 31 || n[3] > 23 || n[4] > 59 || n[5] > 60 {
		return time.Time{}, false
	}
	t := time.Date(n[0], time.Month(n[1]), n[2], n[3], n[4], n[5], 0, zone)
	if t.Day() != n[2] {
		return time.Time{}, false
	}
	return t, true
}

// ParseDate reads a whole value as a date (RFC 3339, "2006-01-02
// 15:04:05", "2006-01-02T15:04", "2006-01-02" ...; without an offset in
// DefaultZone): the dates of date fields and of date filters. Unlike the
// page parsers it never finds a date inside longer text.
func ParseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	return parseDate(s, DefaultZone())
}

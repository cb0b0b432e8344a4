package httpapi

import (
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// rateLimiter is a token bucket per client key (the client IP) with a
// bounded number of buckets. A bucket holds up to burst tokens and gains
// rate tokens per second; a request takes one.
//
// The map never holds more than max buckets. When it is full, buckets
// that have refilled completely are dropped first (forgetting them changes
// nothing: a new bucket starts full); if none has, an arbitrary bucket is
// dropped, which only ever makes the limiter more lenient for that client,
// never stricter for anyone.
type rateLimiter struct {
	mu        sync.Mutex
	rate      float64 // tokens per second; <= 0: no limit
	burst     float64
	max       int
	buckets   map[string]*bucket
	lastSweep time.Time
	exempt    []netip.Prefix
	now       func() time.Time // for tests
}

// setExempt sets the clients that are never limited: IPs or CIDRs, or
// "none".
func (l *rateLimiter) setExempt(list []string) error {
	var out []netip.Prefix
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" || strings.EqualFold(s, "none") {
			continue
		}
		p, err := parsePrefix(s)
		if err != nil {
			return fmt.Errorf("rate limit exemption: %w", err)
		}
		out = append(out, p)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.exempt = out
	return nil
}

// parsePrefix parses an IP (a one-address prefix) or a CIDR.
func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func (l *rateLimiter) exempted(key string) bool {
	if len(l.exempt) == 0 {
		return false
	}
	a, err := netip.ParseAddr(key)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range l.exempt {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(rate float64, burst, max int) *rateLimiter {
	return &rateLimiter{rate: rate, burst: float64(burst), max: max,
		buckets: make(map[string]*bucket), now: time.Now}
}

// setRate changes the rate and burst; existing buckets keep their tokens
// (capped at the new burst).
func (l *rateLimiter) setRate(rate float64, burst int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.rate, l.burst = rate, float64(burst)
}

// allow takes a token for the client at ip (its bucket: clientKey). When
// there is none it returns false and how long until there will be one.
func (l *rateLimiter) allow(ip string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rate <= 0 || l.exempted(ip) {
		return true, 0
	}
	key := clientKey(ip)
	now := l.now()
	b, ok := l.buckets[key]
	if !ok {
		l.makeRoom(now)
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	if dt := now.Sub(b.last).Seconds(); dt > 0 {
		b.tokens = math.Min(l.burst, b.tokens+dt*l.rate)
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

// peek reports whether the client at ip has a token, without taking one,
// and if not, how long until it will. Clients without a bucket have one.
func (l *rateLimiter) peek(ip string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rate <= 0 || l.exempted(ip) {
		return true, 0
	}
	b, ok := l.buckets[clientKey(ip)]
	if !ok {
		return true, 0
	}
	tokens := math.Min(l.burst, b.tokens+l.now().Sub(b.last).Seconds()*l.rate)
	if tokens >= 1 {
		return true, 0
	}
	return false, time.Duration((1 - tokens) / l.rate * float64(time.Second))
}

// makeRoom drops buckets until one more fits. Called with l.mu held.
func (l *rateLimiter) makeRoom(now time.Time) {
	if len(l.buckets) < l.max {
		return
	}
	// Sweep refilled buckets at most once a second, so a flood of new
	// clients costs O(1) per request, not a scan of the map each.
	if now.Sub(l.lastSweep) >= time.Second {
		l.lastSweep = now
		full := time.Duration(l.burst / l.rate * float64(time.Second))
		for k, b := range l.buckets {
			if now.Sub(b.last) >= full {
				delete(l.buckets, k)
			}
		}
	}
	for k := range l.buckets {
		if len(l.buckets) < l.max {
			break
		}
		delete(l.buckets, k)
	}
}

// size is the number of buckets held.
func (l *rateLimiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// rateLimit is the middleware: one token per request per client IP, 429
// rate_limited with Retry-After (whole seconds, at least 1) when out.
// The client IP is gin's ClientIP, which believes X-Forwarded-For and
// X-Real-IP only from Config.TrustedProxies. Clients in RateExempt
// (loopback by default: health checks, a co-located site backend) pass.
func (s *Server) rateLimit(c *gin.Context) {
	if err := s.admitRate(c); err != nil {
		fail(c, err)
		return
	}
	c.Next()
}

// admitRate takes a token for the client, or sets Retry-After and returns
// errRateLimited.
func (s *Server) admitRate(c *gin.Context) error {
	ok, wait := s.limiter.allow(c.ClientIP())
	if ok {
		return nil
	}
	s.metrics.rateLimited.Inc()
	c.Header("Retry-After", retryAfter(wait))
	return errRateLimited
}

// retryAfter is a Retry-After value: whole seconds, at least 1.
func retryAfter(wait time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(wait.Seconds()))))
}

// clientKey is the rate-limit bucket of a client IP: the address itself
// for IPv4, its /64 for IPv6 (one subscriber usually holds a whole /64
// and could otherwise take a fresh bucket per address).
func clientKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || a.Unmap().Is4() {
		return ip
	}
	p, err := a.Prefix(64)
	if err != nil {
		return ip
	}
	return p.String()
}

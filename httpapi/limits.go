package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/wensou/wensou/search"
)

// limitHeaders answers 414 when the request URI alone, and 431 when the
// request line and headers together, exceed MaxHeaderBytes. (net/http
// itself stops at hardMaxHeaderBytes with a plain-text 431; between the
// two the client gets a JSON error.)
func (s *Server) limitHeaders(c *gin.Context) {
	limit := s.cfg.MaxHeaderBytes
	n := len(c.Request.Method) + len(c.Request.RequestURI) + len(c.Request.Proto) + 4
	if len(c.Request.RequestURI) > limit {
		fail(c, fmt.Errorf("%w: %d bytes, at most %d", errURITooLong, len(c.Request.RequestURI), limit))
		return
	}
	for k, vs := range c.Request.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	n += len(c.Request.Host)
	if n > limit {
		fail(c, fmt.Errorf("%w: %d bytes, at most %d", errHeadersTooLarge, n, limit))
		return
	}
	c.Next()
}

// limitBody bounds every request body to MaxBodyBytes: a declared
// Content-Length over the limit is refused before anything is read; an
// undeclared (chunked) body is cut at the limit, and reading past it fails
// with *http.MaxBytesError, which the handlers report as 413.
func (s *Server) limitBody(c *gin.Context) {
	limit := s.cfg.MaxBodyBytes
	if isNDJSON(c.Request) {
		limit = s.cfg.MaxNDJSONBytes
	}
	if c.Request.ContentLength > limit {
		// The connection is closed after this response: the unread body
		// must not be parsed as the next request.
		c.Header("Connection", "close")
		fail(c, fmt.Errorf("%w: %d bytes declared, limit %d bytes", errTooLarge, c.Request.ContentLength, limit))
		return
	}
	if c.Request.Body != nil && c.Request.Body != http.NoBody {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, limit)
	}
	defer s.drain.track(c)() // a shutdown cuts a body still being read
	c.Next()
}

// guardQuery rejects, before the engine does any work, a q longer than
// MaxQueryRunes characters and a size above MaxPageSize. (The engine
// checks the same and more; this keeps abusive requests cheap.)
func (s *Server) guardQuery(c *gin.Context) {
	q := c.Query("q")
	// 4 bytes per character at most: only long strings need counting.
	if len(q) > s.cfg.MaxQueryRunes && utf8.RuneCountInString(q) > s.cfg.MaxQueryRunes {
		fail(c, fmt.Errorf("%w: more than %d characters", search.ErrQueryTooLong, s.cfg.MaxQueryRunes))
		return
	}
	if err := checkText(q); err != nil {
		fail(c, err)
		return
	}
	if c.FullPath() == "/api/search" {
		if err := s.checkPaging(c); err != nil {
			fail(c, err)
			return
		}
	}
	c.Next()
}

// maxPage bounds page so that page*size cannot overflow on its way to the
// engine (page=9223372036854775807&size=100 wraps to a negative window
// that passes a page*size check and reaches bluge as a negative offset).
const maxPage = 1 << 24

// checkPaging rejects a size above MaxPageSize and a page so deep that
// page*size could overflow.
func (s *Server) checkPaging(c *gin.Context) error {
	if v := c.Query("size"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > s.cfg.MaxPageSize {
			return fmt.Errorf("%w: size %d, at most %d", search.ErrBadSize, n, s.cfg.MaxPageSize)
		}
	}
	if v := c.Query("page"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > maxPage {
			return fmt.Errorf("%w: page %d", search.ErrTooDeep, n)
		}
	}
	return nil
}

// checkText rejects a q that is not valid UTF-8 or holds control
// characters other than tab and newlines (NUL bytes and the like mean
// nothing in a search and often mean an attack on something downstream).
func checkText(q string) error {
	if !utf8.ValidString(q) {
		return fmt.Errorf("%w: not valid UTF-8", errBadQuery)
	}
	for _, r := range q {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			return fmt.Errorf("%w: control character %U", errBadQuery, r)
		}
	}
	return nil
}

// limitInFlight admits at most MaxInFlight query requests at once, and
// at most MaxInFlightPerClient of one client (fairshare.go). An excess
// request waits up to QueueWait for a slot, then gets 503 overloaded (429
// too_many_concurrent when it is its client's share that is full) with
// Retry-After: a burst beyond capacity is refused quickly instead of
// queueing until every client times out, and one client cannot take the
// slots of the others.
func (s *Server) limitInFlight(c *gin.Context) {
	release, err := s.acquireSlot(c)
	if err != nil {
		fail(c, err)
		return
	}
	defer release()
	c.Next()
}

// acquireSlot takes one of the client's slots, then a query slot, or sets
// Retry-After and returns errClientBusy or errOverloaded. On success it
// puts the slot in the request context (a search running past its
// deadline holds it too: deadline.go) and returns the request's release.
func (s *Server) acquireSlot(c *gin.Context) (func(), error) {
	free, err := s.takeSlots(c)
	if err != nil {
		return nil, err
	}
	sl := &slot{refs: 1, free: free}
	c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), slotKey{}, sl))
	return sl.done, nil
}

// takeSlots takes the client's slot and a query slot and returns the
// function that gives both back.
func (s *Server) takeSlots(c *gin.Context) (func(), error) {
	mine, ok := s.perClient.acquire(c.Request.Context(), clientKey(c.ClientIP()), s.cfg.QueueWait)
	if !ok {
		s.metrics.overloaded.Inc()
		c.Header("Retry-After", "1")
		return nil, fmt.Errorf("%w: %d at once", errClientBusy, s.cfg.MaxInFlightPerClient)
	}
	if s.slots == nil {
		return mine, nil
	}
	select {
	case s.slots <- struct{}{}:
	default:
		if !s.waitSlot(c) {
			mine()
			s.metrics.overloaded.Inc()
			c.Header("Retry-After", "1")
			return nil, errOverloaded
		}
	}
	return func() { <-s.slots; mine() }, nil
}

// guardPage gives the search page (GET and HEAD /, registered by
// page.go) the guards of the query API: with a search key configured the
// page needs it too (Authorization: Bearer, as the API: a deployment with
// a search key serves its page through a backend that adds it); with a q,
// the same rate limit and query slots, and a page number so deep that
// page*size could overflow is refused. It is a global middleware so that
// it applies however the page route is registered. Refusals are rendered
// as the page (refusePage).
func (s *Server) guardPage(c *gin.Context) {
	if c.FullPath() != "/" {
		c.Next()
		return
	}
	if err := s.searchKeyError(c); err != nil {
		s.refusePage(c, err)
		return
	}
	if c.Query("q") == "" {
		c.Next()
		return
	}
	if err := s.admitRate(c); err != nil {
		s.refusePage(c, err)
		return
	}
	if v := c.Query("page"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > maxPage {
			s.refusePage(c, fmt.Errorf("%w: page %d", search.ErrTooDeep, n))
			return
		}
	}
	release, err := s.acquireSlot(c)
	if err != nil {
		s.refusePage(c, err)
		return
	}
	defer release()
	c.Next()
	if c.Writer.Status() == http.StatusOK {
		s.noteClient(c, c.Query("q"))
	}
}

// refusePage answers a refused page request with the page itself and a
// friendly message (page.go's pageFail), with the API's status.
func (s *Server) refusePage(c *gin.Context, err error) {
	s.pageFail(c, err)
}

func (s *Server) waitSlot(c *gin.Context) bool {
	if s.cfg.QueueWait <= 0 {
		return false
	}
	t := time.NewTimer(s.cfg.QueueWait)
	defer t.Stop()
	select {
	case s.slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-c.Request.Context().Done():
		return false
	}
}

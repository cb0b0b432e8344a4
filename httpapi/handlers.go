package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/search"
)

// search handles GET /api/search?q=&page=1&size=10.
func (s *Server) search(c *gin.Context) {
	req, err := searchRequest(c)
	if err != nil {
		fail(c, err)
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.SearchTimeout)
	defer cancel()
	res, err := s.searcher.Search(ctx, req)
	if err != nil {
		fail(c, err)
		return
	}
	s.noteClient(c, req.Query)
	s.writeResult(c, res)
}

func searchRequest(c *gin.Context) (search.Request, error) {
	req := search.Request{Query: c.Query("q"), Explain: c.Query("explain") == "true",
		Kind: c.Query("kind"), Sort: c.Query("sort"), Filters: c.QueryArray("filter"), Facets: facetsParam(c)}
	var err error
	if req.From, err = dateParam(c, "from"); err != nil {
		return req, err
	}
	if req.To, err = dateParam(c, "to"); err != nil {
		return req, err
	}
	if req.Page, err = intParam(c, "page", 1, search.ErrBadPage); err != nil {
		return req, err
	}
	if req.Size, err = intParam(c, "size", 10, search.ErrBadSize); err != nil {
		return req, err
	}
	if req.Page < 1 {
		return req, search.ErrBadPage
	}
	if req.Size < 1 {
		return req, search.ErrBadSize
	}
	return req, nil
}

// facetsParam reads facets=author,tags (repeatable).
func facetsParam(c *gin.Context) []string {
	var out []string
	for _, v := range c.QueryArray("facets") {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" && !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	return out
}

// intParam reads an integer query parameter; kind is the error it is
// reported as when it is not a number.
func intParam(c *gin.Context, name string, def int, kind error) (int, error) {
	v, ok := c.GetQuery(name)
	if !ok || v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%w: %s=%q is not a number", kind, name, v)
	}
	return n, nil
}

// dateParam reads a YYYY-MM-DD query parameter as the start of that day in
// the site's zone (+08:00).
func dateParam(c *gin.Context, name string) (time.Time, error) {
	v := c.Query(name)
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02", v, corpus.DefaultZone())
	if err != nil {
		return t, fmt.Errorf("%w: %s=%q is not a date YYYY-MM-DD", search.ErrBadFilter, name, v)
	}
	return t, nil
}

// stats handles GET /api/stats.
func (s *Server) stats(c *gin.Context) {
	st, err := s.searcher.Stats(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	if s.gen != nil {
		st.Generation = s.gen()
	}
	writeJSON(c, http.StatusOK, st)
}

// ready handles GET /readyz: 200 once the index answers.
func (s *Server) ready(c *gin.Context) {
	if s.replica != nil {
		body, ok := s.replica.Readiness()
		status := http.StatusOK
		if !ok {
			status = http.StatusServiceUnavailable
		}
		writeJSON(c, status, body)
		return
	}
	if _, err := s.searcher.Stats(c.Request.Context()); err != nil {
		writeJSON(c, http.StatusServiceUnavailable, gin.H{"status": "not ready", "error": err.Error()})
		return
	}
	writeJSON(c, http.StatusOK, gin.H{"status": "ready"})
}

// document handles GET /api/docs/:id.
func (s *Server) document(c *gin.Context) {
	id, err := pathParam(c, "id")
	if err != nil {
		fail(c, err)
		return
	}
	d, err := s.searcher.Document(c.Request.Context(), id)
	if err != nil {
		fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, d)
}

// suggest handles GET /api/suggest?q=&size=8.
func (s *Server) suggest(c *gin.Context) {
	size, err := intParam(c, "size", 8, search.ErrBadSize)
	if err != nil {
		fail(c, err)
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.SearchTimeout)
	defer cancel()
	out, err := s.searcher.Suggest(ctx, c.Query("q"), size)
	if err != nil {
		fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, gin.H{"suggestions": out})
}

// related handles GET /api/docs/:id/related?size=10.
func (s *Server) related(c *gin.Context) {
	size, err := intParam(c, "size", 10, search.ErrBadSize)
	if err != nil {
		fail(c, err)
		return
	}
	id, err := pathParam(c, "id")
	if err != nil {
		fail(c, err)
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.cfg.SearchTimeout)
	defer cancel()
	hits, err := s.searcher.Related(ctx, id, size)
	if err != nil {
		fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, gin.H{"hits": presentHits(hits)})
}

// pathParam is the path parameter name, percent-decoded as one path
// segment (url.PathUnescape: "+" is a plus, %2F a slash inside the
// segment). A malformed escape is a 400 bad_parameter.
func pathParam(c *gin.Context, name string) (string, error) {
	v, err := url.PathUnescape(c.Param(name))
	if err != nil {
		return "", fmt.Errorf("%w: %s is not a valid percent-encoded path segment: %w", errBadParam, name, err)
	}
	return v, nil
}

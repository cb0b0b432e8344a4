package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

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
	writeJSON(c, http.StatusOK, res)
}

func searchRequest(c *gin.Context) (search.Request, error) {
	req := search.Request{Query: c.Query("q"), Explain: c.Query("explain") == "true"}
	var err error
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
	if _, err := s.searcher.Stats(c.Request.Context()); err != nil {
		writeJSON(c, http.StatusServiceUnavailable, gin.H{"status": "not ready", "error": err.Error()})
		return
	}
	writeJSON(c, http.StatusOK, gin.H{"status": "ready"})
}

// document handles GET /api/docs/:id.
func (s *Server) document(c *gin.Context) {
	d, err := s.searcher.Document(c.Request.Context(), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, d)
}

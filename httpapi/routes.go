package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// routes registers every route of the service.
//
// Guards, in order: the read API (/api/*) and the search page need the
// search key when one is configured, /metrics a key when any is; the query routes (search, suggest, related) are rate limited
// per client before the key is checked (so key guessing is rate limited
// too), their q is bounded before the engine sees it, and they take one of
// MaxInFlight slots.
func (s *Server) routes(r *gin.Engine) {
	s.pageRoutes(r)
	r.GET("/healthz", func(c *gin.Context) { writeJSON(c, http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", s.ready)
	if !s.cfg.DisableMetrics {
		r.GET("/metrics", s.guardMetrics, gin.WrapH(s.MetricsHandler()))
	}
	api := r.Group("/api")
	s.indexAPI(api)
	api.GET("/cluster", s.requireKey(s.cfg.AdminKey, errWriteDisabled), s.clusterStatus)
	internal := r.Group("/internal/generations/:gen", s.requireKey(s.cfg.AdminKey, errWriteDisabled))
	internal.GET("/manifest.json", s.shippedManifest)
	internal.GET("/files/:path", s.shippedFile)
	s.indexesRoutes(api)
	s.specRoutes(r)
}

// guardMetrics answers /metrics only with the key metricsKeyError wants.
func (s *Server) guardMetrics(c *gin.Context) {
	if err := s.metricsKeyError(c); err != nil {
		fail(c, err)
		return
	}
	c.Next()
}

// indexAPI registers the routes of one index under api: /api/… for the
// server's own index, and the same under /api/indexes/NAME/… for each
// named index (indexes.go).
func (s *Server) indexAPI(api *gin.RouterGroup) {
	read := api.Group("", s.requireSearchKey)
	query := []gin.HandlerFunc{s.rateLimit, s.requireSearchKey, s.guardQuery, s.limitInFlight}
	api.GET("/search", append(query, s.awaitMinSeq, s.search)...)
	read.GET("/stats", s.stats)
	read.GET("/docs/:id", s.document)
	api.GET("/docs/:id/related", append(query, s.related)...)
	api.GET("/suggest", append(query, s.suggest)...)
	admin := s.requireAdmin(s.writesEnabled())
	api.POST("/docs", admin, s.putDocs)
	api.DELETE("/docs/:id", admin, s.deleteDoc)
	api.GET("/analyze", append(query, s.analyze)...)
	s.adminRoutes(api)
}

// writesEnabled says the write routes are on: the index takes writes and
// an admin key (server-wide or scoped to it) was configured at start.
func (s *Server) writesEnabled() bool {
	if s.writer == nil && s.replica == nil {
		return false
	}
	d := s.dynamic()
	return s.cfg.AdminKey != "" || len(d.scoped(s.name, true)) > 0
}

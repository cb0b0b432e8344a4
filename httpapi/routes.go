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
	read := api.Group("", s.requireSearchKey)
	query := []gin.HandlerFunc{s.rateLimit, s.requireSearchKey, s.guardQuery, s.limitInFlight}
	api.GET("/search", append(query, s.awaitMinSeq, s.search)...)
	read.GET("/stats", s.stats)
	read.GET("/docs/:id", s.document)
	api.GET("/docs/:id/related", append(query, s.related)...)
	api.GET("/suggest", append(query, s.suggest)...)
	admin := s.requireKey(s.cfg.AdminKey, errWriteDisabled)
	if s.writer == nil && s.replica == nil {
		admin = s.requireKey("", errWriteDisabled)
	}
	api.POST("/docs", admin, s.putDocs)
	api.DELETE("/docs/:id", admin, s.deleteDoc)
	api.GET("/cluster", s.requireKey(s.cfg.AdminKey, errWriteDisabled), s.clusterStatus)
	internal := r.Group("/internal/generations/:gen", s.requireKey(s.cfg.AdminKey, errWriteDisabled))
	internal.GET("/manifest.json", s.shippedManifest)
	internal.GET("/files/:path", s.shippedFile)
	api.GET("/analyze", append(query, s.analyze)...)
	s.adminRoutes(api)
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

package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// routes registers every route of the service.
func (s *Server) routes(r *gin.Engine) {
	s.pageRoutes(r)
	r.GET("/healthz", func(c *gin.Context) { writeJSON(c, http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/readyz", s.ready)
	api := r.Group("/api")
	api.GET("/search", s.search)
	api.GET("/stats", s.stats)
	api.GET("/docs/:id", s.document)
	api.GET("/docs/:id/related", s.related)
	api.GET("/suggest", s.suggest)
	admin := requireKey(s.cfg.AdminKey, errWriteDisabled)
	if s.writer == nil {
		admin = requireKey("", errWriteDisabled)
	}
	api.POST("/docs", admin, s.putDocs)
	api.DELETE("/docs/:id", admin, s.deleteDoc)
	api.GET("/analyze", s.analyze)
	s.adminRoutes(api)
}

package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/wensou/wensou/indexer"
	"github.com/wensou/wensou/search"
)

// Admin is what the admin routes need: background reindex and dictionary
// reload jobs.
type Admin interface {
	Reindex(full bool) (indexer.Job, error)
	ReloadDictionary() (indexer.Job, error)
	Job(id string) (indexer.Job, bool)
	WaitJob(ctx context.Context, id string) (indexer.Job, error)
	ZeroResults(n int) []search.QueryCount
}

var (
	errNoAdmin  = errors.New("admin routes are not available in this server")
	errNoJob    = errors.New("no such job")
	errTextLong = errors.New("text is too long")
)

// maxAnalyzeRunes bounds GET /api/analyze's text.
const maxAnalyzeRunes = 2000

func (s *Server) adminRoutes(api *gin.RouterGroup) {
	admin := api.Group("/admin", s.requireAdmin(s.cfg.AdminKey != "" || len(s.dynamic().scoped(s.name, true)) > 0), s.needAdmin)
	admin.POST("/reindex", s.reindex)
	admin.POST("/dictionary/reload", s.reloadDictionary)
	admin.GET("/jobs/:id", s.job)
	admin.GET("/queries/zero", s.zeroQueries)
}

func (s *Server) needAdmin(c *gin.Context) {
	if s.admin == nil {
		fail(c, errNoAdmin)
	}
}

// reindex handles POST /api/admin/reindex[?full=true]: 202 with the job.
func (s *Server) reindex(c *gin.Context) {
	s.startJob(c, func() (indexer.Job, error) { return s.admin.Reindex(c.Query("full") == "true") })
}

// reloadDictionary handles POST /api/admin/dictionary/reload[?wait=true]:
// the dictionaries are read again and every stored document re-analysed.
func (s *Server) reloadDictionary(c *gin.Context) {
	s.startJob(c, s.admin.ReloadDictionary)
}

// startJob answers 202 with the started job, or with ?wait=true, 200 with
// the finished one (500 if it failed).
func (s *Server) startJob(c *gin.Context, start func() (indexer.Job, error)) {
	j, err := start()
	if err != nil {
		fail(c, err)
		return
	}
	if c.Query("wait") != "true" {
		c.Header("Location", s.basePath()+"/admin/jobs/"+j.ID)
		writeJSON(c, http.StatusAccepted, j)
		return
	}
	j, err = s.admin.WaitJob(c.Request.Context(), j.ID)
	if err != nil {
		fail(c, err)
		return
	}
	writeJSON(c, jobStatus(j), j)
}

// jobStatus is the status of a finished job's response: 200 done, 507
// when it failed for a full disk (indexer.ErrNoSpace: retry once space is
// freed), else 500.
func jobStatus(j indexer.Job) int {
	switch {
	case j.State != indexer.JobFailed:
		return http.StatusOK
	case strings.Contains(j.Error, indexer.ErrNoSpace.Error()):
		return http.StatusInsufficientStorage
	}
	return http.StatusInternalServerError
}

// job handles GET /api/admin/jobs/:id.
func (s *Server) job(c *gin.Context) {
	id, err := pathParam(c, "id")
	if err != nil {
		fail(c, err)
		return
	}
	j, ok := s.admin.Job(id)
	if !ok {
		fail(c, errNoJob)
		return
	}
	writeJSON(c, http.StatusOK, j)
}

// analyze handles GET /api/analyze?text=: the tokens of each field.
func (s *Server) analyze(c *gin.Context) {
	text := c.Query("text")
	if text == "" {
		fail(c, errEmptyText)
		return
	}
	if utf8.RuneCountInString(text) > maxAnalyzeRunes {
		fail(c, errTextLong)
		return
	}
	writeJSON(c, http.StatusOK, gin.H{"text": text, "fields": s.searcher.Analyze(text)})
}

var errEmptyText = errors.New("text is empty")

// zeroQueries handles GET /api/admin/queries/zero?size=100: the queries
// that found nothing, most frequent first, with their analysed terms.
func (s *Server) zeroQueries(c *gin.Context) {
	size, err := intParam(c, "size", 100, search.ErrBadSize)
	if err != nil || size < 1 || size > 1000 {
		fail(c, errors.Join(search.ErrBadSize, err))
		return
	}
	writeJSON(c, http.StatusOK, gin.H{"queries": s.admin.ZeroResults(size)})
}

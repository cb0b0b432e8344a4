package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/indexer"
)

// Several indexes in one server: the server's own index is "default"
// (its routes are /api/…); every named index answers the same routes
// under /api/indexes/NAME/…, served by a child Server of its own that
// shares the parent's limits, rate limiter and keys. The index
// management routes (GET /api/indexes, PUT/GET/DELETE
// /api/indexes/NAME) need the server-wide admin key.

// Indexes is what the index routes need: the named indexes.
type Indexes interface {
	// Index returns the steps of a named index (ErrIndexNotFound). A
	// different Searcher than before means the index was replaced (its
	// settings changed): its routes are built again.
	Index(name string) (Index, error)
	// List describes every index, the default one first.
	List(ctx context.Context) ([]IndexInfo, error)
	// Info describes one index.
	Info(ctx context.Context, name string) (IndexInfo, error)
	// Put creates the index or changes its settings (a JSON object);
	// bad settings or a bad name wrap ErrBadIndex.
	Put(ctx context.Context, name string, settings []byte) (IndexInfo, PutResult, error)
	// Delete removes the index and its data.
	Delete(ctx context.Context, name string) error
}

// Index is one named index's steps and document shape.
type Index struct {
	Deps        Deps
	FieldTypes  map[string]corpus.FieldType
	FacetFields []string
}

// IndexInfo describes an index in the management routes' answers.
type IndexInfo struct {
	Name       string          `json:"name"`
	Documents  int             `json:"documents"`
	Generation string          `json:"generation,omitempty"`
	Settings   json.RawMessage `json:"settings,omitempty"`
	Job        *indexer.Job    `json:"job,omitempty"` // the re-analysis a settings change started
}

// PutResult says what a PUT /api/indexes/NAME did.
type PutResult int

// What a PUT did: 201, 202 (re-analysing in the job) or 200.
const (
	PutSame PutResult = iota
	PutCreated
	PutChanged
)

// Errors of the index routes.
var (
	ErrIndexNotFound = errors.New("no such index")
	ErrBadIndex      = errors.New("bad index")
	ErrIndexExists   = errors.New("index exists")
	errNoIndexes     = errors.New("this server keeps no named indexes")
	errDefaultIndex  = errors.New(`"default" is the server's own index: it is configured, not managed here`)
)

// maxSettingsBytes bounds the body of PUT /api/indexes/NAME.
const maxSettingsBytes = 16 << 20

// indexChildren caches the servers of the named indexes.
type indexChildren struct {
	mu sync.Mutex
	m  map[string]*indexChild
}

type indexChild struct {
	searcher Searcher // the one the child was built for
	srv      *Server
}

// indexesRoutes registers the management routes and the dispatch of
// /api/indexes/NAME/… to the named index's server.
func (s *Server) indexesRoutes(api *gin.RouterGroup) {
	g := api.Group("/indexes", s.requireKey(s.cfg.AdminKey, errWriteDisabled), s.needIndexes)
	g.GET("", s.listIndexes)
	g.PUT("/:name", s.putIndex)
	g.GET("/:name", s.indexInfo)
	g.DELETE("/:name", s.deleteIndex)
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodDelete, http.MethodOptions} {
		api.Handle(m, "/indexes/:name/*rest", s.dispatchIndex)
	}
}

func (s *Server) needIndexes(c *gin.Context) {
	if s.indexes == nil {
		fail(c, errNoIndexes)
	}
}

// basePath is the path the index's own routes start with.
func (s *Server) basePath() string {
	if s.parent == nil {
		return "/api"
	}
	return "/api/indexes/" + s.name
}

func (s *Server) listIndexes(c *gin.Context) {
	list, err := s.indexes.List(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, gin.H{"indexes": list})
}

func (s *Server) indexInfo(c *gin.Context) {
	info, err := s.indexes.Info(c.Request.Context(), c.Param("name"))
	if err != nil {
		fail(c, err)
		return
	}
	writeJSON(c, http.StatusOK, info)
}

// putIndex handles PUT /api/indexes/NAME: 201 created, 202 settings
// changed (the stored documents are re-analysed in the job; the index
// keeps answering meanwhile), 200 unchanged.
func (s *Server) putIndex(c *gin.Context) {
	name := c.Param("name")
	if name == "default" {
		fail(c, fmt.Errorf("%w: %w", ErrBadIndex, errDefaultIndex))
		return
	}
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, maxSettingsBytes+1))
	switch {
	case err != nil:
		fail(c, bodyError(err))
		return
	case len(body) > maxSettingsBytes:
		fail(c, fmt.Errorf("%w: settings over %d bytes", errTooLarge, maxSettingsBytes))
		return
	case len(body) == 0:
		body = []byte("{}")
	}
	info, res, err := s.indexes.Put(c.Request.Context(), name, body)
	if err != nil {
		fail(c, err)
		return
	}
	status := map[PutResult]int{PutSame: http.StatusOK, PutCreated: http.StatusCreated, PutChanged: http.StatusAccepted}[res]
	c.Header("Location", "/api/indexes/"+name)
	writeJSON(c, status, info)
}

func (s *Server) deleteIndex(c *gin.Context) {
	name := c.Param("name")
	if name == "default" {
		fail(c, fmt.Errorf("%w: %w", ErrBadIndex, errDefaultIndex))
		return
	}
	if err := s.indexes.Delete(c.Request.Context(), name); err != nil {
		fail(c, err)
		return
	}
	s.children.drop(name)
	writeJSON(c, http.StatusOK, gin.H{"deleted": name})
}

// dispatchIndex serves /api/indexes/NAME/REST as the index's /api/REST:
// "default" is the server's own index, any other name a named index.
func (s *Server) dispatchIndex(c *gin.Context) {
	name := c.Param("name")
	srv, err := s.indexServer(name)
	if err != nil {
		fail(c, err)
		return
	}
	r := *c.Request
	u := *r.URL
	u.RawPath = "/api" + c.Param("rest")
	if u.Path, err = url.PathUnescape(u.RawPath); err != nil {
		fail(c, fmt.Errorf("%w: path: %w", errBadParam, err))
		return
	}
	r.URL = &u
	srv.router.ServeHTTP(c.Writer, &r)
}

// indexServer is the server of index name, built on first use and again
// when the index was replaced.
func (s *Server) indexServer(name string) (*Server, error) {
	if name == "default" {
		return s.children.get("default", s.searcher, func() (*Server, error) { return s.ownIndexServer() })
	}
	if s.indexes == nil {
		return nil, fmt.Errorf("%w: %s", ErrIndexNotFound, name)
	}
	ix, err := s.indexes.Index(name)
	if err != nil {
		return nil, err
	}
	return s.children.get(name, ix.Deps.Searcher, func() (*Server, error) { return s.child(name, ix) })
}

func (m *indexChildren) get(name string, searcher Searcher, build func() (*Server, error)) (*Server, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if ch, ok := m.m[name]; ok && ch.searcher == searcher {
		return ch.srv, nil
	}
	srv, err := build()
	if err != nil {
		return nil, err
	}
	if m.m == nil {
		m.m = map[string]*indexChild{}
	}
	m.m[name] = &indexChild{searcher: searcher, srv: srv}
	return srv, nil
}

func (m *indexChildren) drop(name string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.m, name)
}

// ownIndexServer routes /api/indexes/default/… to the server's own
// index: the same handlers as /api/…, without the outer middleware that
// already ran.
func (s *Server) ownIndexServer() (*Server, error) {
	r, err := s.indexRouter()
	if err != nil {
		return nil, err
	}
	return &Server{router: r}, nil
}

// child builds the server of a named index: its own steps and document
// shape, the parent's limits, keys and rate limiter.
func (s *Server) child(name string, ix Index) (*Server, error) {
	cfg := s.cfg
	cfg.FieldTypes, cfg.FacetFields = ix.FieldTypes, ix.FacetFields
	d := ix.Deps
	c := &Server{cfg: cfg, name: name, parent: s, searcher: d.Searcher, writer: d.Writer, admin: d.Admin, gen: d.Generation,
		drain: s.drain, limiter: s.limiter, authFails: s.authFails, slots: s.slots, perClient: s.perClient}
	c.cache, _ = d.Searcher.(CachingSearcher)
	c.initLearning(d.Searcher)
	c.metrics = newMetrics(c, d.Searcher)
	c.searcher = c.metrics.instrument(bounded(d.Searcher))
	r, err := c.indexRouter()
	if err != nil {
		return nil, err
	}
	c.router = r
	return c, nil
}

// indexRouter is a router of s's index routes alone, with only the
// middleware the dispatching router did not run.
func (s *Server) indexRouter() (*gin.Engine, error) {
	r := gin.New()
	if err := r.SetTrustedProxies(s.cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	r.HandleMethodNotAllowed = true
	r.RedirectTrailingSlash = false // a redirect would name the path without /api/indexes/NAME
	r.UseEscapedPath, r.UnescapePathValues = true, false
	r.Use(s.currentKeys, s.replicaHeaders)
	r.NoRoute(func(c *gin.Context) { fail(c, errNoRoute) })
	r.NoMethod(func(c *gin.Context) { fail(c, errMethod) })
	r.OPTIONS("/api/search", s.preflight) // the dispatching router's cors sets the headers
	r.OPTIONS("/api/suggest", s.preflight)
	s.indexAPI(r.Group("/api"))
	return r, nil
}

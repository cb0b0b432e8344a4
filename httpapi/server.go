package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/search"
)

// Searcher is what the API needs from the search step.
type Searcher interface {
	Search(ctx context.Context, req search.Request) (*search.Result, error)
	Stats(ctx context.Context) (search.Stats, error)
	Document(ctx context.Context, id string) (corpus.Document, error)
	Suggest(ctx context.Context, prefix string, size int) ([]search.Suggestion, error)
	Related(ctx context.Context, id string, size int) ([]search.Hit, error)
	Analyze(text string) []search.FieldTokens
}

// CachingSearcher is a Searcher with a query result cache
// (search.Engine). The service exports its counters in /metrics and
// empties it after every write through the API.
type CachingSearcher interface {
	CacheStats() search.CacheStats
	InvalidateCache()
}

// Writer is what the write routes need from the index. Without one (or
// without an admin key) the write routes answer 403 write_disabled.
type Writer interface {
	Put(ctx context.Context, docs []corpus.Document) error
	Delete(ctx context.Context, ids []string) error
}

// Config configures the HTTP service. The zero value means defaults.
// WithDefaults returns it with every default filled in.
type Config struct {
	Addr              string        // default 127.0.0.1:8080
	ReadHeaderTimeout time.Duration // default 5s
	ReadTimeout       time.Duration // default 30s
	WriteTimeout      time.Duration // default 30s
	IdleTimeout       time.Duration // default 120s
	SearchTimeout     time.Duration // per search, default 5s
	ShutdownTimeout   time.Duration // drain time on shutdown, default 10s
	TrustedProxies    []string      // default none: X-Forwarded-For is ignored
	CORSOrigins       []string      // origins (https://site.example) whose pages may call /api/search and /api/suggest; default none: same origin only
	AdminKey          string        // Bearer key of write and admin routes; "" disables them
	MaxBodyBytes      int64         // request body limit, default 10 MiB
	MaxNDJSONBytes    int64         // body limit of an NDJSON import (POST /api/docs, application/x-ndjson), default 1 GiB
	MaxPushDocs       int           // documents in one POST /api/docs, default 1000
	// FieldTypes are the declared own field types pushed documents are
	// checked against (corpus.Options.Fields).
	FieldTypes map[string]corpus.FieldType
	// FacetFields are the own fields the search page lists (fields with
	// facet: true).
	FacetFields []string
	Logger      *slog.Logger // default slog.Default()

	// Hardening (limits.go, ratelimit.go, metrics.go). Zero means the
	// default; where noted, a negative value switches the limit off.
	SearchKey      string        // Bearer key of the read API (/api/*); "" leaves it open. The admin key is accepted too
	Keys           []ScopedKey   // keys scoped to one index (auth.go); reloadable with the other keys
	MaxHeaderBytes int           // request line + headers, default 64 KiB (431/414 JSON); the connection hard limit is 1 MiB
	MaxQueryRunes  int           // q of search and suggest in characters, default 256 (checked before the engine)
	MaxPageSize    int           // size of a search page, default and ceiling 100
	RateLimit      float64       // requests per second per client on the query routes, default 10; negative: off
	RateBurst      int           // bucket size per client, default 50
	RateClients    int           // clients tracked at once (bounded map, idle ones evicted first), default 10000
	RateExempt     []string      // client IPs/CIDRs never rate limited, default loopback (127.0.0.0/8, ::1); ["none"]: no exemption
	MaxInFlight    int           // concurrent query requests, default 4×GOMAXPROCS; negative: unbounded
	QueueWait      time.Duration // how long an excess query request waits for a slot before 503, default 100ms; negative: no wait
	// MaxInFlightPerClient bounds the query requests of one client (IP,
	// IPv6 /64; nobody exempt) at once, default MaxInFlight/4 (at least
	// 1; unbounded when MaxInFlight is); negative: unbounded. Over it:
	// 429 too_many_concurrent.
	MaxInFlightPerClient int
	DisableMetrics       bool    // no /metrics route on the main listener (MetricsHandler still works)
	AuthFailRate         float64 // failed authentications per second per client, refilled; default 1; negative: off. No client is exempt
	AuthFailBurst        int     // failed authentications a client may make at once before 429, default 20

	// Learned queries (suggestions, popular searches; learn.go,
	// search.QueryPolicy): a query that found something and holds no
	// contact details is shown once SuggestMinClients distinct clients
	// searched it, never while it contains a SuggestDeny entry.
	SuggestMinClients int           // default 3
	SuggestDeny       []string      // default none
	Popular           PopularConfig // the page's 大家都在搜 (popular.go)
}

// WithDefaults returns c with every zero field set to its default.
func (c Config) WithDefaults() Config { return c.withDefaults() }

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	def(&c.ReadHeaderTimeout, 5*time.Second)
	def(&c.ReadTimeout, 30*time.Second)
	def(&c.WriteTimeout, 30*time.Second)
	def(&c.IdleTimeout, 120*time.Second)
	def(&c.SearchTimeout, 5*time.Second)
	def(&c.ShutdownTimeout, 10*time.Second)
	if c.QueueWait == 0 {
		c.QueueWait = 100 * time.Millisecond
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = 10 << 20
	}
	if c.MaxNDJSONBytes <= 0 {
		c.MaxNDJSONBytes = 1 << 30
	}
	if c.MaxPushDocs <= 0 {
		c.MaxPushDocs = 1000
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.MaxHeaderBytes <= 0 {
		c.MaxHeaderBytes = 64 << 10
	}
	if c.MaxQueryRunes <= 0 {
		c.MaxQueryRunes = 256
	}
	if c.MaxPageSize <= 0 || c.MaxPageSize > 100 {
		c.MaxPageSize = 100
	}
	if c.RateLimit == 0 {
		c.RateLimit = 10
	}
	if c.RateBurst <= 0 {
		c.RateBurst = 50
	}
	if c.RateClients <= 0 {
		c.RateClients = 10000
	}
	if c.RateExempt == nil {
		c.RateExempt = []string{"127.0.0.0/8", "::1/128"}
	}
	if c.MaxInFlight == 0 {
		c.MaxInFlight = 4 * runtime.GOMAXPROCS(0)
	}
	if c.MaxInFlightPerClient == 0 && c.MaxInFlight > 0 {
		c.MaxInFlightPerClient = max(1, c.MaxInFlight/4)
	}
	if c.AuthFailRate == 0 {
		c.AuthFailRate = 1
	}
	if c.AuthFailBurst <= 0 {
		c.AuthFailBurst = 20
	}
	c.Popular = c.Popular.withDefaults()
	return c
}

// hardMaxHeaderBytes is what net/http itself buffers of a request's
// headers; beyond MaxHeaderBytes and below this the service answers JSON.
const hardMaxHeaderBytes = 1 << 20

// Server is the wensou HTTP service.
type Server struct {
	cfg       Config
	name      string  // of the index it serves: "default", or a named index's
	parent    *Server // a named index's server: the one that dispatches to it (indexes.go)
	indexes   Indexes // nil: no named indexes
	children  indexChildren
	searcher  Searcher
	writer    Writer
	replica   Replica // nil: not in a cluster
	shipper   Shipper // nil: no generations to ship
	admin     Admin
	gen       func() string
	router    *gin.Engine
	handler   http.Handler            // router, compressed
	dyn       atomic.Pointer[Dynamic] // what SIGHUP may change
	limiter   *rateLimiter
	authFails *rateLimiter  // failed authentications per client (auth.go)
	drain     *drain        // what a shutdown closes or cuts (shutdown.go)
	learner   QueryLearner  // nil when the searcher learns no queries (learn.go)
	slots     chan struct{} // in-flight query requests; nil: unbounded
	perClient *clientSlots  // in-flight query requests per client (fairshare.go)
	metrics   *metrics
	cache     CachingSearcher // nil when the searcher has no cache
	bufs      sync.Pool       // *[]byte response buffers (writeResult)
}

// Dynamic is the part of the configuration a running server can change
// (Reload): keys and rate limits.
type Dynamic struct {
	AdminKey  string
	SearchKey string
	Keys      []ScopedKey // keys scoped to one index
	RateLimit float64     // per second per client; negative: off
	RateBurst int
}

// Reload applies d to the running server; requests already admitted are
// not affected. Zero rate values mean the defaults, as in Config.
func (s *Server) Reload(d Dynamic) {
	c := Config{RateLimit: d.RateLimit, RateBurst: d.RateBurst}.withDefaults()
	d.RateLimit, d.RateBurst = c.RateLimit, c.RateBurst
	s.dyn.Store(&d)
	s.limiter.setRate(d.RateLimit, d.RateBurst)
}

func (s *Server) dynamic() *Dynamic {
	if s.parent != nil {
		return s.parent.dyn.Load()
	}
	return s.dyn.Load()
}

// Deps are the steps the service serves. Writer and Generation may be nil.
type Deps struct {
	Searcher   Searcher
	Writer     Writer
	Replica    Replica // a cluster replica: writes go through its log (then Writer is unused)
	Shipper    Shipper // serves shipped generations to peers (/internal/generations/...)
	Admin      Admin
	Generation func() string // names the served index generation for /api/stats
	Indexes    Indexes       // the named indexes (/api/indexes/…); nil: none
}

// New builds the service.
func New(cfg Config, deps Deps) (*Server, error) {
	gin.SetMode(gin.ReleaseMode)
	s := &Server{cfg: cfg.withDefaults(), name: "default", indexes: deps.Indexes, searcher: deps.Searcher, writer: deps.Writer, replica: deps.Replica, shipper: deps.Shipper, admin: deps.Admin, gen: deps.Generation, drain: newDrain()}
	s.limiter = newRateLimiter(s.cfg.RateLimit, s.cfg.RateBurst, s.cfg.RateClients)
	s.authFails = newRateLimiter(s.cfg.AuthFailRate, s.cfg.AuthFailBurst, s.cfg.RateClients)
	if err := s.limiter.setExempt(s.cfg.RateExempt); err != nil {
		return nil, err
	}
	s.Reload(Dynamic{AdminKey: s.cfg.AdminKey, SearchKey: s.cfg.SearchKey, Keys: s.cfg.Keys, RateLimit: s.cfg.RateLimit, RateBurst: s.cfg.RateBurst})
	if s.cfg.MaxInFlight > 0 {
		s.slots = make(chan struct{}, s.cfg.MaxInFlight)
	}
	s.perClient = newClientSlots(s.cfg.MaxInFlightPerClient)
	s.cache, _ = deps.Searcher.(CachingSearcher)
	s.initLearning(deps.Searcher)
	s.metrics = newMetrics(s, deps.Searcher)
	s.searcher = s.metrics.instrument(bounded(deps.Searcher))
	r := gin.New()
	if err := r.SetTrustedProxies(s.cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	r.HandleMethodNotAllowed = true
	r.Use(withRequestID, s.logRequests, s.metrics.observe, s.recoverJSON, s.currentKeys, s.limitHeaders, s.limitBody, s.guardPage, s.replicaHeaders)
	// Routes match the escaped path and path parameters are unescaped by
	// pathParam: a document id holding "/" (news%2F2025%2F1) stays one
	// segment, and "+" stays "+" (gin's own unescaping is query-style).
	r.UseEscapedPath, r.UnescapePathValues = true, false
	r.NoRoute(func(c *gin.Context) { fail(c, errNoRoute) })
	r.NoMethod(func(c *gin.Context) { fail(c, errMethod) })
	s.routes(r)
	s.router = r
	h, err := compressed(r)
	if err != nil {
		return nil, err
	}
	s.handler = h
	return s, nil
}

// Handler is the service's http.Handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve serves on ln until ctx ends, then shuts down gracefully: it stops
// accepting, closes connections that never sent a whole request, cuts
// body reads in progress, lets requests in flight finish (up to
// ShutdownTimeout, then closes their connections) and returns nil.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    hardMaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.cfg.Logger.Handler(), slog.LevelWarn),
		ConnState:         s.drain.connState,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	if err := s.shutdown(srv); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	}
	return nil
}

// ListenAndServe listens on cfg.Addr and serves until ctx ends.
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", s.cfg.Addr, err)
	}
	s.cfg.Logger.Info("serving", "addr", ln.Addr().String())
	return s.Serve(ctx, ln)
}

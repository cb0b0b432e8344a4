package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/wensou/wensou/config"
	"github.com/wensou/wensou/httpapi"
	"github.com/wensou/wensou/search"
)

func newServeCmd() *cobra.Command {
	var path string
	var sets []string
	var bcfg backendConfig // bound by addAnalysisFlags; copied into config.Config
	cmd := &cobra.Command{
		Use:   "serve [--config FILE]",
		Short: "Serve the search page and JSON API (without an index: the embedded sample corpus)",
		Long: `Serve the search page and JSON API.

Configuration comes from --config FILE (YAML, see docs/CONFIG.md and
wensou.example.yaml), then WENSOU_* environment variables, then flags
(--set KEY=VALUE sets any key). SIGHUP reloads the file, environment and
flags: keys, rate limits and log level apply at once; other changes need a
restart. SIGTERM or SIGINT stops accepting, drains requests in flight,
closes the index and exits 0.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			load := configLoader(&path, &sets, cmd.Flags(), serveFlagKeys(), os.LookupEnv)
			return runServe(cmd.Context(), cmd.ErrOrStderr(), load)
		},
	}
	f := cmd.Flags()
	addConfigFlags(f, &path, &sets)
	f.String("addr", "127.0.0.1:8080", "listen address HOST:PORT")
	f.String("admin-addr", "", "listener for /metrics and /debug/pprof (default off; keep it on loopback)")
	f.String("index", "", "data directory written by wensou index; must exist (default: in-memory index of the embedded sample)")
	f.StringArray("source", nil, "source a reindex job reads (file, directory or JSONL; repeatable)")
	f.String("admin-key", "", "Bearer key for write and admin routes (or WENSOU_ADMIN_KEY); none: writes disabled")
	f.String("search-key", "", "Bearer key the read API requires (or WENSOU_SEARCH_KEY); none: open")
	f.String("log-format", "text", "log format: text or json")
	f.String("log-level", "info", "log level: debug, info, warn, error")
	f.StringSlice("trusted-proxy", nil, "IP or CIDR of a reverse proxy whose X-Forwarded-For is believed (repeatable)")
	f.StringSlice("cors-origin", nil, "origin whose pages may call search and suggest from a browser (repeatable)")
	f.Float64("rate-limit", 0, "requests per second per client on the query routes (default 10; negative: off)")
	f.Int("rate-burst", 0, "rate limit bucket size per client (default 50)")
	f.Int("max-in-flight", 0, "concurrent query requests before 503 overloaded (default 4×CPUs; negative: unbounded)")
	f.StringArray("nats", nil, "NATS JetStream URL of the cluster's write log (repeatable; docs/SCALING.md): serve as a replica")
	f.String("node", "", "this replica's name in the cluster (default: the host name)")
	f.String("advertise", "", "this replica's base URL as its peers reach it, http://HOST:PORT")
	addAnalysisFlags(cmd, &bcfg)
	return cmd
}

// newLogger builds the process's logger: text or JSON on w, at level.
func newLogger(w io.Writer, format string, level *slog.LevelVar) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// runServe serves until ctx ends: load gives the configuration at start
// and again on every SIGHUP.
func runServe(ctx context.Context, logw io.Writer, load func() (config.Config, []string, error)) error {
	c, warnings, err := load()
	if err != nil {
		return err
	}
	var level slog.LevelVar
	lv, _ := config.ParseLevel(c.LogLevel)
	level.Set(lv)
	logger := newLogger(logw, c.LogFormat, &level)
	slog.SetDefault(logger)
	for _, w := range warnings {
		logger.Warn("configuration", "warning", w)
	}
	applyGC(logger, c)
	if err := bootstrapReplica(ctx, c); err != nil {
		return err
	}
	if err := checkIndexDir(c.Index); err != nil {
		return err
	}

	b, err := openBackendWith(ctx, backendConfig{
		dir: c.Index, writable: canWrite(c, config.DefaultIndex) || len(c.Cluster.NATS) > 0, serving: true, sources: c.Sources, crawl: c.CrawlOptions(),
		segment: c.Segment(dictCacheDir(), func(err error) { logger.Warn("dictionary cache", "err", err) }),
	})
	if err != nil {
		return err
	}
	defer func() {
		b.close()
		logger.Info("index closed")
	}()
	// The engine with the configured query limits (openBackendWith builds
	// one with the defaults).
	b.engine = search.New(b.readers, func() search.Analysis { return b.seg() }, c.Search())
	go b.follow(ctx, time.Second)

	deps := httpapi.Deps{Searcher: b.engine, Generation: b.readers.Name}
	rep, err := startReplica(ctx, c, b)
	if err != nil {
		return err
	}
	if rep != nil {
		defer rep.Close()
		deps.Replica = rep
		if b.dir != nil {
			deps.Shipper = b.dir
		}
		logger.Info("cluster: a replica of the write log", "node", c.Cluster.Node, "nats", c.Cluster.NATS)
	}
	if rep == nil {
		reg, stop, err := openRegistry(ctx, c, b, logger)
		if err != nil {
			return err
		}
		defer stop()
		deps.Indexes = reg
	}
	if canWrite(c, config.DefaultIndex) {
		deps.Admin = b
		if b.writable != nil && rep == nil { // nil: no good generation to write to (openUnavailable)
			deps.Writer = b.writable
		}
	}
	srv, err := httpapi.New(c.HTTP(logger), deps)
	if err != nil {
		return err
	}
	if c.AdminAddr != "" {
		stop, err := serveAdmin(ctx, logger, c.AdminAddr, srv.AdminHandler())
		if err != nil {
			return err
		}
		defer stop()
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				c = reload(logger, c, load, srv, &level, b)
			}
		}
	}()
	err = srv.ListenAndServe(ctx)
	if err == nil {
		logger.Info("shut down: requests drained")
	}
	return err
}

// reload applies a new configuration to the running server and returns
// the configuration now in force.
func reload(logger *slog.Logger, old config.Config, load func() (config.Config, []string, error), srv *httpapi.Server, level *slog.LevelVar, b any) config.Config {
	c, warnings, err := load()
	if err != nil {
		logger.Error("reload failed; the running configuration stays", "err", err)
		return old
	}
	for _, w := range warnings {
		logger.Warn("configuration", "warning", w)
	}
	srv.Reload(c.Dynamic())
	restart := config.NeedRestart(old, c)
	// Another step (dictionaries) may hook in by giving the backend an
	// OnReload method.
	if h, ok := b.(interface{ OnReload() }); ok {
		h.OnReload()
	}
	logger.Info("configuration reloaded: keys, rate limits and log level applied", "need_restart", restart, "log_level", c.LogLevel)
	lv, _ := config.ParseLevel(c.LogLevel)
	level.Set(lv)
	return c
}

// serveAdmin serves the admin handler (metrics, pprof) on addr until ctx
// ends; stop waits for it to finish.
func serveAdmin(ctx context.Context, logger *slog.Logger, addr string, h http.Handler) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("admin listener %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute,
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("admin listener", "err", err)
		}
	}()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	logger.Info("admin listener (metrics, pprof)", "addr", ln.Addr().String())
	return func() { <-done }, nil
}

// canWrite says the index takes writes: an admin key, server-wide or
// scoped to it, is configured.
func canWrite(c config.Config, index string) bool {
	return c.AdminKey != "" || slices.ContainsFunc(c.Keys, func(k config.ScopedKey) bool { return k.Index == index && k.Role == "admin" })
}

// canWriteNamed says some named index may take writes.
func canWriteNamed(c config.Config) bool {
	return c.AdminKey != "" || slices.ContainsFunc(c.Keys, func(k config.ScopedKey) bool { return k.Index != config.DefaultIndex && k.Role == "admin" })
}

// openRegistry opens the server's named indexes (not in a cluster: they
// are not replicated). stop closes them.
func openRegistry(ctx context.Context, c config.Config, def *backend, logger *slog.Logger) (*registry, func(), error) {
	root, remove, err := indexesRoot(c.Index)
	if err != nil {
		return nil, nil, err
	}
	seg := c.Segment(dictCacheDir(), func(err error) { logger.Warn("dictionary cache", "err", err) })
	seg.UserDict, seg.Synonyms, seg.StopWords = "", "", ""
	base := c.Search()
	base.Fields, base.FieldWeights = nil, nil
	g := &registry{ctx: ctx, root: root, seg: seg, search: base, crawl: c.CrawlOptions(), sources: c.Sources,
		writable: canWriteNamed(c), def: def}
	if err := g.open(); err != nil {
		remove()
		return nil, nil, err
	}
	if len(g.named) > 0 {
		logger.Info("named indexes opened", "indexes", len(g.named))
	}
	return g, func() { g.close(); remove() }, nil
}

// applyGC sets the collector as the gc keys say (config.GCSettings).
func applyGC(logger *slog.Logger, c config.Config) {
	pct, ok, limit := c.GCSettings(os.LookupEnv)
	if ok {
		debug.SetGCPercent(pct)
	}
	if limit > 0 {
		debug.SetMemoryLimit(limit)
	}
	logger.Debug("garbage collector", "gc_percent", pct, "set", ok, "memory_limit", limit)
}

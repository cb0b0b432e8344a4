package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/crawl"
	"github.com/wensou/wensou/indexer"
	"github.com/wensou/wensou/search"
	"github.com/wensou/wensou/segment"
)

// backend is an open index with its analysis and search engine.
type backend struct {
	segCfg   segment.Config
	segPtr   atomic.Pointer[segment.Segmenter]
	sources  []string      // what a reindex reads
	crawl    crawl.Options // how a reindex reads URL sources (config.CrawlOptions)
	jobs     *indexer.Jobs
	readers  *indexer.Readers
	dir      *indexer.Dir      // nil for the in-memory sample index
	writable *indexer.Writable // nil when read-only
	engine   *search.Engine
	close    func()
}

// openBackend opens the served generation of dir, or, when dir is empty,
// builds an in-memory index of the sample corpus embedded in the binary.
// With writable, the backend also takes pushes (it holds the index writer).
// A dir that does not exist is an error: only `wensou index` creates one.
func openBackend(ctx context.Context, dir string, writable bool) (*backend, error) {
	return openBackendWith(ctx, backendConfig{dir: dir, writable: writable})
}

// errNoIndex is the error of a --index directory that does not exist.
var errNoIndex = errors.New("no index there (wensou index --index DIR SOURCE... builds one)")

// checkIndexDir checks that dir ("" for the embedded sample) is an
// existing directory: search, eval and serve never create one, so a typo
// in --index fails instead of serving an empty index.
func checkIndexDir(dir string) error {
	if dir == "" {
		return nil
	}
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("--index %s: %w", dir, errNoIndex)
	case err != nil:
		return fmt.Errorf("--index %s: %w", dir, err)
	case !fi.IsDir():
		return fmt.Errorf("--index %s: not a directory", dir)
	}
	return nil
}

// analysisEngine is an engine over no index: enough for Analyze.
func analysisEngine(cfg segment.Config) (*search.Engine, error) {
	seg, err := newSegmenter(cfg)
	if err != nil {
		return nil, err
	}
	return search.New(nil, func() search.Analysis { return seg }, search.Config{}), nil
}

// backendConfig says what openBackendWith opens.
type backendConfig struct {
	dir      string
	writable bool
	serving  bool // a server: no good generation starts it unready (/readyz 503) instead of failing
	segment  segment.Config
	sources  []string
	crawl    crawl.Options
}

func openBackendWith(ctx context.Context, cfg backendConfig) (*backend, error) {
	if err := checkIndexDir(cfg.dir); err != nil {
		return nil, err
	}
	seg, err := newSegmenter(cfg.segment)
	if err != nil {
		return nil, err
	}
	b := &backend{segCfg: cfg.segment, sources: cfg.sources, crawl: cfg.crawl, jobs: indexer.NewJobs(ctx)}
	b.segPtr.Store(seg)
	dir, writable := cfg.dir, cfg.writable
	switch {
	case dir == "":
		err = b.openSample(ctx)
	case writable:
		err = b.openWritable(dir)
	default:
		err = b.openDir(dir)
	}
	if cfg.serving && errors.Is(err, indexer.ErrNoGoodGeneration) {
		err = b.openUnavailable(dir, err)
	}
	if err != nil {
		return nil, err
	}
	b.engine = search.New(b.readers, func() search.Analysis { return b.seg() }, search.Config{})
	return b, nil
}

// seg is the current segmenter; a dictionary reload swaps it.
func (b *backend) seg() *segment.Segmenter { return b.segPtr.Load() }

func (b *backend) analyzers() indexer.Analyzers { return b.seg() }

func (b *backend) openDir(path string) error {
	d, err := indexer.OpenDir(path)
	if err != nil {
		return err
	}
	h, err := d.OpenReaders()
	if err != nil {
		return fmt.Errorf("index %s: %w", path, err)
	}
	b.dir, b.readers, b.close = d, h, h.Close
	return nil
}

// openUnavailable serves no index yet: every generation of path is
// damaged (reason). Searches and /readyz answer 503 with the reason,
// writes are disabled, and the server follows CURRENT: the first good
// generation a run writes is served.
func (b *backend) openUnavailable(path string, reason error) error {
	d, err := indexer.OpenDir(path)
	if err != nil {
		return errors.Join(reason, err)
	}
	slog.Error("index: no usable generation; serving nothing until a good one is written", "index", path, "err", reason)
	b.dir, b.readers, b.writable = d, indexer.UnavailableReaders(reason), nil
	b.close = b.readers.Close
	return nil
}

func (b *backend) openWritable(path string) error {
	d, err := indexer.OpenDir(path)
	if err != nil {
		return err
	}
	x, err := d.OpenWritable(b.analyzers)
	if err != nil {
		return fmt.Errorf("index %s: %w", path, err)
	}
	b.dir, b.writable, b.readers = d, x, x.Readers()
	b.close = func() { logClose("index", x.Close()) }
	return nil
}

func (b *backend) openSample(ctx context.Context) error {
	docs, err := corpus.Sample()
	if err != nil {
		return fmt.Errorf("sample corpus: %w", err)
	}
	ch := make(chan corpus.Document, len(docs))
	for _, d := range docs {
		ch <- d
	}
	close(ch)
	w, n, err := indexer.Memory(ctx, ch, b.seg(), indexer.Options{})
	if err != nil {
		return fmt.Errorf("index sample corpus: %w", err)
	}
	x, err := indexer.NewMemoryWritable(w, b.analyzers)
	if err != nil {
		return err
	}
	slog.Info("indexed the embedded sample corpus in memory", "documents", n)
	b.writable, b.readers = x, x.Readers()
	b.close = func() { logClose("in-memory index", x.Close()) }
	return nil
}

// follow keeps the served generation in step with the data directory's
// CURRENT until ctx ends.
func (b *backend) follow(ctx context.Context, every time.Duration) {
	switch {
	case b.writable != nil:
		b.writable.Watch(ctx, every)
	case b.dir != nil:
		b.dir.Watch(ctx, b.readers, every)
	}
}

// newSegmenter is segment.New(cfg) with the word dictionaries cached under
// dictCacheDir unless cfg names a cache directory: every command but the
// first on a machine loads them (~40 ms) instead of building them (~0.7 s).
func newSegmenter(cfg segment.Config) (*segment.Segmenter, error) {
	if cfg.CacheDir == "" {
		cfg.CacheDir = dictCacheDir()
	}
	if cfg.OnCacheError == nil {
		cfg.OnCacheError = func(err error) { slog.Warn("dictionary cache", "err", err) }
	}
	seg, err := segment.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("load dictionaries: %w", err)
	}
	return seg, nil
}

// dictCacheDir is where wensou keeps the word dictionaries it builds
// (segment.Config.CacheDir), so that the next start with the same
// dictionaries loads them instead of rebuilding: "wensou" under the user's
// cache directory, or "" (no cache) when the user has none ($HOME unset).
func dictCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "wensou")
}

func logClose(what string, err error) {
	if err != nil {
		slog.Error("close "+what, "err", err)
	}
}

// addAnalysisFlags adds the dictionary flags to cmd.
func addAnalysisFlags(cmd *cobra.Command, cfg *backendConfig) {
	cmd.Flags().StringVar(&cfg.segment.UserDict, "user-dict", "", "extra user dictionary file (word [freq [pos]] per line); reloaded by POST /api/admin/dictionary/reload")
	cmd.Flags().StringVar(&cfg.segment.Synonyms, "synonyms", "", "synonyms file (one group per line, words separated by / or ,); default: embedded")
	cmd.Flags().StringVar(&cfg.segment.StopWords, "stop-words", "", "query stop-word file; default: embedded")
}

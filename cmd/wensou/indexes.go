package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wensou/wensou/config"
	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/crawl"
	"github.com/wensou/wensou/httpapi"
	"github.com/wensou/wensou/indexer"
	"github.com/wensou/wensou/search"
	"github.com/wensou/wensou/segment"
)

// The named indexes of a server (httpapi.Indexes): each is a data
// directory of generations under DIR/indexes/NAME, beside its
// settings.json and the dictionary files its settings hold.
//
//	DIR/indexes/NAME/settings.json   config.IndexSettings
//	DIR/indexes/NAME/user_dict.txt   (and synonyms.txt, stop_words.txt)
//	DIR/indexes/NAME/CURRENT, gen-…  as any data directory
const (
	indexesDir   = "indexes"
	settingsFile = "settings.json"
)

// registry opens, creates, changes and deletes the named indexes.
type registry struct {
	ctx      context.Context // the server's: the indexes' jobs and follow loops end with it
	root     string          // DIR/indexes
	seg      segment.Config  // the dictionary cache the indexes share
	search   search.Config   // the server's limits and cache; each index adds its fields and weights
	crawl    crawl.Options
	sources  []string // the server's own sources: a named index's path sources must lie under one
	writable bool
	def      *backend // the default index, for List

	mu    sync.Mutex
	named map[string]*namedIndex
}

// namedIndex is one open named index.
type namedIndex struct {
	name     string
	settings config.IndexSettings
	raw      []byte // settings as stored (canonical JSON)
	b        *backend
	engine   *search.Engine // with the settings' fields and weights; replaced when they change
	stop     context.CancelFunc
}

// indexesRoot is where the named indexes of data directory dir live;
// without one (the embedded sample) a temporary directory that remove
// deletes.
func indexesRoot(dir string) (root string, remove func(), err error) {
	if dir != "" {
		return filepath.Join(dir, indexesDir), func() {}, nil
	}
	tmp, err := os.MkdirTemp("", "wensou-indexes-")
	if err != nil {
		return "", nil, fmt.Errorf("named indexes: %w", err)
	}
	slog.Info("named indexes are kept in a temporary directory until the server stops (no --index)", "dir", tmp)
	return tmp, func() { logClose("named indexes", os.RemoveAll(tmp)) }, nil
}

// openRegistry opens every named index under g.root.
func (g *registry) open() error {
	g.named = map[string]*namedIndex{}
	entries, err := os.ReadDir(g.root)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("named indexes: %w", err)
	}
	for _, e := range entries {
		if !e.IsDir() || config.ValidIndexName(e.Name()) != nil {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(g.root, e.Name(), settingsFile))
		if errors.Is(err, os.ErrNotExist) {
			continue // not an index (a creation that did not finish)
		}
		if err != nil {
			return fmt.Errorf("index %s: %w", e.Name(), err)
		}
		s, err := config.ParseIndexSettings(raw)
		if err == nil {
			raw, err = canonical(s)
		}
		if err != nil {
			return fmt.Errorf("index %s: %s: %w", e.Name(), settingsFile, err)
		}
		n, err := g.openIndex(e.Name(), s, raw)
		if err != nil {
			return fmt.Errorf("index %s: %w", e.Name(), err)
		}
		g.named[e.Name()] = n
	}
	return nil
}

// close closes every named index.
func (g *registry) close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, n := range g.named {
		n.close()
	}
	g.named = nil
}

// segConfig is the analysis of index name with settings s.
func (g *registry) segConfig(name string, s config.IndexSettings) segment.Config {
	c := g.seg
	files := s.DictionaryFiles()
	path := func(f string) string {
		if _, ok := files[f]; ok {
			return filepath.Join(g.root, name, f)
		}
		return ""
	}
	c.UserDict, c.Synonyms, c.StopWords = path(config.UserDictFile), path(config.SynonymsFile), path(config.StopWordsFile)
	return c
}

// openIndex opens the index in g.root/name, first writing it an empty
// generation when it has none.
func (g *registry) openIndex(name string, s config.IndexSettings, raw []byte) (*namedIndex, error) {
	dir := filepath.Join(g.root, name)
	segCfg := g.segConfig(name, s)
	if err := g.ensureGeneration(dir, segCfg); err != nil {
		return nil, err
	}
	ctx, stop := context.WithCancel(g.ctx)
	b, err := openBackendWith(ctx, backendConfig{dir: dir, writable: g.writable, serving: true, segment: segCfg,
		sources: s.Sources, crawl: g.crawl})
	if err != nil {
		stop()
		return nil, err
	}
	n := &namedIndex{name: name, settings: s, raw: raw, b: b, stop: stop}
	n.engine = search.New(b.readers, func() search.Analysis { return b.seg() }, s.Search(g.search))
	go b.follow(ctx, time.Second)
	return n, nil
}

// ensureGeneration gives a new index's directory its first, empty
// generation, so that it opens for writing like any other.
func (g *registry) ensureGeneration(dir string, segCfg segment.Config) error {
	d, err := indexer.OpenDir(dir)
	if err != nil {
		return err
	}
	if gens, err := d.Generations(); err != nil || len(gens) > 0 {
		return err
	}
	seg, err := newSegmenter(segCfg)
	if err != nil {
		return err
	}
	docs := make(chan corpus.Document)
	close(docs)
	_, _, err = d.Build(g.ctx, docs, seg, indexer.Options{AllowEmpty: true})
	return err
}

func (n *namedIndex) close() {
	n.stop()
	n.b.jobs.Close()
	n.b.close()
}

// Index is httpapi.Indexes.Index.
func (g *registry) Index(name string) (httpapi.Index, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	n, err := g.lookup(name)
	if err != nil {
		return httpapi.Index{}, err
	}
	deps := httpapi.Deps{Searcher: n.engine, Admin: namedAdmin{n.b, n.engine}, Generation: n.b.readers.Name}
	if n.b.writable != nil {
		deps.Writer = n.b.writable
	}
	return httpapi.Index{Deps: deps, FieldTypes: n.settings.FieldTypes(), FacetFields: n.settings.FacetFields()}, nil
}

// namedAdmin is a named index's backend with the zero-result log of its
// current engine.
type namedAdmin struct {
	*backend
	engine *search.Engine
}

func (a namedAdmin) ZeroResults(n int) []search.QueryCount { return a.engine.ZeroResults(n) }

// List is httpapi.Indexes.List: the default index, then the named ones
// by name.
func (g *registry) List(ctx context.Context) ([]httpapi.IndexInfo, error) {
	def, err := g.Info(ctx, config.DefaultIndex)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	names := slices.Sorted(maps.Keys(g.named))
	g.mu.Unlock()
	out := []httpapi.IndexInfo{def}
	for _, name := range names {
		info, err := g.Info(ctx, name)
		if errors.Is(err, httpapi.ErrIndexNotFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return nil, err
		}
		out = append(out, info)
	}
	return out, nil
}

// Info is httpapi.Indexes.Info.
func (g *registry) Info(ctx context.Context, name string) (httpapi.IndexInfo, error) {
	if name == config.DefaultIndex {
		return indexInfo(ctx, name, g.def.engine, nil)
	}
	g.mu.Lock()
	n, err := g.lookup(name)
	var e *search.Engine
	var raw []byte
	if err == nil {
		e, raw = n.engine, n.raw
	}
	g.mu.Unlock()
	if err != nil {
		return httpapi.IndexInfo{}, err
	}
	return indexInfo(ctx, name, e, raw)
}

func indexInfo(ctx context.Context, name string, e *search.Engine, settings []byte) (httpapi.IndexInfo, error) {
	info := httpapi.IndexInfo{Name: name, Settings: settings}
	st, err := e.Stats(ctx)
	if err != nil && !errors.Is(err, indexer.ErrNoGoodGeneration) {
		return info, fmt.Errorf("index %s: %w", name, err)
	}
	info.Documents, info.Generation = int(st.Documents), st.Generation
	return info, nil
}

// Put is httpapi.Indexes.Put.
func (g *registry) Put(ctx context.Context, name string, body []byte) (httpapi.IndexInfo, httpapi.PutResult, error) {
	if err := config.ValidIndexName(name); err != nil {
		return httpapi.IndexInfo{}, 0, fmt.Errorf("%w: %w", httpapi.ErrBadIndex, err)
	}
	s, err := config.ParseIndexSettings(body)
	if err == nil {
		err = g.checkSources(s.Sources)
	}
	if err != nil {
		return httpapi.IndexInfo{}, 0, fmt.Errorf("%w: %w", httpapi.ErrBadIndex, err)
	}
	raw, err := canonical(s)
	if err != nil {
		return httpapi.IndexInfo{}, 0, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	n, err := g.lookup(name)
	switch {
	case err != nil && !errors.Is(err, httpapi.ErrIndexNotFound):
		return httpapi.IndexInfo{}, 0, err
	case err != nil:
		n, err = g.create(name, s, raw)
		if err != nil {
			return httpapi.IndexInfo{}, 0, err
		}
		g.named[name] = n
		info, err := indexInfo(ctx, name, n.engine, n.raw)
		return info, httpapi.PutCreated, err
	case string(n.raw) == string(raw):
		info, err := indexInfo(ctx, name, n.engine, n.raw)
		return info, httpapi.PutSame, err
	}
	job, err := g.change(n, s, raw)
	if err != nil {
		return httpapi.IndexInfo{}, 0, err
	}
	info, err := indexInfo(ctx, name, n.engine, n.raw)
	info.Job = &job
	return info, httpapi.PutChanged, err
}

// checkSources refuses path sources outside the server's own sources: a
// key that manages indexes must not read the server's other files.
func (g *registry) checkSources(sources []string) error {
	for _, src := range sources {
		if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
			continue
		}
		abs, err := filepath.Abs(src)
		if err != nil {
			return fmt.Errorf("source %q: %w", src, err)
		}
		if !slices.ContainsFunc(g.sources, func(root string) bool { return within(root, abs) }) {
			return fmt.Errorf("source %q: a path source must lie under one of the server's sources (the sources key)", src)
		}
	}
	return nil
}

// within says path is root or inside it.
func within(root, path string) bool {
	r, err := filepath.Abs(root)
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(r, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// create makes a new index: its directory, dictionary files, settings
// (written last: a directory without settings.json is no index), first
// generation. A failure removes what it made.
func (g *registry) create(name string, s config.IndexSettings, raw []byte) (*namedIndex, error) {
	dir := filepath.Join(g.root, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("index %s: %w", name, err)
	}
	n, err := g.createIn(dir, name, s, raw)
	if err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	slog.Info("index created", "index", name)
	return n, nil
}

func (g *registry) createIn(dir, name string, s config.IndexSettings, raw []byte) (*namedIndex, error) {
	if err := writeSettings(dir, s, raw); err != nil {
		return nil, err
	}
	if _, err := newSegmenter(g.segConfig(name, s)); err != nil {
		return nil, fmt.Errorf("%w: %w", httpapi.ErrBadIndex, err)
	}
	return g.openIndex(name, s, raw)
}

// writeSettings writes the dictionary files of s (removing those it has
// none of), then settings.json, each atomically.
func writeSettings(dir string, s config.IndexSettings, raw []byte) error {
	files := s.DictionaryFiles()
	for _, f := range []string{config.UserDictFile, config.SynonymsFile, config.StopWordsFile} {
		text, ok := files[f]
		if !ok {
			if err := os.Remove(filepath.Join(dir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("remove %s: %w", f, err)
			}
			continue
		}
		if err := writeAtomic(filepath.Join(dir, f), []byte(text)); err != nil {
			return err
		}
	}
	return writeAtomic(filepath.Join(dir, settingsFile), raw)
}

// writeAtomic writes b to path through a synced temporary file renamed
// over it.
func writeAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	_, err = f.Write(b)
	err = errors.Join(err, f.Sync(), f.Close())
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return errors.Join(fmt.Errorf("write %s: %w", filepath.Base(path), err), os.Remove(tmp))
	}
	return nil
}

// change applies new settings to an open index without downtime: the new
// fields and weights are searched at once, and a job re-analyses the
// stored documents with the new dictionaries into a new generation (the
// path of a dictionary reload). Bad dictionaries or a job already
// running change nothing.
func (g *registry) change(n *namedIndex, s config.IndexSettings, raw []byte) (indexer.Job, error) {
	dir := filepath.Join(g.root, n.name)
	segCfg := g.segConfig(n.name, s)
	if err := writeSettings(dir, s, raw); err != nil {
		return indexer.Job{}, errors.Join(err, writeSettings(dir, n.settings, n.raw))
	}
	seg, err := newSegmenter(segCfg)
	if err != nil {
		return indexer.Job{}, errors.Join(fmt.Errorf("%w: %w", httpapi.ErrBadIndex, err), writeSettings(dir, n.settings, n.raw))
	}
	b := n.b
	job, err := b.jobs.Start("settings", func(ctx context.Context, progress func(int, int64)) (indexer.Changes, error) {
		b.segPtr.Store(seg)
		return b.reanalyze(ctx, indexer.Options{Progress: progress})
	})
	if err != nil {
		return job, errors.Join(err, writeSettings(dir, n.settings, n.raw))
	}
	b.segCfg, b.sources = segCfg, s.Sources
	n.settings, n.raw = s, raw
	n.engine = search.New(b.readers, func() search.Analysis { return b.seg() }, s.Search(g.search))
	slog.Info("index settings changed; re-analysing", "index", n.name, "job", job.ID)
	return job, nil
}

// Delete is httpapi.Indexes.Delete: the index's job is cancelled, the
// index closed and its directory removed.
func (g *registry) Delete(_ context.Context, name string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	n, ok := g.named[name]
	if !ok {
		return fmt.Errorf("%w: %s", httpapi.ErrIndexNotFound, name)
	}
	delete(g.named, name)
	n.close()
	dir := filepath.Join(g.root, name)
	// settings.json first: a removal cut short leaves no half index.
	if err := os.Remove(filepath.Join(dir, settingsFile)); err != nil {
		return fmt.Errorf("delete index %s: %w", name, err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("delete index %s: %w", name, err)
	}
	slog.Info("index deleted", "index", name)
	return nil
}

// lookup returns the open index name, opening it first when `wensou index
// --index-name` created it since the server started. g.mu is held.
func (g *registry) lookup(name string) (*namedIndex, error) {
	if n, ok := g.named[name]; ok {
		return n, nil
	}
	notFound := fmt.Errorf("%w: %s", httpapi.ErrIndexNotFound, name)
	if config.ValidIndexName(name) != nil || g.named == nil {
		return nil, notFound
	}
	raw, err := os.ReadFile(filepath.Join(g.root, name, settingsFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", name, err)
	}
	s, err := config.ParseIndexSettings(raw)
	if err == nil {
		raw, err = canonical(s)
	}
	if err != nil {
		return nil, fmt.Errorf("index %s: %s: %w", name, settingsFile, err)
	}
	n, err := g.openIndex(name, s, raw)
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", name, err)
	}
	g.named[name] = n
	slog.Info("index opened", "index", name)
	return n, nil
}

// canonical is settings as stored and compared: a PUT of the same
// settings, however spelt, changes nothing.
func canonical(s config.IndexSettings) ([]byte, error) {
	raw, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("settings: %w", err)
	}
	return raw, nil
}

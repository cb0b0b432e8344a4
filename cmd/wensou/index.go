package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/wensou/wensou/config"
	"github.com/wensou/wensou/corpus"
	"github.com/wensou/wensou/crawl"
	"github.com/wensou/wensou/indexer"
	"github.com/wensou/wensou/segment"
)

type indexFlags struct {
	config  string
	sets    []string
	full    bool
	asJSON  bool
	maxSize int64
	batch   int
	writers int
	maxSegs int
	cpuProf string
	name    string // --index-name: a named index under DIR/indexes/
}

// indexRun is what an index run needs besides its flags: the resolved
// configuration and where it reports.
type indexRun struct {
	dir      string
	userDict string
	sources  []string
	out      io.Writer // the summary
	progress *progress // nil: none (--json)
	fields   map[string]corpus.FieldType
	cluster  publishTo     // where to publish the generation built (none without cluster.nats)
	crawl    crawl.Options // URL sources (config.CrawlOptions)
}

func newIndexCmd() *cobra.Command {
	var f indexFlags
	cmd := &cobra.Command{
		Use:   "index --index DIR [--full] [--config FILE] SOURCE...",
		Short: "Index HTML/text/Markdown files, directories and JSONL files into DIR (created if missing)",
		Long: `Index sources into the data directory DIR, created if missing: a new
generation, switched to atomically. Without SOURCE arguments the configured
sources (the sources key of --config FILE or WENSOU_SOURCES) are read. The
index directory and the user dictionary come from the flags, else from the
configuration that serve uses (index, dictionaries.user_dict).`,
		RunE: func(cmd *cobra.Command, args []string) error {
			load := configLoader(&f.config, &f.sets, cmd.Flags(), indexFlagKeys(), os.LookupEnv)
			run, err := newIndexRun(load, args, cmd.OutOrStdout(), f.asJSON, f.name)
			if err != nil {
				return err
			}
			stop, err := startCPUProfile(f.cpuProf)
			if err != nil {
				return err
			}
			return errors.Join(runIndex(cmd.Context(), run, f), stop())
		},
	}
	fl := cmd.Flags()
	addConfigFlags(fl, &f.config, &f.sets)
	fl.String("index", "", "data directory of the index (required here or as index in --config)")
	fl.StringVar(&f.name, "index-name", "", "index into the named index NAME of DIR (DIR/indexes/NAME, created if missing), with its settings: fields, dictionary, sources")
	fl.BoolVar(&f.full, "full", false, "full rebuild into a new generation")
	fl.BoolVar(&f.asJSON, "json", false, "print the summary as one JSON object")
	fl.Int64Var(&f.maxSize, "max-file-size", indexer.DefaultMaxFileSize, "skip source files larger than this many bytes")
	fl.IntVar(&f.batch, "batch", 0, "documents per index batch (default 1000)")
	fl.IntVar(&f.writers, "writers", 0, "batches built in parallel (default 2; each costs an interim segment of memory)")
	fl.IntVar(&f.maxSegs, "max-segments", 0, "segments a full run leaves: past one accumulator (512 MiB of analysed text) a run writes several and merges them down to this many (default 1: searches are fastest on one; more: the run ends sooner)")
	addCrawlFlags(fl)
	fl.StringVar(&f.cpuProf, "cpuprofile", "", "write a CPU profile of the run to FILE (go tool pprof FILE)")
	fl.String("user-dict", "", "user dictionary file (word [freq [pos]] per line), the one the server uses (dictionaries.user_dict)")
	fl.StringArray("nats", nil, "NATS JetStream URL of the cluster (repeatable): publish the generation built for the other replicas to fetch")
	fl.String("advertise", "", "base URL of the server that serves this data directory (http://HOST:PORT): where replicas fetch the generation")
	cmd.AddCommand(newRollbackCmd())
	return cmd
}

// newIndexRun resolves the configuration of a run.
func newIndexRun(load func() (config.Config, []string, error), args []string, out io.Writer, asJSON bool, name string) (indexRun, error) {
	c, warnings, err := load()
	if err != nil {
		return indexRun{}, err
	}
	for _, w := range warnings {
		slog.Warn("configuration", "warning", w)
	}
	run := indexRun{dir: c.Index, userDict: c.Dictionaries.UserDict, sources: args, out: out, fields: c.FieldTypes(),
		cluster: publishTo{nats: c.Cluster.NATS, advertise: c.Cluster.Advertise, replicas: c.Cluster.LogReplicas, node: c.Cluster.Node},
		crawl:   c.CrawlOptions()}
	if len(run.sources) == 0 {
		run.sources = c.Sources
	}
	if run.dir == "" {
		return run, errors.New("no index directory: give --index DIR (or index in --config)")
	}
	if name != "" {
		if err := run.named(name, args); err != nil {
			return run, err
		}
	}
	switch {
	case len(run.sources) == 0:
		return run, errors.New("no sources: give SOURCE arguments (or sources in --config)")
	}
	if !asJSON {
		run.progress = newProgress(os.Stderr, isatty.IsTerminal(os.Stderr.Fd()), slog.Default(), time.Now, sourceBytes(run.sources))
	}
	return run, nil
}

func newRollbackCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "rollback --index DIR",
		Short: "Serve the previous index generation again (a running server switches within seconds)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkIndexDir(dir); err != nil {
				return err
			}
			d, err := indexer.OpenDir(dir)
			if err != nil {
				return err
			}
			prev, err := d.Rollback()
			if err != nil {
				return fmt.Errorf("rollback %s: %w", dir, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "now serving %s\n", prev)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "index", "", "data directory of the index (required)")
	_ = cmd.MarkFlagRequired("index")
	return cmd
}

// summary is what an index run prints.
type summary struct {
	Added      int            `json:"added"`
	Updated    int            `json:"updated"`
	Deleted    int            `json:"deleted"`
	Unchanged  int            `json:"unchanged"`
	Skipped    int            `json:"skipped"`
	Errors     int            `json:"errors"`
	Error      string         `json:"error,omitempty"` // what failed; the served generation is unchanged
	Documents  int            `json:"documents"`
	Segments   int            `json:"segments"`
	Articles   int64          `json:"articles"`
	Related    int64          `json:"related"`
	Bytes      int64          `json:"bytes"`
	Seconds    float64        `json:"seconds"`
	Generation string         `json:"generation"`
	Published  string         `json:"published,omitempty"` // the generation as published to the cluster
	SkipList   []indexer.Skip `json:"skipped_sources,omitempty"`
	// Duplicates are the articles of this run dropped as another form of
	// one kept (the same title and text), with the one kept.
	Duplicates []indexer.Duplicate `json:"duplicates,omitempty"`
	// UndeclaredFields counts the documents per own field that the
	// configuration's fields do not declare (kept and indexed as text).
	UndeclaredFields map[string]int64 `json:"undeclared_fields,omitempty"`
	// Crawl counts the requests of URL sources (absent without them).
	Crawl *crawl.Stats `json:"crawl,omitempty"`
}

// startCPUProfile profiles the process into path until stop; "" does
// nothing.
func startCPUProfile(path string) (stop func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		return nil, errors.Join(fmt.Errorf("cpu profile: %w", err), f.Close())
	}
	return func() error {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		return nil
	}, nil
}

func hasURL(sources []string) bool {
	for _, s := range sources {
		if crawl.IsURL(s) {
			return true
		}
	}
	return false
}

func runIndex(ctx context.Context, run indexRun, f indexFlags) error {
	start := time.Now()
	seg, err := newSegmenter(segment.Config{UserDict: run.userDict})
	if err != nil {
		return err
	}
	d, err := indexer.OpenDir(run.dir)
	if err != nil {
		return err
	}
	opt := indexer.Options{BatchSize: f.batch, Writers: f.writers, MaxSegments: f.maxSegs}
	if run.progress != nil {
		opt.Progress = run.progress.update
	}
	crawler := newCrawler(run.crawl)
	stopWatch := func() {}
	if run.progress != nil && hasURL(run.sources) {
		stopWatch = run.progress.watchCrawl(crawler.Stats)
	}
	name, ch, rep, err := d.IndexSources(ctx, run.sources, indexer.SourceOptions{MaxFileSize: f.maxSize, Fields: run.fields, URLs: crawlSource{crawler}},
		seg, opt, f.full)
	stopWatch()
	if run.progress != nil {
		run.progress.finish(err == nil)
	}
	s := summary{Added: ch.Added, Updated: ch.Updated, Deleted: ch.Deleted, Unchanged: ch.Unchanged,
		Documents: ch.Documents, Segments: ch.Segments, Generation: name, Seconds: time.Since(start).Seconds()}
	if rep != nil {
		s.Articles, s.Related, s.Bytes = rep.Articles, rep.Related, rep.Bytes
		s.Skipped, s.SkipList = len(rep.Skipped), rep.Skipped
		s.Duplicates = rep.Duplicates
		s.UndeclaredFields = rep.Undeclared
	}
	if hasURL(run.sources) {
		st := crawler.Stats()
		s.Crawl = &st
	}
	if err == nil && len(run.cluster.nats) > 0 {
		s.Published, err = publishGeneration(ctx, run.cluster, d, name)
	}
	if err != nil {
		s.Errors, s.Error = 1, err.Error()
	}
	if perr := printSummary(run.out, s, f.asJSON); perr != nil {
		return errors.Join(err, perr)
	}
	if err != nil {
		return fmt.Errorf("index %s: %w", run.dir, err)
	}
	return nil
}

// printSummary writes the summary in one write: a failed run never
// leaves half a summary.
func printSummary(w io.Writer, s summary, asJSON bool) error {
	var b strings.Builder
	if asJSON {
		if err := json.NewEncoder(&b).Encode(s); err != nil {
			return fmt.Errorf("summary: %w", err)
		}
	} else {
		writeSummary(&b, s)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeSummary(b *strings.Builder, s summary) {
	read := fmt.Sprintf("read %s, %s, %.1f MB of text", plural(int(s.Articles), "article", "articles"),
		plural(int(s.Related), "related entry", "related entries"), float64(s.Bytes)/1e6)
	if s.Error != "" {
		fmt.Fprintf(b, "index run failed after %.2fs: %s\n  the served generation is unchanged; %s\n", s.Seconds, s.Error, read)
	} else {
		fmt.Fprintf(b, "%s: %s (%s) in %.2fs\n", s.Generation, plural(s.Documents, "document", "documents"), read, s.Seconds)
		fmt.Fprintf(b, "  added %d, updated %d, deleted %d, unchanged %d, skipped %d\n",
			s.Added, s.Updated, s.Deleted, s.Unchanged, s.Skipped)
	}
	if c := s.Crawl; c != nil {
		fmt.Fprintf(b, "  crawl: fetched %d, not modified %d, skipped by robots %d, noindex %d, gone %d, kept %d, failed %v, %.1f MB, %.1f requests/s\n",
			c.Fetched, c.NotModified, c.SkippedRobots, c.Noindex, c.Gone, c.Kept, c.Failed, float64(c.Bytes)/1e6, c.RequestsPerS)
	}
	for _, sk := range s.SkipList {
		fmt.Fprintf(b, "  skipped %s: %s\n", sk.Source, sk.Reason)
	}
	for _, d := range s.Duplicates {
		fmt.Fprintf(b, "  one article: kept %s, dropped %s (%s)\n", d.Kept, d.Dropped, d.Source)
	}
	if len(s.UndeclaredFields) > 0 {
		var parts []string
		for _, name := range slices.Sorted(maps.Keys(s.UndeclaredFields)) {
			parts = append(parts, fmt.Sprintf("%s (%s)", name, plural(int(s.UndeclaredFields[name]), "document", "documents")))
		}
		fmt.Fprintf(b, "  fields not declared in the configuration, kept and indexed as text: %s\n", strings.Join(parts, ", "))
	}
}

// named points the run at the named index name of its data directory:
// its settings (created empty when the index is new) give the fields,
// the user dictionary and, without SOURCE arguments, the sources. A
// running server opens an index created so at its first request.
func (run *indexRun) named(name string, args []string) error {
	if err := config.ValidIndexName(name); err != nil {
		return fmt.Errorf("--index-name: %w", err)
	}
	if err := checkIndexDir(run.dir); err != nil && !errors.Is(err, errNoIndex) {
		return err
	}
	dir := filepath.Join(run.dir, indexesDir, name)
	s, err := readOrCreateSettings(dir)
	if err != nil {
		return fmt.Errorf("index %s: %w", name, err)
	}
	run.dir, run.fields, run.userDict = dir, s.FieldTypes(), ""
	if _, ok := s.DictionaryFiles()[config.UserDictFile]; ok {
		run.userDict = filepath.Join(dir, config.UserDictFile)
	}
	if len(args) == 0 {
		run.sources = s.Sources
	}
	return nil
}

// readOrCreateSettings reads the settings of the named index in dir, or
// gives a new one empty settings.
func readOrCreateSettings(dir string) (config.IndexSettings, error) {
	raw, err := os.ReadFile(filepath.Join(dir, settingsFile))
	if errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return config.IndexSettings{}, err
		}
		return config.IndexSettings{}, writeAtomic(filepath.Join(dir, settingsFile), []byte("{}\n"))
	}
	if err != nil {
		return config.IndexSettings{}, err
	}
	return config.ParseIndexSettings(raw)
}

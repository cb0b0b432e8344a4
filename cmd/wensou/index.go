package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/wensou/wensou/indexer"
	"github.com/wensou/wensou/segment"
)

type indexFlags struct {
	dir      string
	full     bool
	asJSON   bool
	maxSize  int64
	batch    int
	writers  int
	userDict string
}

func newIndexCmd() *cobra.Command {
	var f indexFlags
	cmd := &cobra.Command{
		Use:   "index --index DIR [--full] SOURCE...",
		Short: "Index HTML/text/Markdown files, directories and JSONL files into DIR",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runIndex(cmd.Context(), cmd.OutOrStdout(), f, args)
		},
	}
	cmd.Flags().StringVar(&f.dir, "index", "", "data directory of the index (required)")
	cmd.Flags().BoolVar(&f.full, "full", false, "full rebuild into a new generation")
	cmd.Flags().BoolVar(&f.asJSON, "json", false, "print the summary as one JSON object")
	cmd.Flags().Int64Var(&f.maxSize, "max-file-size", indexer.DefaultMaxFileSize, "skip source files larger than this many bytes")
	cmd.Flags().IntVar(&f.batch, "batch", 0, "documents per index batch (default 1000)")
	cmd.Flags().IntVar(&f.writers, "writers", 0, "batches built in parallel (default 2; each costs an interim segment of memory)")
	cmd.Flags().StringVar(&f.userDict, "user-dict", "", "user dictionary file (word [freq [pos]] per line), the one the server uses (dictionaries.user_dict)")
	_ = cmd.MarkFlagRequired("index")
	cmd.AddCommand(newRollbackCmd())
	return cmd
}

func newRollbackCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "rollback --index DIR",
		Short: "Serve the previous index generation again (a running server switches within seconds)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := indexer.OpenDir(dir)
			if err != nil {
				return err
			}
			prev, err := d.Rollback()
			if err != nil {
				return err
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
	Documents  int            `json:"documents"`
	Segments   int            `json:"segments"`
	Articles   int64          `json:"articles"`
	Related    int64          `json:"related"`
	Bytes      int64          `json:"bytes"`
	Seconds    float64        `json:"seconds"`
	Generation string         `json:"generation"`
	SkipList   []indexer.Skip `json:"skipped_sources,omitempty"`
}

func runIndex(ctx context.Context, out io.Writer, f indexFlags, sources []string) error {
	start := time.Now()
	seg, err := segment.New(segment.Config{UserDict: f.userDict})
	if err != nil {
		return fmt.Errorf("load dictionaries: %w", err)
	}
	d, err := indexer.OpenDir(f.dir)
	if err != nil {
		return err
	}
	opt := indexer.Options{BatchSize: f.batch, Writers: f.writers}
	if !f.asJSON {
		p := newProgress(os.Stderr, sources)
		opt.Progress = p.update
		defer p.finish()
	}
	name, ch, rep, err := d.IndexSources(ctx, sources, indexer.SourceOptions{MaxFileSize: f.maxSize},
		seg, opt, f.full)
	s := summary{Added: ch.Added, Updated: ch.Updated, Deleted: ch.Deleted, Unchanged: ch.Unchanged,
		Documents: ch.Documents, Segments: ch.Segments, Generation: name, Seconds: time.Since(start).Seconds()}
	if rep != nil {
		s.Articles, s.Related, s.Bytes = rep.Articles, rep.Related, rep.Bytes
		s.Skipped, s.SkipList = len(rep.Skipped), rep.Skipped
	}
	if err != nil {
		s.Errors = 1
		if perr := printSummary(out, s, f.asJSON); perr != nil {
			return errors.Join(err, perr)
		}
		return err
	}
	return printSummary(out, s, f.asJSON)
}

func printSummary(w io.Writer, s summary, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(s)
	}
	fmt.Fprintf(w, "%s: %d documents (read %d articles, %d related entries, %.1f MB of text) in %.2fs\n",
		s.Generation, s.Documents, s.Articles, s.Related, float64(s.Bytes)/1e6, s.Seconds)
	fmt.Fprintf(w, "  added %d, updated %d, deleted %d, unchanged %d, skipped %d\n",
		s.Added, s.Updated, s.Deleted, s.Unchanged, s.Skipped)
	for _, sk := range s.SkipList {
		fmt.Fprintf(w, "  skipped %s: %s\n", sk.Source, sk.Reason)
	}
	return nil
}

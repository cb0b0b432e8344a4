package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wensou/wensou/search"
)

func newEvalCmd() *cobra.Command {
	var dir, queries string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "eval [--index DIR] --queries FILE.tsv",
		Short: "Score ranking against judged queries (query<TAB>grade<TAB>title: nDCG@10, MRR, zero results) or known items (qid<TAB>kind<TAB>query<TAB>target_id: success@1/@10 per kind)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			data, err := os.ReadFile(queries)
			if err != nil {
				return fmt.Errorf("queries: %w", err)
			}
			b, err := openBackend(cmd.Context(), dir, false)
			if err != nil {
				return err
			}
			defer b.close()
			if search.IsKnownItemFile(string(data)) {
				return runKnownItems(cmd, b.engine, queries, data, asJSON)
			}
			js, err := search.ReadJudgments(bytes.NewReader(data))
			if err != nil {
				return fmt.Errorf("queries %s: %w", queries, err)
			}
			ev, err := b.engine.Evaluate(cmd.Context(), js)
			if err != nil {
				return err
			}
			if asJSON {
				return json.NewEncoder(cmd.OutOrStdout()).Encode(ev)
			}
			printEval(cmd.OutOrStdout(), ev)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "index", "", "data directory of the index (default: the embedded sample)")
	cmd.Flags().StringVar(&queries, "queries", "", "judged queries, query<TAB>grade<TAB>title")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the evaluation as JSON")
	_ = cmd.MarkFlagRequired("queries")
	return cmd
}

// runKnownItems evaluates a known-item file (qid<TAB>kind<TAB>query<TAB>target_id).
func runKnownItems(cmd *cobra.Command, e *search.Engine, path string, data []byte, asJSON bool) error {
	items, err := search.ReadKnownItems(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("queries %s: %w", path, err)
	}
	ev, err := e.EvaluateKnownItems(cmd.Context(), items)
	if err != nil {
		return err
	}
	if asJSON {
		return json.NewEncoder(cmd.OutOrStdout()).Encode(ev)
	}
	printKnownItems(cmd.OutOrStdout(), ev)
	return nil
}

func printKnownItems(w io.Writer, ev search.KnownItemEvaluation) {
	t := table{aligns: "lrrrrrrrr"}
	t.row("kind", "queries", "success@1", "success@10", "zero", "errors", "p50 ms", "p99 ms", "worst ms")
	for _, k := range ev.Kinds {
		t.row(k.Kind, strconv.Itoa(k.Queries), f3(k.Success1), f3(k.Success10), strconv.Itoa(k.ZeroResults),
			strconv.Itoa(k.Errors), f2(k.P50), f2(k.P99), f2(k.Worst))
	}
	t.write(w)
	misses := table{aligns: "llrrlll", indent: "  "}
	for _, q := range ev.PerQuery {
		if q.Rank == 1 {
			continue
		}
		misses.row(q.QID, q.Kind, "rank "+strconv.Itoa(q.Rank), "total "+fmt.Sprint(q.Total), strconv.Quote(q.Query),
			"target "+q.Target, strings.TrimSpace("first "+q.Top+" "+q.Err))
	}
	if len(misses.rows) > 0 {
		fmt.Fprintln(w)
		misses.write(w)
	}
}

func printEval(w io.Writer, ev search.Evaluation) {
	fmt.Fprintf(w, "queries %d  nDCG@10 %.4f  MRR %.4f  zero-result %d  first hit graded 3: %d/%d\n",
		ev.Queries, ev.NDCG, ev.MRR, ev.ZeroResults, ev.FirstIs3, ev.Queries)
	var worse table
	worse.aligns = "lrrr"
	for _, q := range ev.PerQuery {
		if q.NDCG >= 0.999 && q.FirstTop {
			continue
		}
		worse.row(q.Query, "nDCG "+f3(q.NDCG), "RR "+f3(q.RR), "total "+fmt.Sprint(q.Total))
	}
	if len(worse.rows) == 0 {
		return
	}
	fmt.Fprintln(w)
	worse.write(w)
	for _, q := range ev.PerQuery {
		if q.NDCG >= 0.999 && q.FirstTop {
			continue
		}
		fmt.Fprintf(w, "\n%s\n", q.Query)
		for i, t := range q.Top {
			fmt.Fprintf(w, "   %2d. [%d] %s\n", i+1, q.Grades[i], t)
		}
		if len(q.Missing) > 0 {
			fmt.Fprintf(w, "   missing: %s\n", strings.Join(q.Missing, " | "))
		}
	}
}

func f2(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
func f3(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }

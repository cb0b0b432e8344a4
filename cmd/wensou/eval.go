package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wensou/wensou/search"
)

func newEvalCmd() *cobra.Command {
	var dir, queries string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "eval [--index DIR] --queries FILE.tsv",
		Short: "Score ranking against judged queries (query<TAB>grade<TAB>title): nDCG@10, MRR, zero results",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			js, err := readJudgmentsFile(queries)
			if err != nil {
				return err
			}
			b, err := openBackend(cmd.Context(), dir, false)
			if err != nil {
				return err
			}
			defer b.close()
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

func readJudgmentsFile(path string) ([]search.Judgment, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("queries: %w", err)
	}
	defer f.Close()
	js, err := search.ReadJudgments(f)
	if err != nil {
		return nil, fmt.Errorf("queries %s: %w", path, err)
	}
	return js, nil
}

func printEval(w io.Writer, ev search.Evaluation) {
	fmt.Fprintf(w, "queries %d  nDCG@10 %.4f  MRR %.4f  zero-result %d  first hit graded 3: %d/%d\n",
		ev.Queries, ev.NDCG, ev.MRR, ev.ZeroResults, ev.FirstIs3, ev.Queries)
	for _, q := range ev.PerQuery {
		if q.NDCG >= 0.999 && q.FirstTop {
			continue
		}
		fmt.Fprintf(w, "\n%-12s nDCG %.3f  RR %.3f  total %d\n", q.Query, q.NDCG, q.RR, q.Total)
		for i, t := range q.Top {
			fmt.Fprintf(w, "   %2d. [%d] %s\n", i+1, q.Grades[i], t)
		}
		if len(q.Missing) > 0 {
			fmt.Fprintf(w, "   missing: %s\n", strings.Join(q.Missing, " | "))
		}
	}
}

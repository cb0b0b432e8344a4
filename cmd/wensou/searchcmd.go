package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/wensou/wensou/search"
)

func newSearchCmd() *cobra.Command {
	var dir string
	var asJSON bool
	var req search.Request
	cmd := &cobra.Command{
		Use:   "search [--index DIR] [--json] QUERY...",
		Short: "Search the index from the command line",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := openBackend(cmd.Context(), dir, false)
			if err != nil {
				return err
			}
			defer b.close()
			req.Query = strings.Join(args, " ")
			res, err := b.engine.Search(cmd.Context(), req)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetEscapeHTML(false)
				return enc.Encode(res)
			}
			return printResult(cmd.OutOrStdout(), res)
		},
	}
	cmd.Flags().StringVar(&dir, "index", "", "data directory of the index (default: the embedded sample)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the same JSON as GET /api/search")
	cmd.Flags().IntVar(&req.Page, "page", 1, "result page")
	cmd.Flags().IntVar(&req.Size, "size", 10, "hits per page (1..100)")
	cmd.Flags().BoolVar(&req.Explain, "explain", false, "include score explanations")
	return cmd
}

func printResult(w io.Writer, res *search.Result) error {
	fmt.Fprintf(w, "%d hits for %q (%.2f ms)\n", res.Total, res.Query, float64(res.Took.Microseconds())/1000)
	for i, h := range res.Hits {
		n := (res.Page-1)*res.Size + i + 1
		fmt.Fprintf(w, "%3d. [%s] %s  (%.3f)\n     %s\n", n, h.Kind, h.TitleHTML, h.Score, h.URL)
		if len(h.ScoreByField) > 0 {
			fmt.Fprintf(w, "     score by field: %s\n", formatScores(h.ScoreByField))
		}
		if h.SnippetHTML != "" {
			fmt.Fprintf(w, "     %s\n", strings.ReplaceAll(h.SnippetHTML, "\n", " "))
		}
	}
	return nil
}

func formatScores(m map[string]float64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] })
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %.3f", k, m[k])
	}
	return strings.Join(parts, ", ")
}

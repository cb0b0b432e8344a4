package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

func newAnalyzeCmd() *cobra.Command {
	var asJSON bool
	var bcfg backendConfig // only its dictionaries: analyze needs no index
	cmd := &cobra.Command{
		Use:   "analyze [--json] TEXT...",
		Short: "Show how a text is analysed for queries and for each indexed field (like GET /api/analyze; no index needed)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			e, err := analysisEngine(bcfg.segment)
			if err != nil {
				return err
			}
			fields := e.Analyze(strings.Join(args, " "))
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetEscapeHTML(false)
				return enc.Encode(fields)
			}
			for _, f := range fields {
				var terms []string
				for _, t := range f.Tokens {
					terms = append(terms, fmt.Sprintf("%s[%d:%d]", t.Term, t.Start, t.End))
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%-28s %s\n", f.Field, strings.Join(terms, " "))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the tokens as JSON")
	addAnalysisFlags(cmd, &bcfg)
	return cmd
}

package main

import (
	"github.com/spf13/cobra"
)

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "wensou",
		Short:         "wensou (文搜): full-text search for Chinese content sites",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newIndexCmd(), newServeCmd(), newSearchCmd(), newEvalCmd(), newAnalyzeCmd())
	return root
}

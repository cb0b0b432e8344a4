package main

import (
	"github.com/spf13/cobra"
)

// newRoot is the wensou command with every subcommand; v is what
// `wensou version` and `wensou --version` print.
func newRoot(v buildVersion) *cobra.Command {
	root := &cobra.Command{
		Use:           "wensou",
		Short:         "wensou (文搜): full-text search for Chinese content sites",
		Version:       v.String(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("wensou {{.Version}}\n")
	root.CompletionOptions.HiddenDefaultCmd = true // `wensou completion bash` still works
	root.AddCommand(newIndexCmd(), newServeCmd(), newSearchCmd(), newEvalCmd(), newAnalyzeCmd(),
		newConfigCmd(), newVersionCmd(v), newHealthCmd())
	return root
}

package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/wensou/wensou/config"
)

func newConfigCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Check configuration files",
	}
	check := &cobra.Command{
		Use:   "check FILE",
		Short: "Validate FILE (with the WENSOU_* environment applied) and print the effective configuration, keys redacted",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, warnings, err := config.Load(args[0], os.LookupEnv, nil)
			for _, w := range warnings {
				fmt.Fprintln(cmd.ErrOrStderr(), "warning:", w)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "# %s is valid; effective configuration (file, then WENSOU_* environment, then defaults):\n", args[0])
			return config.Print(cmd.OutOrStdout(), c)
		},
	}
	cmd.AddCommand(check)
	return cmd
}

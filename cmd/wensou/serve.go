package main

import (
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/wensou/wensou/httpapi"
)

func newServeCmd() *cobra.Command {
	var dir, addr, adminKey string
	var bcfg backendConfig
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the search page and JSON API (without --index: the embedded sample corpus)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if adminKey == "" {
				adminKey = os.Getenv("WENSOU_ADMIN_KEY")
			}
			bcfg.dir, bcfg.writable = dir, adminKey != ""
			b, err := openBackendWith(cmd.Context(), bcfg)
			if err != nil {
				return err
			}
			defer b.close()
			go b.follow(cmd.Context(), time.Second)
			deps := httpapi.Deps{Searcher: b.engine, Generation: b.readers.Name}
			if adminKey != "" {
				deps.Writer, deps.Admin = b.writable, b
			}
			srv, err := httpapi.New(httpapi.Config{Addr: addr, AdminKey: adminKey}, deps)
			if err != nil {
				return err
			}
			return srv.ListenAndServe(cmd.Context())
		},
	}
	cmd.Flags().StringVar(&dir, "index", "", "data directory of the index (default: in-memory index of the embedded sample)")
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "listen address HOST:PORT")
	cmd.Flags().StringVar(&adminKey, "admin-key", "", "Bearer key for write and admin routes (or WENSOU_ADMIN_KEY); none: writes disabled")
	addAnalysisFlags(cmd, &bcfg)
	cmd.Flags().StringArrayVar(&bcfg.sources, "source", nil, "source a reindex job reads (file, directory or JSONL; repeatable)")
	return cmd
}

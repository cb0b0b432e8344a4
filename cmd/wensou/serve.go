package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/wensou/wensou/httpapi"
)

func newServeCmd() *cobra.Command {
	var dir, addr string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the search page and JSON API (without --index: the embedded sample corpus)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b, err := openBackend(cmd.Context(), dir)
			if err != nil {
				return err
			}
			defer b.close()
			if b.dir != nil {
				go b.dir.Watch(cmd.Context(), b.readers, time.Second)
			}
			srv, err := httpapi.New(httpapi.Config{Addr: addr}, b.engine, b.readers.Name)
			if err != nil {
				return err
			}
			return srv.ListenAndServe(cmd.Context())
		},
	}
	cmd.Flags().StringVar(&dir, "index", "", "data directory of the index (default: in-memory index of the embedded sample)")
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "listen address HOST:PORT")
	return cmd
}

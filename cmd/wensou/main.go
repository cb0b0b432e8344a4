// Command wensou indexes Chinese articles and serves search over them.
// See `wensou --help` and README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// After the first signal the command shuts down gracefully; a
		// second one gets the default behaviour (immediate exit).
		<-ctx.Done()
		stop()
	}()
	root := newRoot()
	root.AddCommand(newConfigCmd())
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "wensou:", err)
		stop()
		os.Exit(1)
	}
}

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
	if err := newRoot(readBuildVersion()).ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "wensou:", err)
		stop()
		os.Exit(1)
	}
}

// Command wensou-bench is the developer-only performance harness of
// docs/BENCHMARKS.md, kept out of the production wensou binary. It drives
// a built wensou binary (--wensou) over the bench corpora; scripts/bench.sh
// builds both and runs it.
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
	if err := newBenchCmd().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "wensou-bench:", err)
		stop()
		os.Exit(1)
	}
}

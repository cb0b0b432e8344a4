// Command wensou is the thin command line of the service: it turns flags
// and configuration (package config) into calls of the packages corpus,
// segment, indexer, search and httpapi, and prints their results.
//
//	wensou index    build or update an index generation (the only command that creates a data directory)
//	wensou serve    the search page and JSON API
//	wensou search   a query from the terminal (marks in colour on a terminal, plain text otherwise)
//	wensou eval     ranking against judged queries or known items
//	wensou analyze  the analysis of a text (no index needed)
//	wensou config   check a configuration file
//	wensou version  version, commit, Go version (also --version)
//
// The developer-only performance harness is a separate command,
// cmd/wensou-bench (scripts/bench.sh), not part of this binary.
package main

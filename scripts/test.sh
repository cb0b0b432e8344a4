#!/usr/bin/env bash
# The project's one test command (README, .ci/run): installs what the tests
# need on a fresh machine, then vets and tests everything.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== go vet"
go vet ./...

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

echo "== go test"
go test -count=1 ./...

echo "== go test -race (concurrency-sensitive packages)"
go test -count=1 -race ./indexer/... ./search/...

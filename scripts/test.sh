#!/usr/bin/env bash
# The project's one test command (README, .ci/run): installs what the tests
# need on a fresh machine, then vets and tests everything.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== go vet"
go vet ./...

echo "== repository hygiene"
bash scripts/hygiene.sh

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

# The browser test (httpapi/browser_test.go) drives Debian's Chromium; CJK
# fonts make its screenshots readable. Install both when missing (needs
# root; apt is the only way in here: browsers do not download their own).
export WENSOU_SCREENSHOTS="${WENSOU_SCREENSHOTS:-${TMPDIR:-/tmp}/wensou-screenshots}"
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
if ! command -v fc-list >/dev/null || [ -z "$(fc-list :lang=zh family 2>/dev/null)" ]; then
  need+=(fonts-noto-cjk)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "== apt-get install ${need[*]}"
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo -n)
  if ! { "${sudo[@]}" apt-get update -qq && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; }; then
    echo "installing ${need[*]} failed (the browser test needs /usr/bin/chromium)" >&2
    exit 1
  fi
fi

echo "== go test"
go test -count=1 -timeout 20m ./... # cmd/wensou runs real processes for ~6 min on 2 busy cores

echo "== go test -race (concurrency-sensitive packages)"
go test -count=1 -timeout 20m -race ./indexer/... ./search/... ./cluster/...

# Fuzz smoke: every fuzz target in the module, one at a time (go test takes
# one -fuzz target per run), for FUZZTIME each (default 10s; FUZZTIME=0
# skips). A crasher is written to the package's testdata/fuzz/ and fails
# the run. Targets are found with go test -list, so new ones join by
# themselves.
FUZZTIME="${FUZZTIME:-10s}"
if [ "$FUZZTIME" != "0" ]; then
  # A fuzz run on a loaded machine sometimes ends with Go's own "context
  # deadline exceeded" (the coordinator stops while a worker is still
  # minimising) without any failing input: that is retried once. A real
  # failure writes its input under testdata/fuzz/ and fails the script.
  fuzz_once() {
    local out
    for attempt in 1 2; do
      if out=$(go test "$1" -run='^$' -fuzz="^${2}\$" -fuzztime="$FUZZTIME" -fuzzminimizetime=2s 2>&1); then
        echo "$out" | tail -1
        return 0
      fi
      echo "$out" | tail -20
      if ! echo "$out" | grep -q 'context deadline exceeded' || echo "$out" | grep -q 'Failing input written'; then
        return 1
      fi
      echo "(fuzz engine timed out without a failing input; attempt $attempt)"
    done
    return 1
  }
  echo "== fuzz smoke ($FUZZTIME per target)"
  for pkg in $(go list ./...); do
    for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
      echo "-- $pkg $target"
      fuzz_once "$pkg" "$target"
    done
  done
fi

echo "== browser screenshots: $WENSOU_SCREENSHOTS"
ls -1 "$WENSOU_SCREENSHOTS"/*.png 2>/dev/null || echo "(none: the browser test did not run)"

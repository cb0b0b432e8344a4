#!/usr/bin/env bash
# Builds reproducible static release binaries of wensou for linux/amd64 and
# linux/arm64 with their SHA-256 sums:
#
#   bash scripts/release.sh                 # into dist/
#   OUT=/tmp/rel bash scripts/release.sh    # into $OUT
#   TARGETS="linux/amd64" bash scripts/release.sh
#
# Static: CGO_ENABLED=0. Lean: -tags nomsgpack leaves Gin's MessagePack
# codec (github.com/ugorji/go/codec, which wensou never uses) out: 71.1 ->
# 61.6 MB unstripped. Reproducible: -trimpath, no build id, the module
# cache and GOFLAGS of this machine kept out, and the version stamped by
# the Go toolchain itself from the git checkout (-buildvcs=true: the tag
# or a pseudo-version, the commit and its time, "+dirty" for uncommitted
# changes), which `wensou version` prints. The same commit built twice
# gives the same bytes (scripts/release.sh checks nothing else; compare
# the sums).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-dist}
TARGETS=${TARGETS:-"linux/amd64 linux/arm64"}
mkdir -p "$OUT"
version=$(git describe --tags --always --dirty 2>/dev/null || echo unknown)
sums=()
for target in $TARGETS; do
  os=${target%/*} arch=${target#*/}
  bin="$OUT/wensou-$version-$os-$arch"
  echo "== $bin"
  GOFLAGS= CGO_ENABLED=0 GOOS=$os GOARCH=$arch \
    go build -tags nomsgpack -buildvcs=true -trimpath -ldflags="-s -w -buildid=" -o "$bin" ./cmd/wensou
  sums+=("$(basename "$bin")")
done
(cd "$OUT" && sha256sum "${sums[@]}" > "wensou-$version.sha256" && cat "wensou-$version.sha256")
if [ "$(go env GOOS)/$(go env GOARCH)" = "linux/amd64" ] && [ -x "$OUT/wensou-$version-linux-amd64" ]; then
  "$OUT/wensou-$version-linux-amd64" version
fi

#!/usr/bin/env bash
# Repository hygiene (run by scripts/test.sh): fails when a tracked file is
# a compiled binary (ELF, PE, Mach-O, ar archive, Go test binary) or larger
# than 5 MB outside a testdata/ directory. scripts/hygiene.allow lists the
# exceptions, one path a line with the reason in a comment; an exception
# that no longer applies fails too, so the list cannot rot.
set -euo pipefail
cd "$(dirname "$0")/.."
limit=$((5 * 1024 * 1024))
allow=$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' scripts/hygiene.allow 2>/dev/null | grep -v '^$' || true)
allowed() { grep -qxF -- "$1" <<<"$allow"; }
bad=0
used=()
while IFS= read -r -d '' f; do
  [ -f "$f" ] || continue # deleted in the work tree, not yet committed
  size=$(stat -c %s -- "$f")
  magic=$(head -c 8 -- "$f" | od -An -tx1 | tr -d ' \n')
  why=""
  case "$magic" in
    7f454c46*) why="ELF binary" ;;
    4d5a*) why="PE (Windows) binary" ;;
    feedface*|feedfacf*|cefaedfe*|cffaedfe*|cafebabe*) why="Mach-O binary" ;;
    213c617263683e0a*) why="ar archive (.a)" ;;
  esac
  case "$f" in *.test|*.exe|*.o|*.so|*.dylib) why=${why:-"compiled file by its name"} ;; esac
  if [ -z "$why" ] && [ "$size" -gt "$limit" ] && [[ "$f" != testdata/* && "$f" != */testdata/* ]]; then
    why="$((size / 1024 / 1024)) MB, over 5 MB outside testdata/"
  fi
  [ -n "$why" ] || continue
  if allowed "$f"; then
    used+=("$f")
    continue
  fi
  echo "hygiene: $f is tracked: $why (git rm --cached it, or list it in scripts/hygiene.allow with the reason)" >&2
  bad=1
done < <(git ls-files -z)
while IFS= read -r f; do
  [ -n "$f" ] || continue
  if ! printf '%s\n' "${used[@]:-}" | grep -qxF -- "$f"; then
    echo "hygiene: scripts/hygiene.allow lists $f, which needs no exception (any more): remove the line" >&2
    bad=1
  fi
done <<<"$allow"
if [ "$bad" -ne 0 ]; then
  exit 1
fi
echo "hygiene: ok ($(git ls-files | wc -l) tracked files, no binaries, nothing over 5 MB outside testdata/ but the listed exceptions)"

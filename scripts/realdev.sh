#!/usr/bin/env bash
# Extraction quality on the real-news development set: per-article gold and extracted counts,
# precision, recall, F1 and attribution of (speaker, sentence) pairs, and the totals.
#   scripts/realdev.sh [--json]        REALDEV=DIR overrides the folder (default ../shared/realdev)
# DIR holds articles/ID.txt and gold/ID.jsonl; gold files pair with articles by name (their
# stems match). --json prints the JSON Lines form (one "article" line each, then the "total" line)
# instead of the table. The articles are third-party text: they are read here and nothing of them is
# written into the repository. Without the folder (a fresh clone has no ../shared) this says so on
# standard error and exits 0. tests/realdev.rs holds the floors these figures must stay above.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
format=table
case "${1:-}" in
  "") ;;
  --json) format=jsonl ;;
  *) echo "usage: scripts/realdev.sh [--json]   (REALDEV=DIR to override ../shared/realdev)" >&2; exit 2 ;;
esac
# An override is taken relative to the caller's directory; the default relative to the repository.
if [ -n "${REALDEV:-}" ]; then
  dir=$(cd "$REALDEV" 2>/dev/null && pwd) || { echo "realdev: $REALDEV not found; nothing to measure" >&2; exit 0; }
  REALDEV=$dir
fi
cd "$here"
REALDEV=${REALDEV:-../shared/realdev}
if [ ! -d "$REALDEV/articles" ] || [ ! -d "$REALDEV/gold" ]; then
  echo "realdev: $REALDEV not found (a fresh clone has no ../shared); nothing to measure" >&2
  exit 0
fi
shopt -s nullglob
articles=("$REALDEV"/articles/*.txt) gold=("$REALDEV"/gold/*.jsonl)
stems() { for f in "$@"; do f=${f##*/}; echo "${f%.*}"; done; }
if [ "$(stems "${articles[@]}")" != "$(stems "${gold[@]}")" ]; then
  echo "realdev: articles/*.txt and gold/*.jsonl in $REALDEV do not pair by name:" >&2
  diff <(stems "${articles[@]}") <(stems "${gold[@]}") >&2 || true
  exit 1
fi
[ ${#articles[@]} -gt 0 ] || { echo "realdev: no articles in $REALDEV/articles" >&2; exit 1; }
cargo run --release --quiet -- extract --format "$format" "${articles[@]}" --gold "${gold[@]}"

#!/usr/bin/env bash
# Test-split macro-F1 of stance trained on 500, 1,000, 2,000 and all training sentences:
#   scripts/learning_curve.sh [TRAIN.jsonl] [TEST.jsonl]
# Subsets are a fixed sample (training sentences ordered by the SHA-256 of their id, the first N
# taken), trained with the default settings and no cross-validation. Prints a Markdown table.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
train=$(realpath "${1:-$here/data/corpus/train.jsonl}") test=$(realpath "${2:-$here/data/corpus/test.jsonl}")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
bin=$here/target/release/stance
total=$(grep -c . "$train")
echo "| training sentences | test accuracy | test macro-F1 |"
echo "| --- | --- | --- |"
for n in 500 1000 2000 "$total"; do
  [ "$n" -le "$total" ] || continue
  python3 - "$train" "$n" > "$work/sub.jsonl" <<'PY'
import hashlib, json, sys
rows = [l for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
rows.sort(key=lambda l: hashlib.sha256(json.loads(l)["id"].encode()).hexdigest())
sys.stdout.write("".join(rows[: int(sys.argv[2])]))
PY
  "$bin" train --cv 0 --data "$work/sub.jsonl" --out "$work/m.json" 2>/dev/null
  "$bin" eval --format json --model "$work/m.json" --data "$test" |
    python3 -c "import json,sys; r=json.load(sys.stdin); print(f'| $n | {r[\"accuracy\"]:.3f} | {r[\"macro_f1\"]:.3f} |')"
  [ "$n" -ne "$total" ] || break
done

#!/usr/bin/env bash
# Learning curve of the register part of the corpus: the default model's settings trained on the
# first corpus (train + dev) plus 0, 500, 1,000 and all sentences of data/corpus/register/train.jsonl,
# each calibrated (temperature, topic cuts) on data/corpus/register/dev.jsonl as the shipped
# default model is, and measured on real articles (../shared/realdev, when present), on the
# register test split and on the first corpus's test split:
#   scripts/register_curve.sh [REALDEV_GOLD.jsonl]
# Subsets are a fixed sample (register training sentences ordered by the SHA-256 of their id, the
# first N taken; all of them in file order, so the last row is the shipped default model); no
# cross-validation (it does not change the model). Prints a Markdown table.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=$here/data/corpus register=$here/data/corpus/register
realdev=${1:-$here/../shared/realdev/gold.jsonl}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
bin=$here/target/release/stance
total=$(grep -c . "$register/train.jsonl")
figures() { # MODEL DATA -> "macro-F1 topics-micro-F1 ECE"
  "$bin" eval --format json --model "$1" --data "$2" |
    python3 -c "import json,sys; r=json.load(sys.stdin); print(f'{r[\"macro_f1\"]:.3f} | {r[\"topics\"][\"micro_f1\"]:.3f} | {r[\"ece\"]:.3f}')"
}
if [ -f "$realdev" ]; then
  echo "| register sentences | realdev macro-F1 | realdev topics micro-F1 | realdev ECE | register test macro-F1 | topics | ECE | first test macro-F1 | topics | ECE |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
else
  echo "no $realdev: real-article columns left out" >&2
  echo "| register sentences | register test macro-F1 | topics | ECE | first test macro-F1 | topics | ECE |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
fi
for n in 0 500 1000 "$total"; do
  python3 - "$register/train.jsonl" "$n" > "$work/sub.jsonl" <<'PY'
import hashlib, json, sys
rows = [l for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
rows.sort(key=lambda l: hashlib.sha256(json.loads(l)["id"].encode()).hexdigest())
sys.stdout.write("".join(rows[: int(sys.argv[2])]))
PY
  data=("$corpus/train.jsonl" "$corpus/dev.jsonl")
  if [ "$n" -eq "$total" ]; then data+=("$register/train.jsonl"); elif [ "$n" -gt 0 ]; then data+=("$work/sub.jsonl"); fi
  "$bin" train --cv 0 --data "${data[@]}" --dev "$register/dev.jsonl" --out "$work/m.json" 2>/dev/null
  row="| $n"
  [ ! -f "$realdev" ] || row="$row | $(figures "$work/m.json" "$realdev")"
  row="$row | $(figures "$work/m.json" "$register/test.jsonl") | $(figures "$work/m.json" "$corpus/test.jsonl") |"
  echo "$row"
done

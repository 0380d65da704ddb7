#!/usr/bin/env bash
# Default `stance train` (no flags: encoder + n-grams, 5-fold CV and calibration) on each public
# split and on our own corpus, evaluated on the split's test file, with the training time:
#   scripts/public_splits.sh DATASETS_DIR [TRAIN_FLAGS...]     (e.g. ../shared/datasets)
# DATASETS_DIR holds financial_phrasebank/{allagree,50agree}/ and fomc_hawkish_dovish/combined/,
# each with train.jsonl and test.jsonl. These corpora are licensed for non-commercial use: they
# are read here and nothing of them is written into the repository. Extra arguments go to
# `stance train` (e.g. `--encoder none` for the n-gram model). Prints a Markdown table.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
datasets=$(realpath "$1"); shift
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
[ -n "${STANCE_BIN:-}" ] || cargo build --release --quiet --manifest-path "$here/Cargo.toml"
cp "${STANCE_BIN:-$here/target/release/stance}" "$work/stance"
echo "| split | train sentences | macro-F1 | accuracy | training s |"
echo "| --- | --- | --- | --- | --- |"
for pair in "financial_phrasebank-allagree:$datasets/financial_phrasebank/allagree" \
            "financial_phrasebank-50agree:$datasets/financial_phrasebank/50agree" \
            "fomc_hawkish_dovish-combined:$datasets/fomc_hawkish_dovish/combined" \
            "stance-corpus:$here/data/corpus"; do
  name=${pair%%:*} dir=${pair#*:}
  start=$(date +%s.%N)
  "$work/stance" train "$@" --data "$dir/train.jsonl" --out "$work/$name.json" 2> "$work/train.log" \
    || { cat "$work/train.log"; exit 1; }
  end=$(date +%s.%N)
  "$work/stance" eval --format json --model "$work/$name.json" --data "$dir/test.jsonl" > "$work/eval.json"
  python3 - "$work/eval.json" "$name" "$(wc -l < "$dir/train.jsonl")" "$start" "$end" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"| {sys.argv[2]} | {sys.argv[3]} | {r['macro_f1']:.3f} | {r['accuracy']:.3f} | {float(sys.argv[5]) - float(sys.argv[4]):.1f} |")
PY
done

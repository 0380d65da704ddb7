#!/usr/bin/env bash
# Side-by-side accuracy of stance and the peers (scikit-learn, fastText, VADER) on one train/test
# pair, on this machine:
#   scripts/compare.sh TRAIN.jsonl TEST.jsonl [NAME]
# e.g. scripts/compare.sh data/corpus/train.jsonl data/corpus/test.jsonl stance-corpus
# stance is trained on TRAIN only (`train --tune`: settings chosen by cross-validation on TRAIN;
# override with STANCE_TRAIN_FLAGS) and evaluated on TEST; the peers choose their settings by
# cross-validation on TRAIN too (../shared/peers/run). Prints a Markdown table.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
train=$(realpath "$1") test=$(realpath "$2") name=${3:-run}
peers=${PEERS_RUN:-$here/../shared/peers/run}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
# A copy, so that a rebuild while this runs cannot swap the binary between train and eval.
cp "$here/target/release/stance" "$work/stance"
bin=$work/stance
now() { python3 -c "import time; print(time.time())"; }
start=$(now)
# shellcheck disable=SC2086
"$bin" train --cv 0 ${STANCE_TRAIN_FLAGS---tune} --data "$train" --out "$work/model.json" 2>"$work/train.log"
train_s=$(python3 -c "print($(now) - $start)")
"$bin" eval --format json --model "$work/model.json" --data "$test" > "$work/stance.json"
(cd "$work" && "$peers" "$train" "$test" "$name" > "$work/peers.log" 2>&1)
python3 - "$work/stance.json" "$work/peers-$name.json" "$train_s" <<'PY'
import json, sys
ours = json.load(open(sys.argv[1]))
peers = json.load(open(sys.argv[2]))
print("| model | accuracy | macro-F1 | training s |")
print("| --- | --- | --- | --- |")
print(f"| stance (train --tune) | {ours['accuracy']:.3f} | {ours['macro_f1']:.3f} | {float(sys.argv[3]):.1f} |")
for name, r in peers["peers"].items():
    print(f"| {name} | {r['accuracy']:.3f} | {r['macro_f1']:.3f} | {r['train_wall_s']:.1f} |")
PY
grep -h 'tune: chose' "$work/train.log" | sed 's/^/\n/' || true

#!/usr/bin/env bash
# Speed and memory of stance beside the peers, on this machine, in one run (docs/performance.md).
#   scripts/bench_speed.sh [SENTENCES] [ARTICLES] [TRAIN_SENTENCES] [ENCODER_SENTENCES]
#                                                       defaults 1000000 2000 100000 5000
# Builds its inputs from data/ only (nothing from ../shared/datasets):
# - quotes.jsonl: SENTENCES quote records cycling the corpus sentences (all splits), with ids and
#   speakers; timed through `stance score --model fast --quotes` (JSON Lines in, JSON Lines out),
#   all threads and one thread; peak memory from /usr/bin/time.
# - encoder.jsonl: the first ENCODER_SENTENCES of those, timed through the default (encoder)
#   model; and, when ../shared/realdev is there, its 384 real sentences (29 word pieces each on
#   average), cycled to ENCODER_SENTENCES, read at run time and never stored.
# - articles/: ARTICLES files cycling the seed article and the 16 fixture articles; timed through
#   `stance score FOLDER` (reading, extraction, scoring, aggregation).
# - train.jsonl: TRAIN_SENTENCES labelled sentences cycling the training split, each made unique by
#   a numbered clause; timed through `stance train --cv 0` (default settings and --algo nb).
# - the peers (../shared/peers/run) trained on data/corpus/train.jsonl, their in-process
#   throughput measured on SENTENCES sentences (test split cycled, one thread, text -> label).
# Prints a Markdown table.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000000} articles=${2:-2000} n_train=${3:-100000} n_enc=${4:-5000}
peers=${PEERS_RUN:-$here/../shared/peers/run}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
cp "$here/target/release/stance" "$work/stance"
bin=$work/stance
python3 - "$here" "$work" "$n" "$articles" "$n_train" "$n_enc" <<'PY'
import json, os, sys, glob, shutil
here, work, n, n_articles, n_train, n_enc = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
rows = [json.loads(l) for s in ("train", "dev", "test") for l in open(f"{here}/data/corpus/{s}.jsonl")]
with open(f"{work}/quotes.jsonl", "w") as out:
    for i in range(n):
        r = rows[i % len(rows)]
        out.write(json.dumps({"id": f"q{i}", "speaker": r["speaker"], "text": r["text"]}) + "\n")
with open(f"{work}/encoder.jsonl", "w") as out:
    for i in range(n_enc):
        r = rows[i % len(rows)]
        out.write(json.dumps({"id": f"q{i}", "speaker": r["speaker"], "text": r["text"]}) + "\n")
realdev = f"{here}/../shared/realdev/gold.jsonl"
if os.path.exists(realdev):
    real = [json.loads(l) for l in open(realdev)]
    with open(f"{work}/realdev.jsonl", "w") as out:
        for i in range(n_enc):
            r = real[i % len(real)]
            out.write(json.dumps({"id": f"r{i}", "speaker": r["speaker"], "text": r["text"]}) + "\n")
train = [json.loads(l) for l in open(f"{here}/data/corpus/train.jsonl")]
with open(f"{work}/train.jsonl", "w") as out:
    for i in range(n_train):
        r = dict(train[i % len(train)])
        if i >= len(train):
            r["id"] = f"{r['id']}-{i}"
            r["text"] = f"{r['text']} (note {i // len(train)})"
        out.write(json.dumps(r) + "\n")
sources = [f"{here}/data/articles/azerbaijan-us-partnership.txt"] + sorted(glob.glob(f"{here}/tests/fixtures/articles/*.txt"))
os.makedirs(f"{work}/articles")
for i in range(n_articles):
    shutil.copy(sources[i % len(sources)], f"{work}/articles/{i:06d}.txt")
PY
measure() { # LABEL UNITS COUNT command...: wall seconds, peak MB, units/s
  local label=$1 units=$2 count=$3; shift 3
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null 2> "$work/stderr" || { cat "$work/stderr"; exit 1; }
  read -r wall kb < "$work/time"
  python3 -c "import sys; w=float('$wall'); rate=f'{$count/w:,.0f} {sys.argv[2]}/s' if sys.argv[2] else '-'; print(f'| {sys.argv[1]} | {rate} | {w:.2f} s | {$kb/1024:.0f} MB |')" "$label" "$units"
}
echo "| run | throughput | wall | peak memory |"
echo "| --- | --- | --- | --- |"
measure "stance score --model fast --quotes, $n sentences, all cores ($(nproc))" sentences "$n" \
  "$bin" score --model "$here/models/fast.json" --quotes "$work/quotes.jsonl" --format jsonl
measure "stance score --model fast --quotes, $n sentences, --threads 1" sentences "$n" \
  "$bin" score --model "$here/models/fast.json" --threads 1 --quotes "$work/quotes.jsonl" --format jsonl
measure "stance score --quotes (default encoder model), $n_enc corpus sentences, all cores" sentences "$n_enc" \
  "$bin" score --model "$here/models/default.json" --quotes "$work/encoder.jsonl" --format jsonl
if [ -f "$work/realdev.jsonl" ]; then
  measure "stance score --quotes (default encoder model), $n_enc realdev sentences, all cores" sentences "$n_enc" \
    "$bin" score --model "$here/models/default.json" --quotes "$work/realdev.jsonl" --format jsonl
fi
measure "stance score --model fast, $articles articles (extraction included)" articles "$articles" \
  "$bin" score --model "$here/models/fast.json" "$work/articles" --format jsonl
measure "stance train, $n_train sentences, --algo nb" sentences "$n_train" \
  "$bin" train --cv 0 --encoder none --algo nb --data "$work/train.jsonl" --out "$work/nb.json"
if [ "${BENCH_TRAIN_LOGISTIC:-0}" = 1 ]; then
  measure "stance train, $n_train sentences, default (logistic)" sentences "$n_train" \
    "$bin" train --cv 0 --encoder none --data "$work/train.jsonl" --out "$work/logistic.json"
fi
if [ "${BENCH_TRAIN_DEFAULT:-1}" = 1 ]; then
  measure "stance train, the shipped default (encoder) model (5,381 sentences, 5-fold CV, --dev)" sentences 5381 \
    "$bin" train --data "$here/data/corpus/train.jsonl" "$here/data/corpus/dev.jsonl" "$here/data/corpus/register/train.jsonl" \
    --dev "$here/data/corpus/register/dev.jsonl" --out "$work/default.json"
fi
for m in fast default; do
  size=$(stat -c %s "$here/models/$m.json")
  measure "start, load the $m model ($((size / 1024)) KB), explain one sentence" "" 1 \
    "$bin" explain --model "$here/models/$m.json" "Growth will continue."
done
echo
(cd "$work" && "$peers" "$here/data/corpus/train.jsonl" "$here/data/corpus/test.jsonl" bench \
  --peers tfidf_lr,tfidf_svm,fasttext_lr10 --n-throughput "$n" --tp-repeats 1 --n-latency 0 \
  > "$work/peers.log" 2>&1) || { cat "$work/peers.log"; exit 1; }
python3 - "$work/peers-bench.json" "$n" <<'PY'
import json, sys
peers = json.load(open(sys.argv[1]))["peers"]
print(f"| peer (one thread, in-process text -> label, {int(sys.argv[2]):,} sentences) | throughput |")
print("| --- | --- |")
for name, r in peers.items():
    print(f"| {name} | {r['throughput_sents_per_s']:,.0f} sentences/s |")
PY

#!/usr/bin/env bash
# Size of `stance report` pages and time to write them, on this machine (README, "Reports").
#   scripts/bench_report.sh [ARTICLES] [SENTENCES] [EXPERTS]      defaults 1000 100000 1000
# Builds its inputs from data/ and tests/fixtures/ only:
# - articles/: ARTICLES files cycling the 30 fixture articles, each copy's speakers renamed
#   (surname + a suffix of the copy), so that the report has many experts and articles;
#   reported with the fast and with the default (encoder) model.
# - quotes.jsonl: SENTENCES quote records cycling the corpus sentences (all splits), spoken by
#   EXPERTS distinct invented names, each dated (a month of 2023-2024); reported with the fast
#   model.
# Prints a Markdown table: input, model, sentences, experts, MB, seconds (wall), peak MB.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
articles=${1:-1000} n=${2:-100000} experts=${3:-1000}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
target=${CARGO_TARGET_DIR:-$here/target}
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
bin=$target/release/stance
for f in "$here"/tests/fixtures/articles/*.txt; do
  "$bin" extract --format jsonl "$f" || true
done > "$work/speakers.jsonl"
python3 - "$here" "$work" "$articles" "$n" "$experts" <<'PY'
import json, os, sys, glob, re
here, work, n_articles, n, n_experts = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
names = {}
for l in open(f"{work}/speakers.jsonl"):
    q = json.loads(l)
    names.setdefault(q["article"], set()).add(q["speaker"])
files = sorted(glob.glob(f"{here}/tests/fixtures/articles/*.txt"))
suffixes = ["berg", "ova", "enko", "stein", "ski", "ani", "escu", "sen", "uddin", "zade", "ley",
            "mann", "oglu", "ovic", "ardi", "elli", "nder", "wick", "holm", "quist"]
os.makedirs(f"{work}/articles")
for i in range(n_articles):
    f = files[i % len(files)]
    text = open(f).read()
    copy = i // len(files)
    if copy:
        for name in sorted(names.get(f, ()), key=len, reverse=True):
            surname = name.split()[-1]
            if len(surname) < 4:
                continue
            new = surname + suffixes[copy % len(suffixes)] + ("" if copy < len(suffixes) else suffixes[copy // len(suffixes) % len(suffixes)])
            text = re.sub(r"\b%s\b" % re.escape(surname), new, text)
    open(f"{work}/articles/{i:05d}.txt", "w").write(text)
rows = [json.loads(l) for s in ("train", "dev", "test") for l in open(f"{here}/data/corpus/{s}.jsonl")]
first = ["Anna", "Boris", "Chen", "Dilnoza", "Elif", "Farid", "Gulnara", "Hamid", "Irina", "Jamal",
         "Kamila", "Leon", "Maya", "Nodir", "Olga", "Pavel", "Rustam", "Sabina", "Timur", "Vera"]
last = ["Abbasov", "Brenner", "Castillo", "Demirci", "Eriksen", "Fontaine", "Gallo", "Haddad",
        "Ivanova", "Jansen", "Kowalski", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrova",
        "Quintero", "Rahimi", "Sato", "Tanaka", "Ueda", "Varga", "Weber", "Yilmaz", "Zhou",
        "Adler", "Bauer", "Conti", "Duarte", "Engel", "Fischer", "Grant", "Horvat", "Iqbal",
        "Jovanovic", "Kaya", "Larsen", "Molina", "Novak", "Ortiz", "Pereira", "Rossi", "Silva",
        "Torres", "Usmanov", "Vogel", "Walsh", "Xu", "Young", "Zeller"]
people = [f"{f} {l}" for l in last for f in first][:n_experts]
with open(f"{work}/quotes.jsonl", "w") as out:
    for i in range(n):
        r = rows[i % len(rows)]
        month = 1 + (i // 7) % 24
        out.write(json.dumps({"id": f"q{i}", "speaker": people[(i * 7919) % len(people)],
                              "text": r["text"], "date": f"{2023 + (month - 1) // 12}-{(month - 1) % 12 + 1:02d}-15"}) + "\n")
PY
echo "| input | model | sentences | experts | page MB | seconds | peak MB |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
run() {  # label model args...
  local label=$1 model=$2; shift 2
  local start end
  start=$(date +%s.%N)
  /usr/bin/time -f %M -o "$work/mem" "$bin" report --model "$model" --out "$work/r.html" "$@" 2> "$work/err"
  end=$(date +%s.%N)
  local said; said=$(grep 'wrote' "$work/err")
  local sentences experts
  experts=$(sed -E 's/.*\(([0-9]+) experts.*/\1/' <<< "$said")
  sentences=$(sed -E 's/.*experts, ([0-9]+) sentences.*/\1/' <<< "$said")
  printf '| %s | %s | %s | %s | %.1f | %.1f | %d |\n' "$label" "$model" "$sentences" "$experts" \
    "$(echo "$(stat -c %s "$work/r.html") / 1000000" | bc -l)" "$(echo "$end - $start" | bc -l)" \
    "$(( $(cat "$work/mem") / 1024 ))"
}
run "$articles articles" fast "$work/articles"
run "$articles articles" default "$work/articles"
run "$n quote records" fast --quotes "$work/quotes.jsonl"
if [ -n "${KEEP_REPORT:-}" ]; then cp "$work/r.html" "$KEEP_REPORT"; fi

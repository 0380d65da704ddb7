#!/usr/bin/env python3
"""Fixed, grouped train/dev/test split of the stance corpus.

Sentences are grouped so that no speaker and no source article occurs in more than one split: speakers who share a source article form one group (connected components). A
group goes to test when the SHA-256 of its sorted speaker names: groups are taken in
digest order into the test split until it holds TEST_PERCENT percent of the sentences, then into
the dev split until it holds DEV_PERCENT percent; the rest is training data. The split depends on nothing but the names, so re-running this script
on the three files reproduces the same split:

    python3 scripts/split_corpus.py data/corpus/train.jsonl data/corpus/dev.jsonl data/corpus/test.jsonl

Output: data/corpus/{train,dev,test}.jsonl, records sorted by id. The part of the corpus written
in the register of real commentary is split the same way into its own folder, with a larger dev
split (it calibrates the default model and chooses its topic cuts):

    python3 scripts/split_corpus.py --out data/corpus/register --dev-percent 15 \
        data/corpus/register/train.jsonl data/corpus/register/dev.jsonl data/corpus/register/test.jsonl
"""
import argparse
import hashlib
import json
from pathlib import Path

TEST_PERCENT = 20
DEV_PERCENT = 10
OUT = Path(__file__).resolve().parent.parent / "data" / "corpus"


def main(paths, out=OUT, test_percent=TEST_PERCENT, dev_percent=DEV_PERCENT):
    records = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            records += [json.loads(line) for line in f if line.strip()]
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in records:
        a, b = find("speaker:" + r["speaker"]), find("source:" + r["source"])
        parent[a] = b
    groups = {}
    for r in records:
        groups.setdefault(find("speaker:" + r["speaker"]), set()).add(r["speaker"])
    sizes = {}
    for r in records:
        root = find("speaker:" + r["speaker"])
        sizes[root] = sizes.get(root, 0) + 1
    order = sorted(groups, key=lambda g: hashlib.sha256("\n".join(sorted(groups[g])).encode()).digest())
    assigned, taken = {}, {"test": 0, "dev": 0}
    for root in order:
        for name, percent in (("test", test_percent), ("dev", dev_percent)):
            if taken[name] * 100 < percent * len(records):
                assigned[root] = name
                taken[name] += sizes[root]
                break
    records.sort(key=lambda r: r["id"])
    split = {"train": [], "dev": [], "test": []}
    for r in records:
        split[assigned.get(find("speaker:" + r["speaker"]), "train")].append(r)
    for name, rows in split.items():
        tmp = out / f".{name}.jsonl.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        tmp.replace(out / f"{name}.jsonl")
        print(f"{name}: {len(rows)} sentences, {len({r['speaker'] for r in rows})} speakers")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--test-percent", type=int, default=TEST_PERCENT)
    parser.add_argument("--dev-percent", type=int, default=DEV_PERCENT)
    args = parser.parse_args()
    main(args.files, args.out, args.test_percent, args.dev_percent)

#!/usr/bin/env python3
"""Agreement between the corpus labels and an independent second labelling of a sample.

    python3 scripts/agreement.py data/agreement/register_second_labels.jsonl \\
        data/corpus/register/train.jsonl data/corpus/register/dev.jsonl data/corpus/register/test.jsonl

SECOND holds one line per double-labelled sentence (`id`, `stance`, `topics`); the other files
are the corpus. Prints the stance agreement, Cohen's kappa, the confusion of the two passes, and
the topics' agreement (micro-F1 of one pass against the other, exact-set agreement, and per topic
F1 with the number of topics only one pass gave).
"""
import json
import sys
from collections import Counter

LABELS = ["optimistic", "cautionary", "neutral"]


def main(second_path, corpus_paths):
    corpus = {}
    for path in corpus_paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    corpus[r["id"]] = r
    with open(second_path, encoding="utf-8") as f:
        second = [json.loads(line) for line in f if line.strip()]
    missing = [s["id"] for s in second if s["id"] not in corpus]
    if missing:
        sys.exit(f"{second_path}: ids not in the corpus: {', '.join(missing[:5])}")
    first = [corpus[s["id"]] for s in second]
    n = len(second)
    a = [r["stance"] for r in first]
    b = [s["stance"] for s in second]
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    expected = sum(ca[l] * cb[l] for l in LABELS) / (n * n)
    kappa = (observed - expected) / (1 - expected)
    print(f"sentences {n}")
    print(f"stance agreement {observed:.3f}, Cohen's kappa {kappa:.3f}")
    pairs = Counter(zip(a, b))
    print("corpus \\ second  " + "  ".join(f"{l:>10}" for l in LABELS))
    for x in LABELS:
        print(f"{x:>16}  " + "  ".join(f"{pairs[(x, y)]:>10}" for y in LABELS))
    tp = fp = fn = 0
    per = {}
    for r, s in zip(first, second):
        ta, tb = set(r["topics"]), set(s["topics"])
        tp, fp, fn = tp + len(ta & tb), fp + len(tb - ta), fn + len(ta - tb)
        for t in ta | tb:
            c = per.setdefault(t, [0, 0, 0])
            c[0] += t in ta and t in tb
            c[1] += t in ta and t not in tb
            c[2] += t in tb and t not in ta
    exact = sum(set(r["topics"]) == set(s["topics"]) for r, s in zip(first, second)) / n
    print(f"topics micro-F1 {2 * tp / (2 * tp + fp + fn):.3f}, same topic set {exact:.3f}")
    for t, (both, only_first, only_second) in sorted(per.items()):
        f1 = 2 * both / (2 * both + only_first + only_second)
        print(f"  {t:<13} F1 {f1:.3f}  corpus only {only_first:>3}  second only {only_second:>3}")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])

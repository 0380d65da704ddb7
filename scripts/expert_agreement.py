#!/usr/bin/env python3
"""How often expert rows agree with the gold: for every (article, speaker, topic) group of a gold
file (and the speaker's `all` group), the majority of the gold sentence stances (ties left out)
against the row's stance by two rules, computed from `stance score --format jsonl --quotes GOLD`:
the label of highest mean probability (what `score` does) and the old mean score read through a
+-0.15 neutral band.

    stance score --format jsonl --quotes GOLD > scored.jsonl
    python3 scripts/expert_agreement.py GOLD scored.jsonl
"""
import json, sys, collections
gold = [json.loads(l) for l in open(sys.argv[1])]
scored = [json.loads(l) for l in open(sys.argv[2])]
quotes = [q for q in scored if q["type"] == "quote"]
assert len(quotes) == len(gold)
groups = collections.defaultdict(list)
for g, q in zip(gold, quotes):
    key = (g.get("article") or g.get("source"), g["speaker"])
    groups[key + ("all",)].append((g, q))
    for t in g.get("topics", []):
        groups[key + (t,)].append((g, q))
labels = ["optimistic", "cautionary", "neutral"]
res = {"mean-prob": 0, "band": 0}
n = 0
for key, members in groups.items():
    c = collections.Counter(g["stance"] for g, _ in members).most_common()
    if len(c) > 1 and c[0][1] == c[1][1]:
        continue
    truth = c[0][0]
    n += 1
    mean = {l: sum(q["probabilities"][l] for _, q in members) / len(members) for l in labels}
    a = max(labels, key=lambda l: mean[l])
    s = mean["optimistic"] - mean["cautionary"]
    b = "optimistic" if s >= 0.15 else "cautionary" if s <= -0.15 else "neutral"
    res["mean-prob"] += a == truth
    res["band"] += b == truth
print(f"{n} (article, speaker, topic) rows with a gold majority:", {k: round(v / n, 3) for k, v in res.items()})

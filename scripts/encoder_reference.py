#!/usr/bin/env python3
"""Compute tests/fixtures/encoder/reference.json with the reference implementation.

Loads the SHIPPED f16 weights models/all-MiniLM-L6-v2/model.safetensors, upcasts
every tensor to float32 and runs transformers.BertModel (eager attention, eval
mode, float32, CPU). Tokenizes with tokenizers.Tokenizer.from_file(tokenizer.json),
truncating to 256 word pieces (the model's sentence-transformers max_seq_length)
and without padding (tokenizer.json itself carries truncation 128 and fixed
padding to 128, which are overridden here). The sentence embedding is the
attention-mask-weighted mean of the last hidden state over tokens, not
L2-normalised.

Needs: pip install torch transformers safetensors numpy
Run from the repository root:
  /tmp/enc/venv/bin/python scripts/encoder_reference.py [OUTPUT.json]
"""

import json
import os
import sys

import numpy as np
import torch
import transformers
from safetensors.torch import load_file
from tokenizers import Tokenizer
from transformers import BertConfig, BertModel

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODEL_DIR = os.path.join(ROOT, "models", "all-MiniLM-L6-v2")
OUT = os.path.join(ROOT, "tests", "fixtures", "encoder", "reference.json")
MAX_TOKENS = 256

SENTENCES = [
    "The minister said the new pipeline would bring cheap gas to the region by next winter.",
    "Analysts warned that rising debt could destabilise the banking sector.",
    "Talks resumed on Tuesday.",
    "We are cautiously optimistic, but the risks of escalation remain high, and nobody should underestimate them.",
    "Broadband coverage in rural districts doubled in two years, according to the regulator's figures.",
    "Ökonomen erwarten — trotz allem — ein Wachstum von 2,5 %.",
]


def load_model():
    config = BertConfig.from_json_file(os.path.join(MODEL_DIR, "config.json"))
    config._attn_implementation = "eager"
    model = BertModel(config, add_pooling_layer=True)
    state = {k: v.float() for k, v in load_file(os.path.join(MODEL_DIR, "model.safetensors")).items()}
    result = model.load_state_dict(state, strict=False)
    missing, unexpected = list(result.missing_keys), list(result.unexpected_keys)
    # Only non-persistent buffers (position_ids, token_type_ids) may be absent.
    buffers = {name for name, _ in model.named_buffers()}
    params = {name for name, _ in model.named_parameters()}
    bad_missing = [k for k in missing if k in params]
    print(f"missing keys: {missing}; unexpected keys: {unexpected}", file=sys.stderr)
    if bad_missing or unexpected:
        raise SystemExit(f"weights do not match BertModel: missing params {bad_missing}, unexpected {unexpected}")
    loaded_params = {k for k in state if k in params}
    assert loaded_params == params, params - loaded_params
    print(f"buffers in model (not in file): {sorted(buffers - set(state))}", file=sys.stderr)
    model.eval()
    return model.float().to("cpu")


def mean_pool(hidden, mask):
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(dim=1) / m.sum(dim=1).clamp(min=1e-9)


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else OUT
    torch.manual_seed(0)
    torch.set_num_threads(1)
    tok = Tokenizer.from_file(os.path.join(MODEL_DIR, "tokenizer.json"))
    print(f"tokenizer.json truncation={tok.truncation} padding={tok.padding}", file=sys.stderr)
    tok.no_padding()
    tok.enable_truncation(max_length=MAX_TOKENS)
    model = load_model()

    singles, ids_list = [], []
    with torch.no_grad():
        for text in SENTENCES:
            enc = tok.encode(text)
            ids = torch.tensor([enc.ids], dtype=torch.long)
            mask = torch.tensor([enc.attention_mask], dtype=torch.long)
            types = torch.tensor([enc.type_ids], dtype=torch.long)
            assert all(t == 0 for t in enc.type_ids) and all(m == 1 for m in enc.attention_mask)
            hidden = model(input_ids=ids, attention_mask=mask, token_type_ids=types).last_hidden_state
            singles.append(mean_pool(hidden, mask)[0])
            ids_list.append(enc.ids)
            print(f"{len(enc.ids):3d} tokens: {enc.tokens}", file=sys.stderr)

        # The same sentences as one padded batch (pad id 0, mask 0, type 0).
        width = max(len(i) for i in ids_list)
        ids = torch.zeros((len(ids_list), width), dtype=torch.long)
        mask = torch.zeros_like(ids)
        for r, i in enumerate(ids_list):
            ids[r, :len(i)] = torch.tensor(i)
            mask[r, :len(i)] = 1
        hidden = model(input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids)).last_hidden_state
        batch = mean_pool(hidden, mask)
    single = torch.stack(singles)
    diff = (batch - single).abs().max().item()
    print(f"batch vs single: max abs difference {diff:.3g}", file=sys.stderr)
    norms = single.norm(dim=1).tolist()
    print(f"L2 norms of the raw means: {[round(n, 4) for n in norms]}", file=sys.stderr)
    cos = torch.nn.functional.normalize(single, dim=1)
    print("cosine similarity matrix:\n" + np.array2string(
        (cos @ cos.T).numpy(), precision=3, suppress_small=True), file=sys.stderr)

    doc = {
        "model": "all-MiniLM-L6-v2 f16 weights upcast to f32",
        "computed_with": f"torch {torch.__version__}, transformers {transformers.__version__} "
                         f"(BertModel, eager attention, float32, CPU, batch size 1)",
        "max_tokens": MAX_TOKENS,
        "sentences": [
            {"text": text, "ids": ids,
             # 9 significant digits: enough to round-trip every float32 exactly
             # (trailing zeros are dropped when printed).
             "mean": [float(f"{x:.9g}") for x in vec.tolist()]}
            for text, ids, vec in zip(SENTENCES, ids_list, single)
        ],
    }
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"wrote {out_path}", file=sys.stderr)


if __name__ == "__main__":
    main()

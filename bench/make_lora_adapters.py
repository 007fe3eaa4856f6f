"""Writes N PEFT LoRA adapters of LLaMA-2-13B shape for bench/compare.sh (not a test).

r 16 on q, k, v, o, gate, up and down of 40 layers (hidden 5120, intermediate 13824): 62.6M F32
parameters, 250 MB per adapter. Values are seeded uniform in [-0.01, 0.01) (float32), as
udfs' AdapterMergeBench writes them; only the shapes, dtype and value spread matter to the merge.
No two values of a tensor have the same magnitude: where they would, one is moved to the next
float away from zero. With ties at the top-k cut, PEFT's result depends on torch.topk's order
among equal values, which torch leaves unspecified (mtforge keeps the first in index order), and
the benchmark checks the two outputs bit for bit.

  /usr/bin/python3 bench/make_lora_adapters.py OUT_DIR [N=8] [LAYERS=40]
"""
import json
import os
import struct
import sys

import numpy as np

HIDDEN, INTERMEDIATE, RANK = 5120, 13824, 16
MODULES = [  # name, out_features, in_features
    ("self_attn.q_proj", HIDDEN, HIDDEN),
    ("self_attn.k_proj", HIDDEN, HIDDEN),
    ("self_attn.v_proj", HIDDEN, HIDDEN),
    ("self_attn.o_proj", HIDDEN, HIDDEN),
    ("mlp.gate_proj", INTERMEDIATE, HIDDEN),
    ("mlp.up_proj", INTERMEDIATE, HIDDEN),
    ("mlp.down_proj", HIDDEN, INTERMEDIATE),
]


def specs(layers):
    for layer in range(layers):
        for name, out_f, in_f in MODULES:
            prefix = f"base_model.model.model.layers.{layer}.{name}"
            yield prefix + ".lora_A.weight", (RANK, in_f)
            yield prefix + ".lora_B.weight", (out_f, RANK)


def untie(values):
    """Moves values away from zero, one float at a time, until all magnitudes are distinct."""
    while True:
        bits = np.abs(values).view("<u4")
        order = np.argsort(bits, kind="stable")
        dup = order[1:][bits[order[1:]] == bits[order[:-1]]]
        if dup.size == 0:
            return
        away = np.where(np.signbit(values[dup]), np.float32(-np.inf), np.float32(np.inf))
        values[dup] = np.nextafter(values[dup], away)


def write(directory, layers, seed):
    os.makedirs(directory, exist_ok=True)
    config = {"peft_type": "LORA", "r": RANK, "lora_alpha": 32,
              "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]}
    with open(os.path.join(directory, "adapter_config.json"), "w") as f:
        json.dump(config, f)
    header, offset, shapes = {"__metadata__": {"format": "pt"}}, 0, list(specs(layers))
    for name, shape in shapes:
        size = 4 * shape[0] * shape[1]
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    rng = np.random.default_rng(seed)
    tmp = os.path.join(directory, "adapter_model.safetensors.tmp")
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for _, shape in shapes:
            values = ((rng.random(shape, dtype=np.float64) - 0.5) * 0.02).astype("<f4").reshape(-1)
            untie(values)
            f.write(values.tobytes())
    os.replace(tmp, os.path.join(directory, "adapter_model.safetensors"))


def main():
    out, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 8
    layers = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    for i in range(n):
        directory = os.path.join(out, f"adapter-{i}")
        if not os.path.exists(os.path.join(directory, "adapter_model.safetensors")):
            write(directory, layers, 1000 + i)


if __name__ == "__main__":
    main()

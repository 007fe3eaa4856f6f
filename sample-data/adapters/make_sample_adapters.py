"""Writes the demo LoRA adapters under sample-data/adapters/xx-en/<lang>/ (PEFT layout).

Shapes follow the tiny test model (LLaMA decoder, hidden 64, 2 layers, 4 heads / 2 KV heads of
head_dim 16, intermediate 128), LoRA r=4, alpha=8 on q,k,v,o,gate,up,down, stored as BF16. Values
are random (Python's random, seeded) with a component shared inside each language group, so that a
group merge has both agreement and conflict. Standard library only:

  python3 sample-data/adapters/make_sample_adapters.py
"""
import json
import os
import random
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "xx-en")
GROUPS = {1: ["de", "nl", "sv"], 2: ["es", "it", "pt"]}
R, ALPHA = 4, 8
HIDDEN, KV, INTER, LAYERS = 64, 32, 128, 2
SHAPES = {  # module: (out, in)
    "self_attn.q_proj": (HIDDEN, HIDDEN), "self_attn.k_proj": (KV, HIDDEN),
    "self_attn.v_proj": (KV, HIDDEN), "self_attn.o_proj": (HIDDEN, HIDDEN),
    "mlp.gate_proj": (INTER, HIDDEN), "mlp.up_proj": (INTER, HIDDEN), "mlp.down_proj": (HIDDEN, INTER),
}


def bf16(value):
    bits = struct.unpack("<I", struct.pack("<f", value))[0]
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) & 0xFFFF


def tensors(shared, own):
    out = {}
    for layer in range(LAYERS):
        for module, (o, i) in SHAPES.items():
            prefix = f"base_model.model.model.layers.{layer}.{module}"
            for suffix, (rows, cols) in ((".lora_A.weight", (R, i)), (".lora_B.weight", (o, R))):
                n = rows * cols
                out[prefix + suffix] = ((rows, cols),
                                        [0.04 * (shared.gauss(0, 1) + 0.7 * own.gauss(0, 1)) for _ in range(n)])
    return out


def write(folder, data):
    os.makedirs(folder, exist_ok=True)
    header, blob = {"__metadata__": {"format": "pt"}}, bytearray()
    for name, (shape, values) in data.items():
        raw = struct.pack(f"<{len(values)}H", *(bf16(v) for v in values))
        header[name] = {"dtype": "BF16", "shape": list(shape), "data_offsets": [len(blob), len(blob) + len(raw)]}
        blob += raw
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(os.path.join(folder, "adapter_model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + blob)
    config = {"peft_type": "LORA", "task_type": "CAUSAL_LM", "base_model_name_or_path": "mtforge-tiny-llama",
              "r": R, "lora_alpha": ALPHA, "lora_dropout": 0.0, "use_rslora": False, "bias": "none",
              "target_modules": sorted(m.split(".")[1] for m in SHAPES), "rank_pattern": {}, "alpha_pattern": {}}
    with open(os.path.join(folder, "adapter_config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")


for group, languages in GROUPS.items():
    for index, lang in enumerate(languages):
        # Re-seeding the shared stream per adapter gives every member the same shared draws.
        write(os.path.join(ROOT, lang), tensors(random.Random(1000 + group), random.Random(100 * group + index)))
print("wrote", ROOT)

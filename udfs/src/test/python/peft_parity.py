"""Generates the LoRA adapters and the expected merges of udfs/src/test/resources/peft/.

Adapters: random (torch.manual_seed 2024) LoRA A/B tensors, written as safetensors by hand below.
Expected merges: PEFT's src/peft/utils/merge_utils.py (huggingface/peft at 5d602fdb, the one file
imported from MERGE_UTILS_DIR, nothing else of PEFT) driven the way LoraModel.add_weighted_adapter
drives it; ties-paper references are a plain torch sort-based reimplementation of the TIES paper's
rule (global top-k per task, kthvalue, elect by mass, disjoint mean), written here.

Run with Debian's torch 1.13:
  git --git-dir=/work/.mirror/huggingface+peft/repo show HEAD:src/peft/utils/merge_utils.py > /tmp/peftref/merge_utils.py
  MERGE_UTILS_DIR=/tmp/peftref /usr/bin/python3 udfs/src/test/python/peft_parity.py udfs/src/test/resources/peft
"""
import json
import math
import os
import struct
import sys

import torch

sys.path.insert(0, os.environ.get("MERGE_UTILS_DIR", "/tmp/peftref"))
import merge_utils as mu  # noqa: E402

OUT = sys.argv[1]
PREFIX = "base_model.model.model.layers.{}.self_attn.{}"
MODULES = [(PREFIX.format(layer, name), shape) for layer in range(2) for name, shape in
           (("q_proj", (8, 8)), ("v_proj", (4, 8)))]  # (out, in)


def write_safetensors(path, tensors):
    header = {"__metadata__": {"format": "pt"}}
    data = b""
    for name, t in tensors.items():
        raw = t.contiguous().float().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


torch.manual_seed(2024)
ADAPTERS = {  # name: (r, alpha, rslora)
    "a": (4, 8, False),
    "b": (4, 16, True),
    "c": (4, 4, False),
    "d": (2, 4, False),
}
weights_of = {}
for name, (r, alpha, rslora) in ADAPTERS.items():
    tensors = {}
    for module, (out, inp) in MODULES:
        tensors[module + ".lora_A.weight"] = torch.randn(r, inp) * 0.5
        tensors[module + ".lora_B.weight"] = torch.randn(out, r) * 0.5
    weights_of[name] = tensors
    cfg = {"peft_type": "LORA", "r": r, "lora_alpha": alpha, "use_rslora": rslora,
           "target_modules": ["q_proj", "v_proj"], "base_model_name_or_path": "tiny-llama",
           "task_type": "CAUSAL_LM", "rank_pattern": {}, "alpha_pattern": {}}
    os.makedirs(f"{OUT}/in/{name}", exist_ok=True)
    with open(f"{OUT}/in/{name}/adapter_config.json", "w") as f:
        json.dump(cfg, f, indent=2)
    write_safetensors(f"{OUT}/in/{name}/adapter_model.safetensors", tensors)


def scaling(name):
    r, alpha, rslora = ADAPTERS[name]
    return alpha / math.sqrt(r) if rslora else alpha / r


def factors_case(case, names, weights, method, density=None, sign="total"):
    """LoraModel._generalized_task_arithmetic_weighted_adapter over merge_utils."""
    out = {}
    for module, _ in MODULES:
        wa, wb, As, Bs = [], [], [], []
        for n, w in zip(names, weights):
            ws = w * scaling(n)
            s = 1 if ws >= 0 else -1
            wa.append(math.sqrt(abs(ws)) * s)
            wb.append(math.sqrt(abs(ws)))
            As.append(weights_of[n][module + ".lora_A.weight"])
            Bs.append(weights_of[n][module + ".lora_B.weight"])
        for key, ts, ww in ((".lora_A.weight", As, wa), (".lora_B.weight", Bs, wb)):
            wt = torch.tensor(ww)
            if method == "linear":
                m = mu.task_arithmetic(ts, wt)
            elif method == "ties":
                m = mu.ties(ts, wt, density, sign)
            elif method == "magnitude_prune":
                m = mu.magnitude_prune(ts, wt, density)
            out[module + key] = m
    write_safetensors(f"{OUT}/expected/{case}.safetensors", out)


def cat_case(case, names, weights):
    out = {}
    for module, _ in MODULES:
        As = [weights_of[n][module + ".lora_A.weight"] * w * scaling(n) for n, w in zip(names, weights)]
        Bs = [weights_of[n][module + ".lora_B.weight"] for n in names]
        out[module + ".lora_A.weight"] = torch.cat(As, dim=0)
        out[module + ".lora_B.weight"] = torch.cat(Bs, dim=1)
    write_safetensors(f"{OUT}/expected/{case}.safetensors", out)


def delta(n, module):
    t = weights_of[n]
    return (t[module + ".lora_B.weight"] @ t[module + ".lora_A.weight"]) * scaling(n)


def svd_case(case, names, weights, method, rank, density=None):
    """_svd forms with ΔWᵢ = sᵢ·Bᵢ·Aᵢ weighted by wᵢ once (not PEFT's double scaling).
    Stored: the merged ΔW and its rank-r product B·A (the factors' signs are not unique)."""
    out = {}
    for module, _ in MODULES:
        ds = [delta(n, module) for n in names]
        wt = torch.tensor(weights)
        if method == "svd":
            m = mu.task_arithmetic(ds, wt)
        elif method == "ties_svd":
            m = mu.ties(ds, wt, density)
        elif method == "magnitude_prune_svd":
            m = mu.magnitude_prune(ds, wt, density)
        U, S, Vh = torch.linalg.svd(m.double(), full_matrices=False)
        out[module + ".merged"] = m
        out[module + ".product"] = (U[:, :rank] @ torch.diag(S[:rank]) @ Vh[:rank, :]).float()
    write_safetensors(f"{OUT}/expected/{case}.safetensors", out)


def ties_paper_case(case, names, density, lam):
    """TIES paper semantics, written here: per task, flatten every ΔW of the model, keep
    |x| >= kthvalue(n - int(n*K)); elect sign of the sum; mean of the agreeing non-zero; × λ."""
    flat = torch.stack([torch.cat([delta(n, m).flatten() for m, _ in MODULES]) for n in names])
    n = flat.shape[1]
    k = n - int(n * density)
    kth = flat.abs().kthvalue(k, dim=1, keepdim=True).values
    trimmed = flat * (flat.abs() >= kth)
    sign = torch.sign(trimmed.sum(dim=0))
    sign[sign == 0] = 1
    keep = torch.where(sign.unsqueeze(0) > 0, trimmed > 0, trimmed < 0)
    sel = trimmed * keep
    merged = sel.sum(dim=0) / torch.clamp((sel != 0).sum(dim=0).float(), min=1) * lam
    out, at = {}, 0
    for m, (o, i) in MODULES:
        out[m + ".merged"] = merged[at:at + o * i].reshape(o, i)
        at += o * i
    write_safetensors(f"{OUT}/expected/{case}.safetensors", out)


factors_case("linear", ["a", "b", "c"], [0.5, 1.0, -0.7], "linear")
factors_case("ties_d05", ["a", "b", "c"], [1.0, 0.8, 0.6], "ties", 0.5)
factors_case("ties_d03_frequency", ["a", "b", "c"], [1.0, 1.0, 1.0], "ties", 0.3, "frequency")
factors_case("magnitude_prune_d04", ["a", "b", "c"], [0.6, 0.3, 0.9], "magnitude_prune", 0.4)
cat_case("cat", ["a", "d"], [0.7, 1.3])
svd_case("svd_r4", ["a", "d"], [0.5, 1.0], "svd", 4)
svd_case("ties_svd_d05_r4", ["a", "b", "c"], [1.0, 0.8, 0.6], "ties_svd", 4, 0.5)
ties_paper_case("ties_paper_d02_l15", ["a", "b", "c"], 0.2, 1.5)
print("wrote", OUT)

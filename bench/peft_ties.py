"""PEFT's TIES merge of LoRA adapters, as LoraModel.add_weighted_adapter(combination_type="ties")
runs it, for bench/compare.sh (not a test): for every module, merge_utils.ties over the inputs'
lora_A with weights sqrt(|w*scaling|)*sign and over their lora_B with sqrt(|w*scaling|); then the
merged tensors are written as a .safetensors file (what save_pretrained writes), in the inputs'
order. PEFT's code is imported from its source tree (MERGE_UTILS_DIR = huggingface/peft's
src/peft/utils, which holds merge_utils.py; it imports nothing but torch), never copied. The base
model is not loaded (transformers is not available here): merge_utils works on the tensors alone.

  MERGE_UTILS_DIR=.../peft/src/peft/utils /usr/bin/python3 bench/peft_ties.py OUT.safetensors DENSITY ADAPTER_DIR...

Prints the seconds spent loading, merging and writing. THREADS (default 2) sets torch's threads.
"""
import json
import math
import os
import resource
import struct
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.environ["MERGE_UTILS_DIR"])
import merge_utils  # noqa: E402  (PEFT's own module)


def load(directory):
    with open(os.path.join(directory, "adapter_config.json")) as f:
        config = json.load(f)
    with open(os.path.join(directory, "adapter_model.safetensors"), "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        header.pop("__metadata__", None)
        data = np.fromfile(f, dtype="<f4")
    tensors = {}
    for name, entry in header.items():
        if entry["dtype"] != "F32":
            raise SystemExit(f"{directory}: {name} is {entry['dtype']}; this runner reads F32 only")
        begin, end = entry["data_offsets"]
        tensors[name] = torch.from_numpy(data[begin // 4:end // 4].reshape(entry["shape"]))
    return config, tensors


def save(path, tensors):
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for name, tensor in tensors.items():
        size = 4 * tensor.numel()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + size]}
        offset += size
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for tensor in tensors.values():
            f.write(tensor.contiguous().numpy().astype("<f4", copy=False).tobytes())


def main():
    out, density, dirs = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
    torch.set_num_threads(int(os.environ.get("THREADS", "2")))
    t0 = time.time()
    loaded = [load(d) for d in dirs]
    t1 = time.time()
    weights_a, weights_b = [], []
    for config, _ in loaded:
        weight_with_scaling = 1.0 * config["lora_alpha"] / config["r"]  # weight 1 each, as mtforge's default
        sign = 1 if weight_with_scaling >= 0 else -1
        weights_a.append(math.sqrt(abs(weight_with_scaling)) * sign)
        weights_b.append(math.sqrt(abs(weight_with_scaling)))
    weights_a, weights_b = torch.tensor(weights_a), torch.tensor(weights_b)
    merged = {}
    for name in loaded[0][1]:
        weights = weights_a if ".lora_A." in name else weights_b
        merged[name] = merge_utils.ties([t[name] for _, t in loaded], weights, density, "total")
    t2 = time.time()
    save(out, merged)
    t3 = time.time()
    print(f"peft: load {t1 - t0:.2f} s, ties {t2 - t1:.2f} s, write {t3 - t2:.2f} s; {len(merged)} tensors,"
          f" torch {torch.__version__}, {torch.get_num_threads()} threads,"
          f" peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Writes a random LLaMA checkpoint in Hugging Face's exact layout, PEFT adapters for it, and (with
--golden) the greedy and beam tokens llama_reference.py computes on it: what the exporter test,
the benchmarks and the GPU check start from. Needs Debian's python3-torch only; writes files only.

    /usr/bin/python3 sample-data/models/make_hf_llama_checkpoint.py --preset test --out /tmp/ck --golden

Layout (as transformers' save_pretrained and PEFT's save_pretrained write it):
  OUT/hf/config.json                        LlamaConfig keys (transformers 4.4x spelling)
  OUT/hf/model-0000i-of-0000n.safetensors   tensors named model.layers.N.self_attn.q_proj.weight, ...
  OUT/hf/model.safetensors.index.json       {"metadata": {"total_size": ...}, "weight_map": {...}}
                                            (one model.safetensors instead when --shards 1)
  OUT/hf/tokenizer.json, generation_config.json
  OUT/adapters/<id>/adapter_config.json + adapter_model.safetensors
                                            tensors base_model.model.model.layers.N.<module>.lora_A.weight
  OUT/golden.json                           prompts, prompt ids and reference outputs

Presets: test (small, LLaMA-3 style: GQA, head_dim apart from hidden/heads, rope_theta 500000 with
llama3 rope scaling, two shards), test-tied (LLaMA-2 style rope, tied embeddings, bf16 weights, one
file), hidden-1024, slice-13b (two real-size LLaMA-2-13B layers), gpu-1b (a 1.1B LLaMA-shaped model).
"""
import argparse
import json
import math
import os
import struct
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import llama_reference as ref  # noqa: E402

BOS, EOS, UNK, PAD = 256, 257, 258, 259
ALL = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]

PRESETS = {
    "test": dict(hidden=96, intermediate=160, layers=2, heads=4, kv_heads=2, head_dim=16, vocab=300, tied=False,
                 rope={"rope_theta": 500000.0, "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0,
                       "high_freq_factor": 4.0, "original_max_position_embeddings": 64, "rope_type": "llama3"}},
                 dtype="float32", shards=2,
                 adapters=[("all-r8", 8, 16.0, ALL, False), ("qv-r4-rslora", 4, 8.0, ["q_proj", "v_proj"], True)]),
    "test-tied": dict(hidden=64, intermediate=128, layers=2, heads=4, kv_heads=4, head_dim=None, vocab=260, tied=True,
                      rope={"rope_theta": 10000.0, "rope_scaling": None}, dtype="bfloat16", shards=1,
                      adapters=[("all-r4", 4, 8.0, ALL, False)]),
    "hidden-1024": dict(hidden=1024, intermediate=2816, layers=4, heads=16, kv_heads=16, head_dim=None, vocab=32000,
                        tied=False, rope={"rope_theta": 10000.0, "rope_scaling": None}, dtype="float32", shards=2,
                        adapters=[("xx-en", 16, 32.0, ALL, False), ("en-xx", 16, 32.0, ALL, False)]),
    "slice-13b": dict(hidden=5120, intermediate=13824, layers=2, heads=40, kv_heads=40, head_dim=None, vocab=32000,
                      tied=False, rope={"rope_theta": 10000.0, "rope_scaling": None}, dtype="float16", shards=2,
                      adapters=[(f"a{i}", 16, 32.0, ALL, False) for i in range(4)]),
    "gpu-1b": dict(hidden=2048, intermediate=5632, layers=22, heads=32, kv_heads=4, head_dim=None, vocab=32000,
                   tied=False, rope={"rope_theta": 10000.0, "rope_scaling": None}, dtype="bfloat16", shards=3,
                   adapters=[("xx-en", 16, 32.0, ALL, False), ("en-xx", 16, 32.0, ALL, False)]),
}
ST_DTYPE = {torch.float32: ("F32", "<f4"), torch.float16: ("F16", "<f2"), torch.bfloat16: ("BF16", None)}


def tensor_bytes(t):
    if t.dtype == torch.bfloat16:
        return t.contiguous().view(torch.int16).numpy().astype("<i2").tobytes()
    return t.contiguous().numpy().astype(ST_DTYPE[t.dtype][1]).tobytes()


def write_safetensors(path, specs, make):
    """safetensors' layout: u64 little-endian header size, JSON header padded with spaces to 8 bytes,
    then the data in header order. specs: [(name, shape, dtype)]; make(name) gives each tensor in
    turn, so a large file is written one tensor at a time."""
    header, offset = {"__metadata__": {"format": "pt"}}, 0
    for name, shape, dtype in specs:
        n = math.prod(shape) * torch.tensor([], dtype=dtype).element_size()
        header[name] = {"dtype": ST_DTYPE[dtype][0], "shape": list(shape), "data_offsets": [offset, offset + n]}
        offset += n
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for name, shape, dtype in specs:
            t = make(name)
            assert tuple(t.shape) == tuple(shape) and t.dtype == dtype, name
            f.write(tensor_bytes(t))
    return offset


def byte_unicode():
    # GPT-2's reversible byte -> printable character table (the ByteLevel pre-tokenizer's alphabet)
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


def tokenizer_json(vocab_size=260):
    """A byte-level BPE tokenizer.json: id = byte value, 4 specials, and (past 260) placeholder
    tokens <xN> so that every id a model can produce decodes to text."""
    table = byte_unicode()
    vocab = {table[b]: b for b in range(256)}
    specials = {BOS: "<s>", EOS: "</s>", UNK: "<unk>", PAD: "<pad>"}
    for i, s in specials.items():
        vocab[s] = i
    for i in range(260, vocab_size):
        vocab[f"<x{i}>"] = i
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True} for i, s in specials.items()],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False,
                          "use_regex": False},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"<s>": {"id": "<s>", "ids": [BOS], "tokens": ["<s>"]}},
        },
        "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False,
                    "use_regex": False},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
                  "vocab": vocab, "merges": []},
    }


def config_of(p):
    cfg = {"architectures": ["LlamaForCausalLM"], "attention_bias": False, "attention_dropout": 0.0,
           "bos_token_id": BOS, "eos_token_id": EOS, "hidden_act": "silu", "hidden_size": p["hidden"],
           "initializer_range": 0.02, "intermediate_size": p["intermediate"], "max_position_embeddings": 4096,
           "mlp_bias": False, "model_type": "llama", "num_attention_heads": p["heads"],
           "num_hidden_layers": p["layers"], "num_key_value_heads": p["kv_heads"], "pretraining_tp": 1,
           "rms_norm_eps": 1e-5, "tie_word_embeddings": p["tied"], "torch_dtype": p["dtype"],
           "transformers_version": "4.44.2", "use_cache": True, "vocab_size": p["vocab"]}
    cfg.update(p["rope"])
    if p["head_dim"]:
        cfg["head_dim"] = p["head_dim"]
    return dict(sorted(cfg.items()))


def shapes_of(p):
    hd = p["head_dim"] or p["hidden"] // p["heads"]
    q, kv, h, i = p["heads"] * hd, p["kv_heads"] * hd, p["hidden"], p["intermediate"]
    return {"self_attn.q_proj": (h, q), "self_attn.k_proj": (h, kv), "self_attn.v_proj": (h, kv),
            "self_attn.o_proj": (q, h), "mlp.gate_proj": (h, i), "mlp.up_proj": (h, i), "mlp.down_proj": (i, h)}


def tensor_specs(p):
    """(name, shape) of a LlamaForCausalLM state dict, in transformers' order."""
    h = p["hidden"]
    out = [("model.embed_tokens.weight", (p["vocab"], h))]
    for i in range(p["layers"]):
        for m, (fin, fout) in shapes_of(p).items():
            out.append((f"model.layers.{i}.{m}.weight", (fout, fin)))
        out.append((f"model.layers.{i}.input_layernorm.weight", (h,)))
        out.append((f"model.layers.{i}.post_attention_layernorm.weight", (h,)))
    out.append(("model.norm.weight", (h,)))
    if not p["tied"]:
        out.append(("lm_head.weight", (p["vocab"], h)))
    return out


def random_tensor(p, name, shape, g):
    """LLaMA-like scales: linears N(0, 1/in), norms near 1, and well-spread logits (std ~4)."""
    h = p["hidden"]
    if name.endswith("norm.weight"):
        t = 1 + 0.1 * torch.randn(shape, generator=g)
    elif name == "model.embed_tokens.weight":
        t = torch.randn(shape, generator=g) * (0.15 if p["tied"] else 1.0)  # tied: no copy of the input token
    elif name == "lm_head.weight":
        t = torch.randn(shape, generator=g) * (4 / math.sqrt(h))
    else:
        t = torch.randn(shape, generator=g) / math.sqrt(shape[1])
    return t.to(getattr(torch, p["dtype"]))


def write_hf(folder, p, g):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config_of(p), f, indent=2)
    with open(os.path.join(folder, "generation_config.json"), "w") as f:
        json.dump({"_from_model_config": True, "bos_token_id": BOS, "eos_token_id": EOS,
                   "transformers_version": "4.44.2"}, f, indent=2)
    with open(os.path.join(folder, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(p["vocab"]), f, ensure_ascii=False)
    dtype = getattr(torch, p["dtype"])
    specs = [(name, shape, dtype) for name, shape in tensor_specs(p)]
    make = lambda name: random_tensor(p, name, dict((n, s) for n, s, _ in specs)[name], g)
    n = p["shards"]
    if n == 1:
        write_safetensors(os.path.join(folder, "model.safetensors"), specs, make)
        return
    # Consecutive tensors per shard, in the state dict's order, as huggingface_hub splits them.
    sizes = [math.prod(s) * torch.tensor([], dtype=dtype).element_size() for _, s, _ in specs]
    total, acc, groups = sum(sizes), 0, [[] for _ in range(n)]
    for spec, size in zip(specs, sizes):
        groups[min(n - 1, acc * n // total)].append(spec)
        acc += size
    weight_map = {}
    for k, group in enumerate(groups):
        file = f"model-{k + 1:05d}-of-{n:05d}.safetensors"
        write_safetensors(os.path.join(folder, file), group, make)
        weight_map.update({name: file for name, _, _ in group})
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}, f, indent=2)


def write_adapter(folder, p, rank, alpha, modules, rslora, g):
    os.makedirs(folder, exist_ok=True)
    tensors = {}
    for i in range(p["layers"]):
        for m, (fin, fout) in shapes_of(p).items():
            if m.split(".")[1] not in modules:
                continue
            key = f"base_model.model.model.layers.{i}.{m}"
            tensors[key + ".lora_A.weight"] = torch.randn(rank, fin, generator=g) / math.sqrt(fin)
            tensors[key + ".lora_B.weight"] = torch.randn(fout, rank, generator=g) * 0.1
    write_safetensors(os.path.join(folder, "adapter_model.safetensors"),
                      [(k, tuple(v.shape), v.dtype) for k, v in sorted(tensors.items())], tensors.get)
    config = {"alpha_pattern": {}, "auto_mapping": None, "base_model_name_or_path": "random-llama", "bias": "none",
              "fan_in_fan_out": False, "inference_mode": True, "init_lora_weights": True, "layers_pattern": None,
              "layers_to_transform": None, "lora_alpha": alpha, "lora_dropout": 0.05, "modules_to_save": None,
              "peft_type": "LORA", "r": rank, "rank_pattern": {}, "revision": None, "target_modules": modules,
              "task_type": "CAUSAL_LM", "use_dora": False, "use_rslora": rslora}
    with open(os.path.join(folder, "adapter_config.json"), "w") as f:
        json.dump(config, f, indent=2)


PROMPTS = ["Translate this from German to English:\nGerman: Das Haus ist klein.\nEnglish:",
           "Translate this from English to Czech:\nEnglish: We see the old city.\nCzech:",
           "Translate this from French to English:\nFrench: Nous voyons.\nEnglish:",
           "Translate this from English to German:\nEnglish: The river is green and the city is old.\nGerman:"]


def golden(out, p, cases):
    config, tensors = ref.read_checkpoint(os.path.join(out, "hf"))
    # float32 forward on the checkpoint's values (bfloat16 and float16 values are float32 values)
    model = ref.Reference(config, {k: v.float() for k, v in tensors.items()})
    adapters = {a[0]: ref.Adapter.load(os.path.join(out, "adapters", a[0])) for a in p["adapters"]}
    ids = [[BOS] + list(t.encode("utf-8")) for t in PROMPTS]
    result = {"generator": "sample-data/models/make_hf_llama_checkpoint.py + llama_reference.py (torch "
              + torch.__version__ + ")", "prompts": PROMPTS, "prompt_ids": ids, "cases": []}
    for name, adapter_ids, mode, kw in cases:
        rows = [adapters[a] if a else None for a in adapter_ids]
        if mode == "greedy":
            outputs = ref.greedy(model, ids[: len(rows)], rows, kw["max_new_tokens"], EOS, PAD)
        else:
            outputs = ref.beam(model, ids[: len(rows)], rows, kw["max_new_tokens"], kw["num_beams"],
                               kw["length_penalty"], kw["early_stopping"], EOS, PAD)
        result["cases"].append({"name": name, "mode": mode, "adapters": adapter_ids, **kw, "outputs": outputs})
    with open(os.path.join(out, "golden.json"), "w") as f:
        json.dump(result, f, indent=1)


def main(argv=None):
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument("--out", required=True)
    a.add_argument("--preset", default="test", choices=list(PRESETS))
    a.add_argument("--seed", type=int, default=20261202)
    a.add_argument("--golden", action="store_true", help="also compute golden.json with llama_reference.py")
    args = a.parse_args(argv)
    torch.set_num_threads(1)
    p = PRESETS[args.preset]
    g = torch.Generator().manual_seed(args.seed)
    write_hf(os.path.join(args.out, "hf"), p, g)
    for aid, rank, alpha, modules, rslora in p["adapters"]:
        write_adapter(os.path.join(args.out, "adapters", aid), p, rank, alpha, modules, rslora, g)
    if args.golden:
        names = [x[0] for x in p["adapters"]]
        mixed = [names[0], None, names[-1], names[0]]
        golden(args.out, p, [
            ("greedy-base", [None] * 4, "greedy", {"max_new_tokens": 10}),
            ("greedy-mixed", mixed, "greedy", {"max_new_tokens": 10}),
            ("beam4-base", [None] * 4, "beam",
             {"max_new_tokens": 8, "num_beams": 4, "length_penalty": 1.0, "early_stopping": False}),
            ("beam3-mixed", mixed, "beam",
             {"max_new_tokens": 8, "num_beams": 3, "length_penalty": 0.8, "early_stopping": "never"}),
        ])
    print("wrote", args.out, flush=True)


if __name__ == "__main__":
    sys.exit(main())

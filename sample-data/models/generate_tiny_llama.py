#!/usr/bin/python3
"""Writes the tiny LLaMA test model: sample-data/models/tiny-llama-hf/ (a Hugging Face checkpoint)
and sample-data/models/tiny-llama/ (the mtforge package exported from it, adapters, goldens).

Run only to regenerate the fixtures (CI never runs it), with Debian's torch, onnx and numpy:

    /usr/bin/python3 sample-data/models/generate_tiny_llama.py            # package + goldens
    /usr/bin/python3 sample-data/models/generate_tiny_llama.py train      # new weights (slow)
    /usr/bin/python3 sample-data/models/generate_tiny_llama.py from-v1 OLD/model.onnx

What it writes:
  tiny-llama-hf/           config.json, model.safetensors, tokenizer.json, generation_config.json
                           in Hugging Face's layout (LlamaForCausalLM names and config keys)
  tiny-llama/              the package deploy/export/export_hf_llama.py makes of it (float32),
                           plus adapters/<id>/ (PEFT adapter_config.json + adapter_model.safetensors)
                           and golden.json: greedy and beam outputs of llama_reference.py (torch,
                           transformers 4.40 generate semantics) on the same weights

`train` makes new base weights: random (seed 1234), then trained for a few hundred steps to copy
the source sentence after an ALMA prompt, so that outputs end with a newline and EOS the way a
real model's do (the step count depends on a time budget, so two runs differ). `from-v1` took the
trained weights out of the format-1 package's model.onnx (torch had exported them as MatMul
initializers, in module order), which is how tiny-llama-hf/ was made: the outputs the other tests
and the demo expect stayed the same. The adapters are random LoRA factors. Nothing here aims at
translation quality.
"""
import json
import math
import os
import random
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

import llama_reference as ref
import make_hf_llama_checkpoint as checkpoint
from make_hf_llama_checkpoint import tokenizer_json

HERE = os.path.dirname(os.path.abspath(__file__))
HF = os.path.join(HERE, "tiny-llama-hf")
OUT = os.path.join(HERE, "tiny-llama")
EXPORTER = os.path.join(HERE, "..", "..", "deploy", "export", "export_hf_llama.py")

VOCAB = 260
BOS, EOS, UNK, PAD = 256, 257, 258, 259
SPECIALS = {BOS: "<s>", EOS: "</s>", UNK: "<unk>", PAD: "<pad>"}
HIDDEN, LAYERS, HEADS, KV_HEADS, HEAD_DIM, INTER = 64, 2, 4, 2, 16, 128
CONFIG = {
    "architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": VOCAB, "hidden_size": HIDDEN,
    "intermediate_size": INTER, "num_hidden_layers": LAYERS, "num_attention_heads": HEADS,
    "num_key_value_heads": KV_HEADS, "hidden_act": "silu", "max_position_embeddings": 2048,
    "initializer_range": 0.02, "rms_norm_eps": 1e-5, "use_cache": True, "pad_token_id": PAD, "bos_token_id": BOS,
    "eos_token_id": EOS, "pretraining_tp": 1, "tie_word_embeddings": False, "rope_theta": 10000.0,
    "rope_scaling": None, "attention_bias": False, "attention_dropout": 0.0, "mlp_bias": False,
    "torch_dtype": "float32", "transformers_version": "4.40.0",
}


def write_safetensors(path, tensors):
    tensors = {k: v.detach().to(torch.float32).contiguous() for k, v in tensors.items()}
    checkpoint.write_safetensors(path, [(k, tuple(v.shape), v.dtype) for k, v in sorted(tensors.items())], tensors.get)


# ---------------------------------------------------------------- prompts and training data

LANG_NAMES = {"en": "English", "de": "German", "fr": "French", "cs": "Czech", "zh": "Chinese",
              "is": "Icelandic", "ru": "Russian"}


def alma_prompt(src, tgt, text):
    s, t = LANG_NAMES[src], LANG_NAMES[tgt]
    return f"Translate this from {s} to {t}:\n{s}: {text}\n{t}:"


def encode(text):
    return [BOS] + list(text.encode("utf-8"))


WORDS = ("the a house small big river city green old new we see go to in on with and of is was "
         "Haus klein gross Fluss Stadt alt neu wir sehen gehen maison petite grande ville vieux "
         "nous voir aller dum maly velky reka mesto").split()


def training_pairs(rng, n):
    pairs = []
    langs = [l for l in LANG_NAMES if l != "en"]
    for _ in range(n):
        x = rng.choice(langs)
        src, tgt = (x, "en") if rng.random() < 0.5 else ("en", x)
        sent = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 7)))
        sent = sent[0].upper() + sent[1:] + "."
        pairs.append((alma_prompt(src, tgt, sent), " " + sent + "\n"))
    return pairs


def random_weights():
    torch.manual_seed(1234)
    w = {"model.embed_tokens.weight": torch.randn(VOCAB, HIDDEN), "model.norm.weight": torch.ones(HIDDEN),
         "lm_head.weight": torch.randn(VOCAB, HIDDEN) / math.sqrt(HIDDEN)}
    for i in range(LAYERS):
        w[f"model.layers.{i}.input_layernorm.weight"] = torch.ones(HIDDEN)
        w[f"model.layers.{i}.post_attention_layernorm.weight"] = torch.ones(HIDDEN)
        for m, (fin, fout) in module_shapes().items():
            w[f"model.layers.{i}.{m}.weight"] = torch.randn(fout, fin) / math.sqrt(fin)
    return w


def module_shapes():
    q, kv = HEADS * HEAD_DIM, KV_HEADS * HEAD_DIM
    return {"self_attn.q_proj": (HIDDEN, q), "self_attn.k_proj": (HIDDEN, kv), "self_attn.v_proj": (HIDDEN, kv),
            "self_attn.o_proj": (q, HIDDEN), "mlp.gate_proj": (HIDDEN, INTER), "mlp.up_proj": (HIDDEN, INTER),
            "mlp.down_proj": (INTER, HIDDEN)}


def train(steps, seconds):
    weights = {k: torch.nn.Parameter(v) for k, v in random_weights().items()}
    model = ref.Reference(CONFIG, weights)
    rng = random.Random(7)
    opt = torch.optim.AdamW(weights.values(), lr=3e-3)
    start = time.time()
    for step in range(steps):
        batch = training_pairs(rng, 16)
        seqs = [encode(p) + list(t.encode("utf-8")) + [EOS] for p, t in batch]
        plens = [len(encode(p)) for p, _ in batch]
        width = max(len(s) for s in seqs)
        ids = torch.full((len(seqs), width), PAD, dtype=torch.long)
        mask = torch.zeros(len(seqs), width, dtype=torch.long)
        labels = torch.full((len(seqs), width), -100, dtype=torch.long)
        for r, s in enumerate(seqs):
            ids[r, : len(s)] = torch.tensor(s)
            mask[r, : len(s)] = 1
            labels[r, plens[r]: len(s)] = torch.tensor(s[plens[r]:])
        pos = (mask.cumsum(-1) - 1).clamp(min=0)
        logits, _ = model.forward(ids, mask, pos, model.empty_past(len(seqs)), [None] * len(seqs), all_logits=True)
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, VOCAB), labels[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0:
            print(f"step {step} loss {loss.item():.3f}", flush=True)
        if time.time() - start > seconds:
            print(f"training stopped after {step + 1} steps (time budget)", flush=True)
            break
    return {k: v.detach() for k, v in weights.items()}


def from_v1(onnx_path):
    """The trained weights of a format-1 package: norms and embedding by name, linears (exported
    transposed, as onnx::MatMul_N) in module order per layer, then lm_head."""
    import onnx
    from onnx import numpy_helper
    init = {i.name: torch.tensor(numpy_helper.to_array(i).copy()) for i in onnx.load(onnx_path).graph.initializer}
    w = {k: v for k, v in init.items() if not k.startswith("onnx::")}
    matmuls = sorted((k for k in init if k.startswith("onnx::MatMul_")), key=lambda k: int(k.split("_")[-1]))
    names = [f"model.layers.{i}.{m}.weight" for i in range(LAYERS) for m in module_shapes()] + ["lm_head.weight"]
    assert len(matmuls) == len(names), (matmuls, names)
    for onnx_name, hf_name in zip(matmuls, names):
        w[hf_name] = init[onnx_name].t().contiguous()
    return w


def write_hf(weights):
    os.makedirs(HF, exist_ok=True)
    write_safetensors(os.path.join(HF, "model.safetensors"), weights)
    with open(os.path.join(HF, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=1)
    with open(os.path.join(HF, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(), f, ensure_ascii=False, indent=1)
    with open(os.path.join(HF, "generation_config.json"), "w") as f:
        json.dump({"bos_token_id": BOS, "eos_token_id": EOS, "pad_token_id": PAD, "do_sample": False,
                   "num_beams": 5, "max_new_tokens": 256, "length_penalty": 1.0,
                   "early_stopping": False}, f, indent=1)
    print("wrote", HF)


# ---------------------------------------------------------------- adapters (PEFT layout)

ADAPTERS = [
    # id, rank, alpha, seed, what it is for (adapters table rows in tests and the demo)
    ("multilingual", 4, 8.0, 11, {"strategy": "multilingual"}),
    ("dat-de-en", 4, 8.0, 12, {"strategy": "dat", "direction": "xx-en", "language": "de"}),
    ("dat-fr-en", 8, 16.0, 13, {"strategy": "dat", "direction": "xx-en", "language": "fr"}),
    ("dat-en-g1", 8, 8.0, 14, {"strategy": "dat", "direction": "en-xx", "group_id": 1}),
    ("dat-en-g4", 4, 4.0, 15, {"strategy": "dat", "direction": "en-xx", "group_id": 4}),
]


def make_adapter(rank, seed):
    g = torch.Generator().manual_seed(seed)
    tensors = {}
    for i in range(LAYERS):
        for m, (fin, fout) in module_shapes().items():
            key = f"base_model.model.model.layers.{i}.{m}"
            tensors[key + ".lora_A.weight"] = torch.randn(rank, fin, generator=g) / math.sqrt(fin)
            tensors[key + ".lora_B.weight"] = torch.randn(fout, rank, generator=g) * 0.08
    return tensors


def package():
    """Exports tiny-llama-hf/ with the exporter, writes the adapters and golden.json."""
    staging = OUT + ".export"
    subprocess.run([sys.executable, EXPORTER, "--model", HF, "--out", staging, "--name", "tiny-llama"], check=True)
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(staging):
        os.replace(os.path.join(staging, f), os.path.join(OUT, f))
    os.rmdir(staging)

    config, tensors = ref.read_checkpoint(HF)
    model = ref.Reference(config, tensors)
    adapters = {}
    for aid, rank, alpha, seed, meta in ADAPTERS:
        folder = os.path.join(OUT, "adapters", aid)
        os.makedirs(folder, exist_ok=True)
        write_safetensors(os.path.join(folder, "adapter_model.safetensors"), make_adapter(rank, seed))
        with open(os.path.join(folder, "adapter_config.json"), "w") as f:
            json.dump({"peft_type": "LORA", "task_type": "CAUSAL_LM", "r": rank, "lora_alpha": alpha,
                       "lora_dropout": 0.0, "bias": "none", "use_rslora": False,
                       "base_model_name_or_path": "tiny-llama",
                       "target_modules": [m.split(".")[1] for m in module_shapes()]}, f, indent=1)
        adapters[aid] = ref.Adapter.load(folder)

    cases = [
        {"src": "de", "tgt": "en", "text": "Das Haus ist klein."},
        {"src": "en", "tgt": "de", "text": "We see the old city."},
        {"src": "fr", "tgt": "en", "text": "Nous voir la petite maison."},
        {"src": "en", "tgt": "zh", "text": "The river is green."},
        {"src": "cs", "tgt": "en", "text": "Velky dum."},
    ]
    prompts = [alma_prompt(c["src"], c["tgt"], c["text"]) for c in cases]
    golden = {"generator": "sample-data/models/generate_tiny_llama.py + llama_reference.py (torch " + torch.__version__ + ")",
              "prompts": prompts, "prompt_ids": [encode(p) for p in prompts], "cases": []}

    def case(name, adapter_ids, mode, **kw):
        rows = [adapters[a] if a else None for a in adapter_ids]
        ids = [encode(p) for p in prompts[: len(rows)]]
        if mode == "greedy":
            out = ref.greedy(model, ids, rows, kw["max_new_tokens"], EOS, PAD)
        else:
            out = ref.beam(model, ids, rows, kw["max_new_tokens"], kw["num_beams"], kw["length_penalty"],
                           kw["early_stopping"], EOS, PAD)
        golden["cases"].append({"name": name, "mode": mode, "adapters": adapter_ids, **kw, "outputs": out})
        print(name, [bytes(o["tokens"][:60]).decode("utf-8", "replace") for o in out])

    n = len(prompts)
    case("greedy-base", [None] * n, "greedy", max_new_tokens=48)
    case("greedy-one-adapter", ["dat-de-en"] * n, "greedy", max_new_tokens=48)
    case("greedy-mixed", ["dat-de-en", "dat-en-g1", None, "dat-fr-en", "multilingual"], "greedy", max_new_tokens=48)
    case("greedy-short", [None] * n, "greedy", max_new_tokens=5)
    for es in (False, True, "never"):
        case(f"beam5-base-early-{es}", [None] * n, "beam", max_new_tokens=48, num_beams=5,
             length_penalty=1.0, early_stopping=es)
    case("beam3-mixed-lp0.6", ["dat-de-en", "dat-en-g1", None, "dat-fr-en", "multilingual"], "beam",
         max_new_tokens=40, num_beams=3, length_penalty=0.6, early_stopping=False)
    case("beam4-adapter-short", ["dat-en-g4"] * n, "beam", max_new_tokens=6, num_beams=4,
         length_penalty=1.0, early_stopping=False)
    with open(os.path.join(OUT, "golden.json"), "w") as f:
        json.dump(golden, f, indent=1)
    print("wrote", OUT)


def main(argv):
    torch.set_num_threads(1)
    if argv and argv[0] == "train":
        write_hf(train(int(os.environ.get("TINY_TRAIN_STEPS", "600")), float(os.environ.get("TINY_TRAIN_SECONDS", "240"))))
    elif argv and argv[0] == "from-v1":
        write_hf(from_v1(argv[1]))
    elif argv:
        raise SystemExit(f"unknown command {argv[0]!r}; expected train, from-v1 or nothing")
    package()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/python3
"""Writes sample-data/models/tiny-llama/: a tiny LLaMA-architecture model package for tests.

Run only to regenerate the fixtures (CI never runs it), with Debian's torch and onnx:

    apt-get install -y --no-install-recommends python3-torch python3-onnx
    /usr/bin/python3 sample-data/models/generate_tiny_llama.py

What it writes (the layout `deploy/export/export_hf_llama.py` writes for a real model):
  model.onnx               causal LM, last-position logits, KV cache, LoRA factors as inputs
  tokenizer.json           byte-level BPE (id = byte value, no merges) + 4 special tokens
  generation_config.json   bos/eos/pad ids and ALMA's decoding defaults
  mtforge-model.json       our manifest: graph input/output names, shapes, LoRA targets
  adapters/<id>/           PEFT adapters (adapter_config.json + adapter_model.safetensors)
  golden.json              greedy and beam outputs computed here by torch (HF generate semantics)

The base weights are random (seed 1234), then trained for a few hundred steps to copy the source
sentence after an ALMA prompt, so that outputs end with a newline and EOS the way a real model's
do; the adapters are random LoRA factors. Nothing here aims at translation quality.
"""
import json
import math
import os
import random
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny-llama")

VOCAB = 260
BOS, EOS, UNK, PAD = 256, 257, 258, 259
SPECIALS = {BOS: "<s>", EOS: "</s>", UNK: "<unk>", PAD: "<pad>"}
HIDDEN, LAYERS, HEADS, KV_HEADS, HEAD_DIM, INTER = 64, 2, 4, 2, 16, 128
ROPE_THETA, RMS_EPS = 10000.0, 1e-5
# (module path inside a layer, in features, out features), in PEFT's naming.
TARGETS = [
    ("self_attn.q_proj", HIDDEN, HEADS * HEAD_DIM),
    ("self_attn.k_proj", HIDDEN, KV_HEADS * HEAD_DIM),
    ("self_attn.v_proj", HIDDEN, KV_HEADS * HEAD_DIM),
    ("self_attn.o_proj", HEADS * HEAD_DIM, HIDDEN),
    ("mlp.gate_proj", HIDDEN, INTER),
    ("mlp.up_proj", HIDDEN, INTER),
    ("mlp.down_proj", INTER, HIDDEN),
]
NEG = -1e9  # masked attention score: a fully masked (padding) query row stays finite


def lora_input(layer, module, factor):
    return f"lora.{layer}.{module}.{factor}"


class Linear(nn.Module):
    """y = W x + s * B (A x), with A [b, r, in], B [b, out, r] and s [b] fed per row."""

    def __init__(self, fin, fout):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(fout, fin) / math.sqrt(fin))

    def forward(self, x, a, b, s):
        y = torch.matmul(x, self.weight.t())
        low = torch.matmul(torch.matmul(x, a.transpose(1, 2)), b.transpose(1, 2))
        return y + s[:, None, None] * low


class RMSNorm(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        var = x.pow(2).mean(-1, keepdim=True)
        return self.weight * (x * torch.rsqrt(var + RMS_EPS))


def rotate_half(x):
    x1 = x[..., : HEAD_DIM // 2]
    x2 = x[..., HEAD_DIM // 2:]
    return torch.cat((-x2, x1), dim=-1)


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.input_layernorm = RMSNorm(HIDDEN)
        self.post_attention_layernorm = RMSNorm(HIDDEN)
        self.proj = nn.ModuleDict({name.replace(".", "_"): Linear(i, o) for name, i, o in TARGETS})

    def lin(self, name, x, lora, s):
        a, b = lora[name]
        return self.proj[name.replace(".", "_")](x, a, b, s)

    def forward(self, h, cos, sin, mask, past_k, past_v, lora, s):
        bsz, seq = h.shape[0], h.shape[1]
        x = self.input_layernorm(h)
        q = self.lin("self_attn.q_proj", x, lora, s).view(bsz, seq, HEADS, HEAD_DIM).transpose(1, 2)
        k = self.lin("self_attn.k_proj", x, lora, s).view(bsz, seq, KV_HEADS, HEAD_DIM).transpose(1, 2)
        v = self.lin("self_attn.v_proj", x, lora, s).view(bsz, seq, KV_HEADS, HEAD_DIM).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = torch.cat([past_k, k], dim=2)
        v = torch.cat([past_v, v], dim=2)
        present = (k, v)
        rep = HEADS // KV_HEADS
        total = k.shape[2]
        kk = k[:, :, None].expand(bsz, KV_HEADS, rep, total, HEAD_DIM).reshape(bsz, HEADS, total, HEAD_DIM)
        vv = v[:, :, None].expand(bsz, KV_HEADS, rep, total, HEAD_DIM).reshape(bsz, HEADS, total, HEAD_DIM)
        scores = torch.matmul(q, kk.transpose(2, 3)) / math.sqrt(HEAD_DIM)
        scores = torch.where(mask, scores, torch.full_like(scores, NEG))
        attn = torch.softmax(scores, dim=-1)
        o = torch.matmul(attn, vv).transpose(1, 2).reshape(bsz, seq, HEADS * HEAD_DIM)
        h = h + self.lin("self_attn.o_proj", o, lora, s)
        x = self.post_attention_layernorm(h)
        g = self.lin("mlp.gate_proj", x, lora, s)
        u = self.lin("mlp.up_proj", x, lora, s)
        h = h + self.lin("mlp.down_proj", F.silu(g) * u, lora, s)
        return h, present


class TinyLlama(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed_tokens = nn.Embedding(VOCAB, HIDDEN)
        self.layers = nn.ModuleList([Layer() for _ in range(LAYERS)])
        self.norm = RMSNorm(HIDDEN)
        self.lm_head = nn.Parameter(torch.randn(VOCAB, HIDDEN) / math.sqrt(HIDDEN))
        inv = 1.0 / (ROPE_THETA ** (torch.arange(0, HEAD_DIM, 2).float() / HEAD_DIM))
        self.register_buffer("inv_freq", inv, persistent=False)

    def run(self, input_ids, attention_mask, position_ids, pasts, lora, s, all_logits=False):
        """pasts: [(k, v)] per layer; lora: per layer {module: (A, B)}; returns logits and presents."""
        h = self.embed_tokens(input_ids)
        freqs = position_ids[..., None].float() * self.inv_freq
        emb = torch.cat([freqs, freqs], dim=-1)
        cos, sin = emb.cos()[:, None], emb.sin()[:, None]
        seq = input_ids.shape[1]
        past_len = pasts[0][0].shape[2]
        total = past_len + seq
        q_pos = torch.arange(seq)[:, None] + past_len
        k_pos = torch.arange(total)[None, :]
        causal = k_pos <= q_pos
        mask = causal[None, None] & (attention_mask[:, None, None, :] > 0)
        presents = []
        for i, layer in enumerate(self.layers):
            h, present = layer(h, cos, sin, mask, pasts[i][0], pasts[i][1], lora[i], s)
            presents.append(present)
        h = self.norm(h)
        if not all_logits:
            h = h[:, -1]
        return torch.matmul(h, self.lm_head.t()), presents


def input_names():
    names = ["input_ids", "attention_mask", "position_ids"]
    for i in range(LAYERS):
        names += [f"past_key_values.{i}.key", f"past_key_values.{i}.value"]
    for i in range(LAYERS):
        for m, _, _ in TARGETS:
            names += [lora_input(i, m, "A"), lora_input(i, m, "B")]
    return names + ["lora_scale"]


def output_names():
    names = ["logits"]
    for i in range(LAYERS):
        names += [f"present.{i}.key", f"present.{i}.value"]
    return names


class Exported(nn.Module):
    """The flat-argument forward that torch.onnx.export traces."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, *args):
        ids, mask, pos = args[0], args[1], args[2]
        pasts = [(args[3 + 2 * i], args[4 + 2 * i]) for i in range(LAYERS)]
        off = 3 + 2 * LAYERS
        lora = []
        for i in range(LAYERS):
            per = {}
            for j, (m, _, _) in enumerate(TARGETS):
                per[m] = (args[off + 2 * (i * len(TARGETS) + j)], args[off + 2 * (i * len(TARGETS) + j) + 1])
            lora.append(per)
        s = args[-1]
        logits, presents = self.model.run(ids, mask, pos, pasts, lora, s)
        flat = [logits]
        for k, v in presents:
            flat += [k, v]
        return tuple(flat)


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


def zero_lora(bsz, rank=1):
    return [{m: (torch.zeros(bsz, rank, i), torch.zeros(bsz, o, rank)) for m, i, o in TARGETS}
            for _ in range(LAYERS)]


def empty_past(bsz):
    return [(torch.zeros(bsz, KV_HEADS, 0, HEAD_DIM), torch.zeros(bsz, KV_HEADS, 0, HEAD_DIM))
            for _ in range(LAYERS)]


def train(model, steps, seconds):
    rng = random.Random(7)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
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
        logits, _ = model.run(ids, mask, pos, empty_past(len(seqs)), zero_lora(len(seqs)),
                              torch.zeros(len(seqs)), all_logits=True)
        loss = F.cross_entropy(logits[:, :-1].reshape(-1, VOCAB), labels[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 50 == 0:
            print(f"step {step} loss {loss.item():.3f}", flush=True)
        if time.time() - start > seconds:
            print(f"training stopped after {step + 1} steps (time budget)", flush=True)
            break


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
        for m, fin, fout in TARGETS:
            key = f"base_model.model.model.layers.{i}.{m}"
            tensors[key + ".lora_A.weight"] = torch.randn(rank, fin, generator=g) / math.sqrt(fin)
            tensors[key + ".lora_B.weight"] = torch.randn(fout, rank, generator=g) * 0.08
    return tensors


def write_safetensors(path, tensors):
    # The format is an 8-byte little-endian header length, a JSON header, then raw data.
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        data = tensors[name].contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    raw = json.dumps(header, separators=(",", ":")).encode("utf-8")
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def adapter_lora(tensors, rank, alpha):
    lora = []
    for i in range(LAYERS):
        per = {}
        for m, _, _ in TARGETS:
            key = f"base_model.model.model.layers.{i}.{m}"
            per[m] = (tensors[key + ".lora_A.weight"], tensors[key + ".lora_B.weight"])
        lora.append(per)
    return lora, alpha / rank


def batch_lora(rows):
    """rows: per batch row (lora or None, scale); pads ranks with zeros to the largest."""
    rank = max([r[0][0][TARGETS[0][0]][0].shape[0] for r in rows if r[0] is not None] + [1])
    out = []
    for i in range(LAYERS):
        per = {}
        for m, fin, fout in TARGETS:
            a = torch.zeros(len(rows), rank, fin)
            b = torch.zeros(len(rows), fout, rank)
            for r, (lora, _) in enumerate(rows):
                if lora is not None:
                    ra, rb = lora[i][m]
                    a[r, : ra.shape[0]] = ra
                    b[r, :, : rb.shape[1]] = rb
            per[m] = (a, b)
        out.append(per)
    scale = torch.tensor([s if l is not None else 0.0 for l, s in rows])
    return out, scale


# ---------------------------------------------------------------- generation (HF semantics)

def left_pad(prompts):
    ids = [encode(p) for p in prompts]
    width = max(len(x) for x in ids)
    input_ids = torch.full((len(ids), width), PAD, dtype=torch.long)
    mask = torch.zeros(len(ids), width, dtype=torch.long)
    for r, x in enumerate(ids):
        input_ids[r, width - len(x):] = torch.tensor(x)
        mask[r, width - len(x):] = 1
    return input_ids, mask


def positions(mask):
    # transformers' prepare_inputs_for_generation: cumsum - 1, padding positions set to 1
    pos = mask.cumsum(-1) - 1
    return pos.masked_fill(mask == 0, 1)


@torch.no_grad()
def greedy(model, prompts, rows, max_new):
    ids, mask = left_pad(prompts)
    lora, scale = batch_lora(rows)
    bsz = ids.shape[0]
    pasts = empty_past(bsz)
    step_ids, pos = ids, positions(mask)
    out = [[] for _ in range(bsz)]
    done = [False] * bsz
    for _ in range(max_new):
        logits, pasts = model.run(step_ids, mask, pos, pasts, lora, scale)
        nxt = logits.argmax(-1)
        # rows finished earlier get PAD, as HF's greedy search does; their outputs are ignored
        tok = torch.tensor([PAD if done[r] else int(nxt[r]) for r in range(bsz)])
        for r in range(bsz):
            if not done[r]:
                out[r].append(int(nxt[r]))
                done[r] = int(nxt[r]) == EOS
        if all(done):
            break
        step_ids = tok[:, None]
        mask = torch.cat([mask, torch.ones(bsz, 1, dtype=torch.long)], dim=1)
        pos = pos[:, -1:] + 1
    return [strip(o) for o in out]


def strip(tokens):
    eos = EOS in tokens
    return {"tokens": tokens[: tokens.index(EOS)] if eos else tokens, "eos": eos}


@torch.no_grad()
def beam(model, prompts, rows, max_new, num_beams, length_penalty, early_stopping):
    """transformers 4.40 _beam_search + BeamSearchScorer (num_return_sequences=1)."""
    ids0, mask = left_pad(prompts)
    bsz = ids0.shape[0]
    prompt_len = ids0.shape[1]
    ids = ids0.repeat_interleave(num_beams, dim=0)
    mask = mask.repeat_interleave(num_beams, dim=0)
    lora, scale = batch_lora([r for r in rows for _ in range(num_beams)])
    pasts = empty_past(bsz * num_beams)
    beam_scores = torch.zeros(bsz, num_beams)
    beam_scores[:, 1:] = -1e9
    beam_scores = beam_scores.view(-1)
    hyps = [[] for _ in range(bsz)]  # (score, tokens)
    worst = [1e9] * bsz
    done = [False] * bsz
    step_ids, pos = ids, positions(mask)
    seqs = [[] for _ in range(bsz * num_beams)]  # generated tokens per beam row

    def add(b, tokens, sum_logprobs, gen_len, eos):
        score = sum_logprobs / (gen_len ** length_penalty)
        if len(hyps[b]) < num_beams or score > worst[b]:
            hyps[b].append((score, list(tokens), eos))
            if len(hyps[b]) > num_beams:
                ordered = sorted([(h[0], i) for i, h in enumerate(hyps[b])])
                del hyps[b][ordered[0][1]]
                worst[b] = ordered[1][0]
            else:
                worst[b] = min(score, worst[b])

    def is_done(b, best_sum, cur_len):
        if len(hyps[b]) < num_beams:
            return False
        if early_stopping is True:
            return True
        if early_stopping is False:
            return worst[b] >= best_sum / ((cur_len - prompt_len) ** length_penalty)
        max_len = prompt_len + max_new
        denom = (max_len - prompt_len) if length_penalty > 0 else (cur_len - prompt_len)
        return worst[b] >= best_sum / (denom ** length_penalty)

    for step in range(max_new):
        logits, pasts = model.run(step_ids, mask, pos, pasts, lora, scale)
        logp = F.log_softmax(logits, dim=-1)
        scores = (logp + beam_scores[:, None]).view(bsz, num_beams * VOCAB)
        top_s, top_t = torch.topk(scores, 2 * num_beams, dim=1, largest=True, sorted=True)
        cur_len = prompt_len + step + 1  # length the scores were computed on, counting the new token
        nb_scores, nb_tokens, nb_idx = [], [], []
        for b in range(bsz):
            if done[b]:
                nb_scores += [0.0] * num_beams
                nb_tokens += [PAD] * num_beams
                nb_idx += [0] * num_beams
                continue
            chosen = 0
            for rank in range(2 * num_beams):
                flat = int(top_t[b, rank])
                src, tok = flat // VOCAB, flat % VOCAB
                row = b * num_beams + src
                if tok == EOS:
                    if rank >= num_beams:
                        continue
                    add(b, seqs[row], float(top_s[b, rank]), cur_len - prompt_len, True)
                else:
                    nb_scores.append(float(top_s[b, rank]))
                    nb_tokens.append(tok)
                    nb_idx.append(row)
                    chosen += 1
                if chosen == num_beams:
                    break
            done[b] = done[b] or is_done(b, float(top_s[b].max()), cur_len)
        beam_scores = torch.tensor(nb_scores)
        seqs = [seqs[i] + [t] for i, t in zip(nb_idx, nb_tokens)]
        idx = torch.tensor(nb_idx)
        pasts = [(k[idx], v[idx]) for k, v in pasts]
        lora = [{m: (a[idx], bb[idx]) for m, (a, bb) in per.items()} for per in lora]
        scale = scale[idx]
        mask = torch.cat([mask[idx], torch.ones(bsz * num_beams, 1, dtype=torch.long)], dim=1)
        pos = pos[idx][:, -1:] + 1
        step_ids = torch.tensor(nb_tokens)[:, None]
        if all(done):
            break
    results = []
    for b in range(bsz):
        if not done[b]:
            for j in range(num_beams):
                row = b * num_beams + j
                add(b, seqs[row], float(beam_scores[row]), len(seqs[row]), False)
        best = sorted(hyps[b], key=lambda h: h[0])[-1]
        results.append({"tokens": best[1], "eos": best[2], "score": best[0]})
    return results


# ---------------------------------------------------------------- files

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


def tokenizer_json():
    table = byte_unicode()
    vocab = {table[b]: b for b in range(256)}
    for i, s in SPECIALS.items():
        vocab[s] = i
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True} for i, s in SPECIALS.items()],
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


def manifest():
    return {
        "format": "mtforge-causal-lm",
        "format_version": 1,
        "name": "tiny-llama",
        "architecture": "llama",
        "onnx": "model.onnx",
        "tokenizer": "tokenizer.json",
        "generation_config": "generation_config.json",
        "vocab_size": VOCAB,
        "num_layers": LAYERS,
        "num_kv_heads": KV_HEADS,
        "head_dim": HEAD_DIM,
        "inputs": {
            "input_ids": "input_ids",
            "attention_mask": "attention_mask",
            "position_ids": "position_ids",
            "past_key": "past_key_values.{layer}.key",
            "past_value": "past_key_values.{layer}.value",
        },
        "outputs": {
            "logits": "logits",
            "present_key": "present.{layer}.key",
            "present_value": "present.{layer}.value",
        },
        "lora": {
            "a_input": "lora.{layer}.{module}.A",
            "b_input": "lora.{layer}.{module}.B",
            "scale_input": "lora_scale",
            "peft_key": "base_model.model.model.layers.{layer}.{module}",
            "targets": [{"module": m, "in_features": i, "out_features": o} for m, i, o in TARGETS],
        },
        "input_order": input_names(),
    }


def export(model, path):
    bsz, seq = 2, 5
    args = [torch.randint(0, 256, (bsz, seq)), torch.ones(bsz, seq + 3, dtype=torch.long),
            torch.arange(3, 3 + seq).repeat(bsz, 1)]
    for _ in range(LAYERS):
        args += [torch.zeros(bsz, KV_HEADS, 3, HEAD_DIM), torch.zeros(bsz, KV_HEADS, 3, HEAD_DIM)]
    for _ in range(LAYERS):
        for _, fin, fout in TARGETS:
            args += [torch.zeros(bsz, 2, fin), torch.zeros(bsz, fout, 2)]
    args.append(torch.zeros(bsz))
    dyn = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "total"},
           "position_ids": {0: "batch", 1: "seq"}, "logits": {0: "batch"}, "lora_scale": {0: "batch"}}
    for i in range(LAYERS):
        for kind in ("key", "value"):
            dyn[f"past_key_values.{i}.{kind}"] = {0: "batch", 2: "past"}
            dyn[f"present.{i}.{kind}"] = {0: "batch", 2: "total"}
        for m, _, _ in TARGETS:
            dyn[lora_input(i, m, "A")] = {0: "batch", 1: "rank"}
            dyn[lora_input(i, m, "B")] = {0: "batch", 2: "rank"}
    torch.onnx.export(Exported(model), tuple(args), path, input_names=input_names(),
                      output_names=output_names(), dynamic_axes=dyn, opset_version=14,
                      do_constant_folding=True)


def main():
    torch.manual_seed(1234)
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    model = TinyLlama()
    train(model, steps=int(os.environ.get("TINY_TRAIN_STEPS", "600")), seconds=float(os.environ.get("TINY_TRAIN_SECONDS", "240")))
    model.eval()
    export(model, os.path.join(OUT, "model.onnx"))
    import onnx
    onnx.checker.check_model(onnx.load(os.path.join(OUT, "model.onnx")))

    with open(os.path.join(OUT, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(), f, ensure_ascii=False, indent=1)
    with open(os.path.join(OUT, "generation_config.json"), "w") as f:
        json.dump({"bos_token_id": BOS, "eos_token_id": EOS, "pad_token_id": PAD, "do_sample": False,
                   "num_beams": 5, "max_new_tokens": 256, "length_penalty": 1.0,
                   "early_stopping": False}, f, indent=1)
    with open(os.path.join(OUT, "mtforge-model.json"), "w") as f:
        json.dump(manifest(), f, indent=1)

    adapters = {}
    for aid, rank, alpha, seed, meta in ADAPTERS:
        tensors = make_adapter(rank, seed)
        folder = os.path.join(OUT, "adapters", aid)
        os.makedirs(folder, exist_ok=True)
        write_safetensors(os.path.join(folder, "adapter_model.safetensors"), tensors)
        with open(os.path.join(folder, "adapter_config.json"), "w") as f:
            json.dump({"peft_type": "LORA", "task_type": "CAUSAL_LM", "r": rank, "lora_alpha": alpha,
                       "lora_dropout": 0.0, "bias": "none", "use_rslora": False,
                       "base_model_name_or_path": "tiny-llama",
                       "target_modules": [m.split(".")[1] for m, _, _ in TARGETS]}, f, indent=1)
        adapters[aid] = adapter_lora(tensors, rank, alpha)

    cases = [
        {"src": "de", "tgt": "en", "text": "Das Haus ist klein."},
        {"src": "en", "tgt": "de", "text": "We see the old city."},
        {"src": "fr", "tgt": "en", "text": "Nous voir la petite maison."},
        {"src": "en", "tgt": "zh", "text": "The river is green."},
        {"src": "cs", "tgt": "en", "text": "Velky dum."},
    ]
    prompts = [alma_prompt(c["src"], c["tgt"], c["text"]) for c in cases]
    golden = {"generator": "sample-data/models/generate_tiny_llama.py (torch " + torch.__version__ + ")",
              "prompts": prompts, "prompt_ids": [encode(p) for p in prompts], "cases": []}

    def case(name, adapter_ids, mode, **kw):
        rows = [(adapters[a][0], adapters[a][1]) if a else (None, 0.0) for a in adapter_ids]
        if mode == "greedy":
            out = greedy(model, prompts[: len(rows)], rows, kw["max_new_tokens"])
        else:
            out = beam(model, prompts[: len(rows)], rows, kw["max_new_tokens"], kw["num_beams"],
                       kw["length_penalty"], kw["early_stopping"])
        golden["cases"].append({"name": name, "mode": mode, "adapters": adapter_ids, **kw, "outputs": out})
        print(name, [bytes(o["tokens"][:60]).decode("utf-8", "replace") if all(t < 256 for t in o["tokens"]) else o["tokens"] for o in out])

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


if __name__ == "__main__":
    sys.exit(main())

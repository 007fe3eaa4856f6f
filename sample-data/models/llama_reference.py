"""A plain-torch LLaMA forward and Hugging Face's greedy and beam search: the reference that
golden tokens come from. Written apart from deploy/export/ on purpose: the exporter builds its
ONNX graph its own way, and the Java tests check that the two agree token for token.

Follows transformers' LlamaForCausalLM (eager attention) and PEFT's LoRA layer:
  - RMSNorm in float32, cast back, then times the weight;
  - rotary embedding from inv_freq (default, linear or llama3 rope scaling) computed in float32,
    cos/sin cast to the model dtype;
  - grouped-query attention by repeating key/value heads, scores times head_dim ** -0.5, an
    additive mask of the dtype's minimum, softmax in float32;
  - SwiGLU MLP; lm_head (or the tied embedding) in the model dtype, logits cast to float32;
  - LoRA per batch row: base(x) + lora_B(lora_A(x)) * scaling, on the row's own adapter only.
Searches: transformers 4.40 `_greedy_search` and `_beam_search` + BeamSearchScorer, for
decoder-only models (left padding, positions cumsum(mask) - 1 with padding set to 1, finished rows
fed the pad id, 2 * num_beams candidates, early_stopping true/false/"never").

Needs only torch (Debian's python3-torch 1.13 is enough).
"""
import json
import math
import os
import struct

import torch
import torch.nn.functional as F

MODULES = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
           "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


# ---------------------------------------------------------------- files (own small readers)

def read_safetensors(path):
    """name -> tensor of a .safetensors file (8-byte little-endian header length, JSON, raw data)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        start, end = spec["data_offsets"]
        raw = bytearray(data[start:end])
        t = torch.frombuffer(raw, dtype=DTYPES[spec["dtype"]]) if raw else torch.zeros(0, dtype=DTYPES[spec["dtype"]])
        out[name] = t.reshape(spec["shape"]).clone()
    return out


def read_checkpoint(folder):
    """config dict and name -> tensor of a Hugging Face model folder (one file or shards + index)."""
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    index = os.path.join(folder, "model.safetensors.index.json")
    tensors = {}
    if os.path.exists(index):
        with open(index) as f:
            for shard in sorted(set(json.load(f)["weight_map"].values())):
                tensors.update(read_safetensors(os.path.join(folder, shard)))
    else:
        tensors.update(read_safetensors(os.path.join(folder, "model.safetensors")))
    return config, tensors


class Adapter:
    """A PEFT LoRA adapter: per (layer, module) A [r, in], B [out, r], and its scaling."""

    def __init__(self, tensors, scaling, dtype):
        self.factors = {}
        for name, t in tensors.items():
            # base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight
            parts = name.split(".")
            layer, module, which = int(parts[4]), parts[5] + "." + parts[6], parts[7]
            self.factors.setdefault((layer, module), {})[which] = t.to(dtype)
        self.scaling = scaling

    @staticmethod
    def load(folder, dtype=torch.float32):
        with open(os.path.join(folder, "adapter_config.json")) as f:
            cfg = json.load(f)
        r, alpha = cfg["r"], cfg["lora_alpha"]
        scaling = alpha / math.sqrt(r) if cfg.get("use_rslora") else alpha / r
        return Adapter(read_safetensors(os.path.join(folder, "adapter_model.safetensors")), scaling, dtype)


# ---------------------------------------------------------------- the forward

def rope_inv_freq(config, head_dim):
    """transformers' ROPE_INIT_FUNCTIONS for the rope types LLaMA checkpoints use."""
    params = config.get("rope_parameters") or config.get("rope_scaling") or {}
    theta = params.get("rope_theta", config.get("rope_theta", 10000.0))
    inv = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
    kind = params.get("rope_type", params.get("type", "default"))
    if kind == "default":
        return inv
    if kind == "linear":
        return inv / params["factor"]
    if kind == "llama3":
        factor, low, high = params["factor"], params["low_freq_factor"], params["high_freq_factor"]
        old = params["original_max_position_embeddings"]
        low_wavelen, high_wavelen = old / low, old / high
        wavelen = 2 * math.pi / inv
        scaled = torch.where(wavelen > low_wavelen, inv / factor, inv)
        smooth = (old / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = ~(wavelen < high_wavelen) * ~(wavelen > low_wavelen)
        return torch.where(medium, smoothed, scaled)
    raise ValueError(f"rope type {kind!r} is not in the reference")


class Reference:
    """LLaMA forward over a Hugging Face state dict (names as in model.safetensors)."""

    def __init__(self, config, tensors, dtype=torch.float32):
        self.cfg = config
        self.dtype = dtype
        self.w = {k: v.to(dtype) if v.is_floating_point() else v for k, v in tensors.items()}
        self.layers = config["num_hidden_layers"]
        self.heads = config["num_attention_heads"]
        self.kv_heads = config.get("num_key_value_heads") or self.heads
        self.head_dim = config.get("head_dim") or config["hidden_size"] // self.heads
        self.eps = config["rms_norm_eps"]
        self.inv_freq = rope_inv_freq(config, self.head_dim)
        self.lm_head = self.w["model.embed_tokens.weight"] if config.get("tie_word_embeddings") else self.w["lm_head.weight"]

    def rms(self, name, h):
        x = h.to(torch.float32)
        var = x.pow(2).mean(-1, keepdim=True)
        x = x * torch.rsqrt(var + self.eps)
        return self.w[name] * x.to(h.dtype)

    def linear(self, layer, module, x, rows):
        y = torch.matmul(x, self.w[f"model.layers.{layer}.{module}.weight"].t())
        lows = []
        for r, adapter in enumerate(rows):
            f = adapter.factors.get((layer, module)) if adapter is not None else None
            if f is None:
                lows.append(torch.zeros_like(y[r]))
            else:
                lows.append(torch.matmul(torch.matmul(x[r], f["lora_A"].t()), f["lora_B"].t()) * adapter.scaling)
        return y + torch.stack(lows)

    def forward(self, ids, mask, pos, past, rows, all_logits=False):
        """ids/pos [b, s], mask [b, past + s], past [(k, v)] per layer, rows: adapter (or None) per row."""
        b, s = ids.shape
        h = self.w["model.embed_tokens.weight"][ids]
        freqs = (self.inv_freq[None, :, None].float() @ pos[:, None, :].float()).transpose(1, 2)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos().to(self.dtype)[:, None], emb.sin().to(self.dtype)[:, None]
        past_len = past[0][0].shape[2]
        total = past_len + s
        causal = torch.arange(total)[None, :] <= (torch.arange(s)[:, None] + past_len)
        allowed = causal[None, None] & (mask[:, None, None, :] > 0)
        additive = torch.zeros(allowed.shape, dtype=self.dtype).masked_fill(~allowed, torch.finfo(self.dtype).min)
        half = self.head_dim // 2
        rot = lambda t: torch.cat((-t[..., half:], t[..., :half]), dim=-1)
        rep = self.heads // self.kv_heads
        presents = []
        for i in range(self.layers):
            p = f"model.layers.{i}."
            x = self.rms(p + "input_layernorm.weight", h)
            q = self.linear(i, MODULES[0], x, rows).view(b, s, self.heads, self.head_dim).transpose(1, 2)
            k = self.linear(i, MODULES[1], x, rows).view(b, s, self.kv_heads, self.head_dim).transpose(1, 2)
            v = self.linear(i, MODULES[2], x, rows).view(b, s, self.kv_heads, self.head_dim).transpose(1, 2)
            q, k = q * cos + rot(q) * sin, k * cos + rot(k) * sin
            k = torch.cat([past[i][0], k], dim=2)
            v = torch.cat([past[i][1], v], dim=2)
            presents.append((k, v))
            kk = k[:, :, None].expand(b, self.kv_heads, rep, total, self.head_dim).reshape(b, self.heads, total, self.head_dim)
            vv = v[:, :, None].expand(b, self.kv_heads, rep, total, self.head_dim).reshape(b, self.heads, total, self.head_dim)
            att = torch.matmul(q, kk.transpose(2, 3)) * self.head_dim ** -0.5 + additive
            att = F.softmax(att, dim=-1, dtype=torch.float32).to(self.dtype)
            o = torch.matmul(att, vv).transpose(1, 2).reshape(b, s, self.heads * self.head_dim)
            h = h + self.linear(i, MODULES[3], o, rows)
            x = self.rms(p + "post_attention_layernorm.weight", h)
            g = self.linear(i, MODULES[4], x, rows)
            u = self.linear(i, MODULES[5], x, rows)
            h = h + self.linear(i, MODULES[6], F.silu(g) * u, rows)
        h = self.rms("model.norm.weight", h)
        if not all_logits:
            h = h[:, -1]
        return torch.matmul(h, self.lm_head.t()).float(), presents

    def empty_past(self, b):
        z = torch.zeros(b, self.kv_heads, 0, self.head_dim, dtype=self.dtype)
        return [(z, z) for _ in range(self.layers)]


# ---------------------------------------------------------------- searches (HF semantics)

def left_pad(prompt_ids, pad):
    width = max(len(x) for x in prompt_ids)
    ids = torch.full((len(prompt_ids), width), pad, dtype=torch.long)
    mask = torch.zeros(len(prompt_ids), width, dtype=torch.long)
    for r, x in enumerate(prompt_ids):
        ids[r, width - len(x):] = torch.tensor(x)
        mask[r, width - len(x):] = 1
    return ids, mask


def positions(mask):
    # transformers' prepare_inputs_for_generation: cumsum - 1, padding positions set to 1
    pos = mask.cumsum(-1) - 1
    return pos.masked_fill(mask == 0, 1)


def strip(tokens, eos):
    done = eos in tokens
    return {"tokens": tokens[: tokens.index(eos)] if done else tokens, "eos": done}


@torch.no_grad()
def greedy(model, prompt_ids, rows, max_new, eos, pad):
    ids, mask = left_pad(prompt_ids, pad)
    bsz = ids.shape[0]
    past = model.empty_past(bsz)
    step_ids, pos = ids, positions(mask)
    out = [[] for _ in range(bsz)]
    done = [False] * bsz
    for _ in range(max_new):
        logits, past = model.forward(step_ids, mask, pos, past, rows)
        nxt = logits.argmax(-1)
        # rows finished earlier get PAD, as HF's greedy search does; their outputs are ignored
        tok = torch.tensor([pad if done[r] else int(nxt[r]) for r in range(bsz)])
        for r in range(bsz):
            if not done[r]:
                out[r].append(int(nxt[r]))
                done[r] = int(nxt[r]) == eos
        if all(done):
            break
        step_ids = tok[:, None]
        mask = torch.cat([mask, torch.ones(bsz, 1, dtype=torch.long)], dim=1)
        pos = pos[:, -1:] + 1
    return [strip(o, eos) for o in out]


@torch.no_grad()
def beam(model, prompt_ids, rows, max_new, num_beams, length_penalty, early_stopping, eos, pad):
    """transformers 4.40 _beam_search + BeamSearchScorer (num_return_sequences=1)."""
    ids0, mask = left_pad(prompt_ids, pad)
    bsz = ids0.shape[0]
    prompt_len = ids0.shape[1]
    ids = ids0.repeat_interleave(num_beams, dim=0)
    mask = mask.repeat_interleave(num_beams, dim=0)
    beam_rows = [r for r in rows for _ in range(num_beams)]
    past = model.empty_past(bsz * num_beams)
    beam_scores = torch.zeros(bsz, num_beams)
    beam_scores[:, 1:] = -1e9
    beam_scores = beam_scores.view(-1)
    hyps = [[] for _ in range(bsz)]  # (score, tokens, eos)
    worst = [1e9] * bsz
    done = [False] * bsz
    step_ids, pos = ids, positions(mask)
    seqs = [[] for _ in range(bsz * num_beams)]  # generated tokens per beam row

    def add(b, tokens, sum_logprobs, gen_len, ended):
        score = sum_logprobs / (gen_len ** length_penalty)
        if len(hyps[b]) < num_beams or score > worst[b]:
            hyps[b].append((score, list(tokens), ended))
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
        logits, past = model.forward(step_ids, mask, pos, past, beam_rows)
        vocab = logits.shape[-1]
        logp = F.log_softmax(logits, dim=-1)
        scores = (logp + beam_scores[:, None]).view(bsz, num_beams * vocab)
        top_s, top_t = torch.topk(scores, 2 * num_beams, dim=1, largest=True, sorted=True)
        cur_len = prompt_len + step + 1  # length the scores were computed on, counting the new token
        nb_scores, nb_tokens, nb_idx = [], [], []
        for b in range(bsz):
            if done[b]:
                nb_scores += [0.0] * num_beams
                nb_tokens += [pad] * num_beams
                nb_idx += [0] * num_beams
                continue
            chosen = 0
            for rank in range(2 * num_beams):
                flat = int(top_t[b, rank])
                src, tok = flat // vocab, flat % vocab
                row = b * num_beams + src
                if tok == eos:
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
        past = [(k[idx], v[idx]) for k, v in past]
        beam_rows = [beam_rows[i] for i in nb_idx]
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

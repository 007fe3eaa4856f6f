#!/usr/bin/env python3
"""Turns a Hugging Face LLaMA-family causal LM into an mtforge model package.

Run it on your own machine (it needs torch, transformers and onnx; nothing here downloads):

    python export_hf_llama.py --model /models/X-ALMA-13B-Pretrain --out /packages/xalma-13b \
        [--dtype float16] [--opset 17]

The package (read by dev.mtforge.udfs.inference.ModelPackage):
  model.onnx (+ model.onnx.data)  decoder with KV cache; LoRA factors are graph INPUTS, so one
                                  session serves every adapter and a batch may mix adapters
  tokenizer.json                  copied from the model folder (DJL HF tokenizers reads it)
  generation_config.json          copied (bos/eos/pad ids)
  mtforge-model.json              input/output names, cache shape, LoRA targets

Graph contract (the same as sample-data/models/generate_tiny_llama.py writes for the test model):
  inputs   input_ids [b, s] int64, attention_mask [b, past+s] int64, position_ids [b, s] int64,
           past_key_values.{i}.key/value [b, kv_heads, past, head_dim],
           lora.{i}.{module}.A [b, r, in], lora.{i}.{module}.B [b, out, r], lora_scale [b]
  outputs  logits [b, vocab] (last position only), present.{i}.key/value [b, kv_heads, past+s, head_dim]
Each target linear computes W x + lora_scale * B (A x). Feed rank-1 zeros and scale 0 for the base.

Limits: LLaMA architecture only (RMSNorm, rotary with the config's rope_theta and no rope
scaling, SwiGLU MLP, grouped-query attention, no biases). This script has not been run in the
mtforge CI (no transformers there); the tiny-model generator, which shares the graph contract,
is what the Java tests check against torch.
"""
import argparse
import json
import math
import os
import shutil

import torch
import torch.nn as nn
import torch.nn.functional as F

MODULES = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
           "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]


class LoraLlama(nn.Module):
    """LLaMA decoder whose target linears take per-row LoRA factors as inputs."""

    def __init__(self, hf_model):
        super().__init__()
        cfg = hf_model.config
        self.cfg = cfg
        self.heads = cfg.num_attention_heads
        self.kv_heads = getattr(cfg, "num_key_value_heads", self.heads)
        self.head_dim = cfg.hidden_size // self.heads
        self.eps = cfg.rms_norm_eps
        self.hf = hf_model.model
        self.lm_head = hf_model.lm_head
        theta = getattr(cfg, "rope_theta", 10000.0)
        inv = 1.0 / (theta ** (torch.arange(0, self.head_dim, 2).float() / self.head_dim))
        self.register_buffer("inv_freq", inv, persistent=False)

    def rms(self, norm, x):
        var = x.float().pow(2).mean(-1, keepdim=True)
        return norm.weight * (x.float() * torch.rsqrt(var + self.eps)).to(x.dtype)

    @staticmethod
    def lin(linear, x, a, b, s):
        y = linear(x)
        low = torch.matmul(torch.matmul(x, a.transpose(1, 2)), b.transpose(1, 2))
        return y + s[:, None, None].to(x.dtype) * low

    def forward(self, *args):
        n = len(self.hf.layers)
        ids, mask, pos = args[0], args[1], args[2]
        pasts = [(args[3 + 2 * i], args[4 + 2 * i]) for i in range(n)]
        off = 3 + 2 * n
        scale = args[-1]
        h = self.hf.embed_tokens(ids)
        freqs = pos[..., None].float() * self.inv_freq
        emb = torch.cat([freqs, freqs], dim=-1)
        cos, sin = emb.cos()[:, None].to(h.dtype), emb.sin()[:, None].to(h.dtype)
        bsz, seq = ids.shape[0], ids.shape[1]
        past_len = pasts[0][0].shape[2]
        q_pos = torch.arange(seq)[:, None] + past_len
        k_pos = torch.arange(past_len + seq)[None, :]
        allowed = (k_pos <= q_pos)[None, None] & (mask[:, None, None, :] > 0)
        half = self.head_dim // 2
        rot = lambda x: torch.cat((-x[..., half:], x[..., :half]), dim=-1)
        presents = []
        for i, layer in enumerate(self.hf.layers):
            lora = {m: (args[off + 2 * (i * len(MODULES) + j)], args[off + 2 * (i * len(MODULES) + j) + 1])
                    for j, m in enumerate(MODULES)}
            att, mlp = layer.self_attn, layer.mlp
            x = self.rms(layer.input_layernorm, h)
            q = self.lin(att.q_proj, x, *lora[MODULES[0]], scale).view(bsz, seq, self.heads, self.head_dim).transpose(1, 2)
            k = self.lin(att.k_proj, x, *lora[MODULES[1]], scale).view(bsz, seq, self.kv_heads, self.head_dim).transpose(1, 2)
            v = self.lin(att.v_proj, x, *lora[MODULES[2]], scale).view(bsz, seq, self.kv_heads, self.head_dim).transpose(1, 2)
            q, k = q * cos + rot(q) * sin, k * cos + rot(k) * sin
            k = torch.cat([pasts[i][0], k], dim=2)
            v = torch.cat([pasts[i][1], v], dim=2)
            presents += [k, v]
            rep = self.heads // self.kv_heads
            total = k.shape[2]
            kk = k[:, :, None].expand(bsz, self.kv_heads, rep, total, self.head_dim).reshape(bsz, self.heads, total, self.head_dim)
            vv = v[:, :, None].expand(bsz, self.kv_heads, rep, total, self.head_dim).reshape(bsz, self.heads, total, self.head_dim)
            scores = torch.matmul(q, kk.transpose(2, 3)) / math.sqrt(self.head_dim)
            scores = torch.where(allowed, scores, torch.full_like(scores, -1e4 if h.dtype == torch.float16 else -1e9))
            o = torch.matmul(torch.softmax(scores.float(), dim=-1).to(h.dtype), vv)
            o = o.transpose(1, 2).reshape(bsz, seq, self.heads * self.head_dim)
            h = h + self.lin(att.o_proj, o, *lora[MODULES[3]], scale)
            x = self.rms(layer.post_attention_layernorm, h)
            g = self.lin(mlp.gate_proj, x, *lora[MODULES[4]], scale)
            u = self.lin(mlp.up_proj, x, *lora[MODULES[5]], scale)
            h = h + self.lin(mlp.down_proj, F.silu(g) * u, *lora[MODULES[6]], scale)
        h = self.rms(self.hf.norm, h)[:, -1]
        return tuple([self.lm_head(h).float()] + presents)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="HF model folder (config.json, weights, tokenizer.json)")
    p.add_argument("--out", required=True, help="package folder to write")
    # float32 only: the Java session feeds float32 caches and LoRA factors (fp16 is not done yet)
    p.add_argument("--dtype", default="float32", choices=["float32"])
    p.add_argument("--opset", type=int, default=17)
    a = p.parse_args()

    from transformers import AutoModelForCausalLM  # only needed here, on the exporting machine
    dtype = getattr(torch, a.dtype)
    hf = AutoModelForCausalLM.from_pretrained(a.model, torch_dtype=dtype).eval()
    if hf.config.model_type != "llama":
        raise SystemExit(f"{a.model}: model_type is {hf.config.model_type!r}; this exporter handles llama only")
    if getattr(hf.config, "rope_scaling", None):
        raise SystemExit(f"{a.model}: rope_scaling {hf.config.rope_scaling} is not supported")
    model = LoraLlama(hf)
    cfg = hf.config
    n, kv, hd = cfg.num_hidden_layers, model.kv_heads, model.head_dim
    sizes = {"self_attn.q_proj": (cfg.hidden_size, model.heads * hd), "self_attn.k_proj": (cfg.hidden_size, kv * hd),
             "self_attn.v_proj": (cfg.hidden_size, kv * hd), "self_attn.o_proj": (model.heads * hd, cfg.hidden_size),
             "mlp.gate_proj": (cfg.hidden_size, cfg.intermediate_size), "mlp.up_proj": (cfg.hidden_size, cfg.intermediate_size),
             "mlp.down_proj": (cfg.intermediate_size, cfg.hidden_size)}
    names, dyn = ["input_ids", "attention_mask", "position_ids"], {}
    args = [torch.ones(1, 2, dtype=torch.long), torch.ones(1, 3, dtype=torch.long), torch.tensor([[1, 2]])]
    for i in range(n):
        for kind in ("key", "value"):
            names.append(f"past_key_values.{i}.{kind}")
            args.append(torch.zeros(1, kv, 1, hd, dtype=dtype))
            dyn[f"past_key_values.{i}.{kind}"] = {0: "batch", 2: "past"}
            dyn[f"present.{i}.{kind}"] = {0: "batch", 2: "total"}
    for i in range(n):
        for m in MODULES:
            fin, fout = sizes[m]
            names += [f"lora.{i}.{m}.A", f"lora.{i}.{m}.B"]
            args += [torch.zeros(1, 1, fin, dtype=dtype), torch.zeros(1, fout, 1, dtype=dtype)]
            dyn[f"lora.{i}.{m}.A"] = {0: "batch", 1: "rank"}
            dyn[f"lora.{i}.{m}.B"] = {0: "batch", 2: "rank"}
    names.append("lora_scale")
    args.append(torch.zeros(1))
    dyn.update({"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "total"},
                "position_ids": {0: "batch", 1: "seq"}, "lora_scale": {0: "batch"}, "logits": {0: "batch"}})
    outputs = ["logits"] + [f"present.{i}.{k}" for i in range(n) for k in ("key", "value")]
    os.makedirs(a.out, exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(model, tuple(args), os.path.join(a.out, "model.onnx"), input_names=names,
                          output_names=outputs, dynamic_axes=dyn, opset_version=a.opset)
    for f in ("tokenizer.json", "generation_config.json"):
        shutil.copy(os.path.join(a.model, f), os.path.join(a.out, f))
    manifest = {
        "format": "mtforge-causal-lm", "format_version": 1, "name": os.path.basename(os.path.normpath(a.model)),
        "architecture": "llama", "onnx": "model.onnx", "tokenizer": "tokenizer.json",
        "generation_config": "generation_config.json", "vocab_size": cfg.vocab_size, "num_layers": n,
        "num_kv_heads": kv, "head_dim": hd,
        "inputs": {"input_ids": "input_ids", "attention_mask": "attention_mask", "position_ids": "position_ids",
                   "past_key": "past_key_values.{layer}.key", "past_value": "past_key_values.{layer}.value"},
        "outputs": {"logits": "logits", "present_key": "present.{layer}.key", "present_value": "present.{layer}.value"},
        "lora": {"a_input": "lora.{layer}.{module}.A", "b_input": "lora.{layer}.{module}.B",
                 "scale_input": "lora_scale", "peft_key": "base_model.model.model.layers.{layer}.{module}",
                 "targets": [{"module": m, "in_features": sizes[m][0], "out_features": sizes[m][1]} for m in MODULES]},
        "input_order": names,
    }
    with open(os.path.join(a.out, "mtforge-model.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print("wrote", a.out)


if __name__ == "__main__":
    main()

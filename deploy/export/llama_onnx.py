"""Builds the mtforge decoder graph (package format_version 2) for a LLaMA checkpoint, node by node
with onnx.helper: no tracing, so half-precision graphs are written on a CPU-only torch, weights
stream from the checkpoint's memory map to the ONNX file one tensor at a time, and every cast is
where transformers puts it.

Graph contract (read by dev.mtforge.udfs.inference.ModelManifest / CausalLm; D = the package dtype):
  inputs   input_ids [b, s] int64, attention_mask [b, past + s] int64, position_ids [b, s] int64,
           beam_idx [b] int64       row i continues row beam_idx[i] of the past (beam reorder in the graph),
           top_k [1] int64          candidates returned per row,
           past_key_values.{i}.key / .value [b_past, kv_heads, past, head_dim] D,
           lora.{i}.{module}.A [R, in] D, lora.{i}.{module}.B [out, R] D
                                    the distinct adapters of the batch, their ranks concatenated (R = sum),
           lora_mask [b, R] float   1 on the columns of the row's adapter, 0 elsewhere,
           lora_scale [b] float     the row's PEFT scaling (0: base model)
  outputs  top_logprobs [b, k] float, top_ids [b, k] int64   top-k of log_softmax(last logits),
           present.{i}.key / .value [b, kv_heads, past + s, head_dim] D
A target linear computes x W^T + (((x A^T) * lora_mask) B^T) * lora_scale: PEFT's
base(x) + lora_B(lora_A(x)) * scaling for the row's adapter (a 0/1 mask is exact), so one input of
each adapter serves every row, whatever the batch size.
"""
import math

import numpy as np
import onnx
from onnx import TensorProto, helper

import hf_checkpoint

OPSET = 17
ONNX_DTYPES = {"float32": TensorProto.FLOAT, "float16": TensorProto.FLOAT16, "bfloat16": TensorProto.BFLOAT16}
MASKED = -1e9  # score of a masked key; finite, so a fully masked (padding) query row stays finite


def rope_inv_freq(spec):
    """transformers' inverse frequencies (default, linear or llama3 scaling), computed with torch as it does."""
    import torch
    dim = spec.head_dim
    inv = 1.0 / (spec.rope_theta ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
    p = spec.rope
    if spec.rope_type == "linear":
        inv = inv / p["factor"]
    elif spec.rope_type == "llama3":
        factor, low, high = p["factor"], p["low_freq_factor"], p["high_freq_factor"]
        old = p["original_max_position_embeddings"]
        wavelen = 2 * math.pi / inv
        scaled = torch.where(wavelen > old / low, inv / factor, inv)
        smooth = (old / wavelen - low) / (high - low)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = ~(wavelen < old / high) * ~(wavelen > old / low)
        inv = torch.where(medium, smoothed, scaled)
    return inv.numpy().astype(np.float32)


def convert(raw, source, dtype):
    """Checkpoint data (F32/F16/BF16 raw) in the package dtype, as numpy (bfloat16 as uint16 words)."""
    if dtype == "float16" and source == "F16":
        return raw
    if dtype == "bfloat16" and source == "BF16":
        return raw
    f32 = hf_checkpoint.to_float32(raw, source)
    if dtype == "float32":
        return f32
    if dtype == "float16":
        return f32.astype(np.float16)  # round to nearest even, as torch's .half()
    bits = np.ascontiguousarray(f32).view(np.uint32)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)  # nearest even, as .bfloat16()
    nan = np.isnan(f32)
    if nan.any():
        rounded[nan] = ((bits[nan] >> 16) | 0x40).astype(np.uint16)
    return rounded


class Weights:
    """Initializers: inline in model.onnx, or streamed into one external data file."""

    def __init__(self, data_path=None, data_name=None):
        self.initializers = []
        self.data_path = data_path
        self.data_name = data_name
        self.offset = 0
        self.bytes = 0
        self.file = open(data_path, "wb") if data_path else None

    def add(self, name, array, onnx_type):
        array = np.asarray(array)
        if not array.flags.c_contiguous:
            array = array.copy(order="C")  # (np.ascontiguousarray would make a 0-d array 1-d)
        t = TensorProto()
        t.name = name
        t.data_type = onnx_type
        t.dims.extend(array.shape)
        size = array.nbytes
        self.bytes += size
        if self.file is None or size < 1024:
            t.raw_data = array.tobytes()
        else:
            pad = (-self.offset) % 4096  # page-aligned, so ONNX Runtime can map it
            self.file.write(b"\0" * pad)
            self.offset += pad
            self.file.write(memoryview(array.reshape(-1)).cast("B"))
            t.data_location = TensorProto.EXTERNAL
            for key, value in (("location", self.data_name), ("offset", str(self.offset)), ("length", str(size))):
                entry = t.external_data.add()
                entry.key, entry.value = key, value
            self.offset += size
        self.initializers.append(t)
        return name

    def close(self):
        if self.file is not None:
            self.file.close()


class Graph:
    """A small node builder: unique names, constants, typed inputs and outputs."""

    def __init__(self, weights):
        self.nodes = []
        self.inputs = []
        self.outputs = []
        self.weights = weights
        self.count = 0
        self.consts = {}

    def op(self, kind, *inputs, n_out=1, **attrs):
        self.count += 1
        outs = [f"/{kind}_{self.count}" + (f"_{i}" if n_out > 1 else "") for i in range(n_out)]
        self.nodes.append(helper.make_node(kind, list(inputs), outs, name=f"{kind}_{self.count}", **attrs))
        return outs[0] if n_out == 1 else outs

    def const(self, values, onnx_type=TensorProto.INT64):
        key = (tuple(np.asarray(values).ravel().tolist()), np.asarray(values).shape, onnx_type)
        if key not in self.consts:
            dtype = {TensorProto.INT64: np.int64, TensorProto.FLOAT: np.float32}[onnx_type]
            self.consts[key] = self.weights.add(f"const_{len(self.consts)}", np.asarray(values, dtype=dtype), onnx_type)
        return self.consts[key]

    def input(self, name, onnx_type, shape):
        self.inputs.append(helper.make_tensor_value_info(name, onnx_type, shape))
        return name

    def output(self, value, name, onnx_type, shape):
        self.nodes.append(helper.make_node("Identity", [value], [name], name=f"out_{name}"))
        self.outputs.append(helper.make_tensor_value_info(name, onnx_type, shape))


def build(checkpoint, spec, dtype, targets, data_path=None, data_name=None):
    """The ModelProto of a checkpoint (weights inline, or in data_path when given)."""
    D = ONNX_DTYPES[dtype]
    half = dtype != "float32"
    weights = Weights(data_path, data_name)
    g = Graph(weights)
    kv, hd, heads = spec.kv_heads, spec.head_dim, spec.heads
    rep = heads // kv
    shapes = spec.module_shapes()

    def weight(name, transpose=False):
        raw = checkpoint.raw(name)
        arr = convert(raw, checkpoint.dtype(name), dtype)
        added = weights.add(name + (".T" if transpose else ""), arr.T if transpose else arr, D)
        checkpoint.release(name)
        return added

    def cast(value, to):
        return g.op("Cast", value, to=to)

    ids = g.input("input_ids", TensorProto.INT64, ["batch", "seq"])
    mask = g.input("attention_mask", TensorProto.INT64, ["batch", "total"])
    pos = g.input("position_ids", TensorProto.INT64, ["batch", "seq"])
    beam_idx = g.input("beam_idx", TensorProto.INT64, ["batch"])
    top_k = g.input("top_k", TensorProto.INT64, [1])
    pasts = []
    for i in range(spec.layers):
        pasts.append((g.input(f"past_key_values.{i}.key", D, ["past_batch", kv, "past", hd]),
                      g.input(f"past_key_values.{i}.value", D, ["past_batch", kv, "past", hd])))
    lora = {}
    for i in range(spec.layers):
        for m in targets:
            fin, fout = shapes[m]
            lora[(i, m)] = (g.input(f"lora.{i}.{m}.A", D, ["lora_rank", fin]),
                            g.input(f"lora.{i}.{m}.B", D, [fout, "lora_rank"]))
    lora_mask = g.input("lora_mask", TensorProto.FLOAT, ["batch", "lora_rank"])
    lora_scale = g.input("lora_scale", TensorProto.FLOAT, ["batch"])
    mask_rows = g.op("Unsqueeze", cast(lora_mask, D) if half else lora_mask, g.const([1]))  # [b, 1, R]
    scale_rows = g.op("Unsqueeze", cast(lora_scale, D) if half else lora_scale, g.const([1, 2]))  # [b, 1, 1]

    # Rotary embedding: freqs in float32 (transformers disables autocast there), cos/sin in D.
    inv_freq = g.weights.add("rope.inv_freq", rope_inv_freq(spec), TensorProto.FLOAT)
    freqs = g.op("Mul", g.op("Unsqueeze", cast(pos, TensorProto.FLOAT), g.const([-1])), inv_freq)
    emb = g.op("Concat", freqs, freqs, axis=-1)
    cos, sin = g.op("Cos", emb), g.op("Sin", emb)
    if half:
        cos, sin = cast(cos, D), cast(sin, D)
    cos, sin = g.op("Unsqueeze", cos, g.const([1])), g.op("Unsqueeze", sin, g.const([1]))  # [b, 1, s, hd]

    # Attention mask: causal over absolute positions (past + query index) and the padding mask.
    past_len = g.op("Squeeze", g.op("Shape", pasts[0][0], start=2, end=3), g.const([0]))
    seq = g.op("Squeeze", g.op("Shape", ids, start=1, end=2), g.const([0]))
    total = g.op("Squeeze", g.op("Shape", mask, start=1, end=2), g.const([0]))
    zero, one = g.const(0), g.const(1)
    q_pos = g.op("Range", past_len, g.op("Add", past_len, seq), one)
    k_pos = g.op("Range", zero, total, one)
    causal = g.op("LessOrEqual", g.op("Unsqueeze", k_pos, g.const([0])), g.op("Unsqueeze", q_pos, g.const([1])))
    padding = g.op("Unsqueeze", g.op("Greater", mask, zero), g.const([1, 2]))  # [b, 1, 1, t]
    allowed = g.op("And", causal, padding)  # [b, 1, s, t]
    masked = g.const([MASKED], TensorProto.FLOAT)
    scaling = g.const([hd ** -0.5], TensorProto.FLOAT)
    if half:
        scaling = cast(scaling, D)

    def rms(h, name):
        x = cast(h, TensorProto.FLOAT) if half else h
        var = g.op("ReduceMean", g.op("Mul", x, x), axes=[-1], keepdims=1)
        x = g.op("Mul", x, g.op("Reciprocal", g.op("Sqrt", g.op("Add", var, g.const([spec.eps], TensorProto.FLOAT)))))
        if half:
            x = cast(x, D)
        return g.op("Mul", weight(name), x)

    def linear(x, layer, module):
        y = g.op("MatMul", x, weight(f"model.layers.{layer}.{module}.weight", transpose=True))
        if (layer, module) not in lora:
            return y
        a, b = lora[(layer, module)]
        low = g.op("Mul", g.op("MatMul", x, g.op("Transpose", a, perm=[1, 0])), mask_rows)
        low = g.op("Mul", g.op("MatMul", low, g.op("Transpose", b, perm=[1, 0])), scale_rows)
        return g.op("Add", y, low)

    def rotate(x):
        first = g.op("Slice", x, g.const([0]), g.const([hd // 2]), g.const([-1]))
        second = g.op("Slice", x, g.const([hd // 2]), g.const([hd]), g.const([-1]))
        return g.op("Concat", g.op("Neg", second), first, axis=-1)

    def heads_first(x, n):
        return g.op("Transpose", g.op("Reshape", x, g.const([0, 0, n, hd])), perm=[0, 2, 1, 3])

    embed = weight("model.embed_tokens.weight")
    h = g.op("Gather", embed, ids, axis=0)
    for i in range(spec.layers):
        p = f"model.layers.{i}."
        x = rms(h, p + "input_layernorm.weight")
        q = heads_first(linear(x, i, "self_attn.q_proj"), heads)
        k = heads_first(linear(x, i, "self_attn.k_proj"), kv)
        v = heads_first(linear(x, i, "self_attn.v_proj"), kv)
        q = g.op("Add", g.op("Mul", q, cos), g.op("Mul", rotate(q), sin))
        k = g.op("Add", g.op("Mul", k, cos), g.op("Mul", rotate(k), sin))
        k_all = g.op("Concat", g.op("Gather", pasts[i][0], beam_idx, axis=0), k, axis=2)
        v_all = g.op("Concat", g.op("Gather", pasts[i][1], beam_idx, axis=0), v, axis=2)
        g.output(k_all, f"present.{i}.key", D, ["batch", kv, "total", hd])
        g.output(v_all, f"present.{i}.value", D, ["batch", kv, "total", hd])
        # Grouped-query attention without repeating the cache: the rep query heads of a key/value
        # head are stacked along the sequence axis, [b, kv, rep * s, hd] (transformers' repeat_kv
        # maps query head j to key/value head j // rep, the same pairing).
        qg = g.op("Reshape", q, g.const([0, kv, -1, hd])) if rep > 1 else q
        scores = g.op("Mul", g.op("MatMul", qg, g.op("Transpose", k_all, perm=[0, 1, 3, 2])), scaling)
        if rep > 1:
            scores = g.op("Reshape", scores, g.const([0, heads, -1, 0]))
        if half:
            scores = cast(scores, TensorProto.FLOAT)
        probs = g.op("Softmax", g.op("Where", allowed, scores, masked), axis=-1)
        if half:
            probs = cast(probs, D)
        if rep > 1:
            probs = g.op("Reshape", probs, g.const([0, kv, -1, 0]))
        o = g.op("MatMul", probs, v_all)
        if rep > 1:
            o = g.op("Reshape", o, g.const([0, heads, -1, hd]))
        o = g.op("Reshape", g.op("Transpose", o, perm=[0, 2, 1, 3]), g.const([0, 0, heads * hd]))
        h = g.op("Add", h, linear(o, i, "self_attn.o_proj"))
        x = rms(h, p + "post_attention_layernorm.weight")
        gate = linear(x, i, "mlp.gate_proj")
        up = linear(x, i, "mlp.up_proj")
        h = g.op("Add", h, linear(g.op("Mul", g.op("Mul", gate, g.op("Sigmoid", gate)), up), i, "mlp.down_proj"))
    last = g.op("Gather", h, g.const(-1), axis=1)  # [b, hidden]: only the last position's logits are needed
    last = rms(last, "model.norm.weight")
    head = embed if spec.tied else weight("lm_head.weight")
    logits = g.op("Gemm", last, head, transB=1)  # [b, vocab]; the [vocab, hidden] weight is not transposed
    if half:
        logits = cast(logits, TensorProto.FLOAT)
    values, indices = g.op("TopK", g.op("LogSoftmax", logits, axis=-1), top_k, axis=-1, largest=1, sorted=1, n_out=2)
    g.output(values, "top_logprobs", TensorProto.FLOAT, ["batch", "top_k"])
    g.output(indices, "top_ids", TensorProto.INT64, ["batch", "top_k"])
    weights.close()

    order = ["top_logprobs", "top_ids"] + [f"present.{i}.{kind}" for i in range(spec.layers) for kind in ("key", "value")]
    outputs = sorted(g.outputs, key=lambda o: order.index(o.name))
    graph = helper.make_graph(g.nodes, "mtforge_llama", g.inputs, outputs, initializer=weights.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="mtforge-export")
    model.ir_version = 8  # ONNX Runtime 1.21 reads up to 10; onnx 1.12 writes 8
    return model, weights.bytes

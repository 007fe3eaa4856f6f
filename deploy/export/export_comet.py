#!/usr/bin/env python3
"""Turns a published COMET model into an mtforge COMET package (two ONNX graphs + manifest).

Runs with torch, onnx and pyyaml alone (Debian: python3-torch python3-onnx python3-yaml); it
needs neither unbabel-comet, nor pytorch-lightning, nor transformers, and downloads nothing:

    python3 export_comet.py --checkpoint /models/wmt22-comet-da --encoder /models/xlm-roberta-large \
        --out /packages/wmt22-comet-da [--dtype float32|float16] [--name wmt22-comet-da] [--replace]

--checkpoint  the model folder as published (e.g. Unbabel/wmt22-comet-da): hparams.yaml and
              checkpoints/model.ckpt (a Lightning checkpoint)
--encoder     the folder of the encoder named by `pretrained_model` (xlm-roberta-large,
              microsoft/infoxlm-large): its config.json and tokenizer.json

Supported: class_identifier regression_metric (COMET-22 style: src, mt, ref) and unified_metric
with input_segments [mt, src] (CometKiwi style: reference-free), on an XLM-RoBERTa encoder.
Everything is checked before anything is written; a refusal names the file, key or value.

The package (read by dev.mtforge.udfs.metrics.comet.CometPackage):
  encoder.onnx        input_ids [b, s] int64, attention_mask [b, s] int64, layer_weights [L] float,
                      gamma [1] float -> sentence_embedding [b, H] float: XLM-R (all L hidden
                      states), COMET's layer mix gamma * sum(w_k * h_k) (with COMET's per-sentence
                      layer norm when the model has it) and its pooling. The mix weights are an
                      input: Java computes them from the manifest with sparsemax or softmax.
                      Layers above the last hidden state with a non-zero sparsemax weight are
                      not exported (they cannot change the score); --keep-all-layers keeps them.
  estimator.onnx      regression: mt, ref, src [b, H] -> score [b] (COMET's features
                      [mt, ref, mt*ref, |mt-ref|, mt*src, |mt-src|] and feed-forward);
                      unified: sentence_embedding [b, H] -> score [b]
  tokenizer.json      copied from --encoder
  mtforge-comet.json  the manifest: name, class, dtype, layer mix, pooling, token limits, names
Graph facts the manifest states are also stored in each graph's metadata (keys mtforge.comet.*),
so the Java side can refuse a package whose manifest does not match its graphs.

Hyper-parameters are resolved as COMET 2.2.x does (comet/models/__init__.py load_from_checkpoint):
the class comes from hparams.yaml, the values from the checkpoint's hyper_parameters (hparams.yaml
when the checkpoint has none), and `layer_transformation: sparsemax_patch` in hparams.yaml means
softmax (the 2.2.4 workaround). --dtype float16 stores and computes the graphs in half precision
(what `comet-score` does on a GPU since 2.2.5); inputs and outputs stay int64/float32.
"""
import argparse
import io
import json
import math
import os
import pickle
import shutil
import sys
import tempfile

import torch
import torch.nn as nn

FORMAT = "mtforge-comet"
FORMAT_VERSION = 1
COMET_COMPAT = "2.2.7"
CLASSES = ("regression_metric", "unified_metric")
TRANSFORMATIONS = ("softmax", "sparsemax", "sparsemax_patch")
ACTIVATIONS = {"Tanh": nn.Tanh, "Sigmoid": nn.Sigmoid}
POOLS = ("avg", "cls", "max")
# COMET's defaults for keys a checkpoint may lack (RegressionMetric / UnifiedMetric __init__)
DEFAULTS = {
    "regression_metric": {"encoder_model": "XLM-RoBERTa", "layer": "mix", "layer_transformation": "softmax",
                          "layer_norm": True, "pool": "avg", "hidden_sizes": [3072, 1024],
                          "activations": "Tanh", "final_activation": None, "dropout": 0.1},
    "unified_metric": {"encoder_model": "XLM-RoBERTa", "sent_layer": "mix", "layer_transformation": "sparsemax",
                       "layer_norm": True, "hidden_sizes": [3072, 1024], "activations": "Tanh",
                       "final_activation": None, "input_segments": ["mt", "src", "ref"], "dropout": 0.1},
}
# state_dict entries COMET's forward never reads
IGNORED = ("encoder.model.embeddings.position_ids", "layerwise_attention.dropout_mask",
           "layerwise_attention.dropout_fill", "hidden2tag.")


class ExportError(Exception):
    """A refusal: the message names the file, key or value."""


# ---------------------------------------------------------------- reading a published model

class _Placeholder(dict):
    """What an unknown pickled class (Lightning's AttributeDict, ...) becomes: a plain dict."""

    def __init__(self, *args, **kwargs):
        super().__init__()
        if args or kwargs:
            self["__args__"] = (args, kwargs)

    def __setstate__(self, state):
        if isinstance(state, dict):
            self.update(state)


def _placeholder_class(module, name):
    return type(name, (_Placeholder,), {"__module__": "mtforge_placeholder." + module})


_PLAIN = {("collections", "OrderedDict"), ("collections", "defaultdict"), ("copyreg", "_reconstructor"),
          ("_codecs", "encode"), ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "slice"),
          ("builtins", "complex"), ("builtins", "bytearray"), ("builtins", "dict"), ("builtins", "list"),
          ("builtins", "tuple"), ("builtins", "object")}


class _Unpickler(pickle.Unpickler):
    # torch.load subclasses this (it overrides persistent_load and the storage classes); classes
    # of packages absent here become plain containers and nothing else of them is executed.
    def find_class(self, module, name):
        if module == "torch" or module.startswith(("torch.", "numpy.")) or (module, name) in _PLAIN:
            return super().find_class(module, name)
        return _placeholder_class(module, name)


_pickle_module = type(sys)("mtforge_checkpoint_pickle")
_pickle_module.__dict__.update({k: v for k, v in vars(pickle).items() if not k.startswith("__")})
_pickle_module.Unpickler = _Unpickler
_pickle_module.load = lambda f, **kw: _Unpickler(f, **kw).load()


def load_checkpoint(path):
    import torch.serialization
    original = torch.serialization.pickle
    # torch 1.13 ignores pickle_module= (it resets it to its module-level `pickle`): swap that too
    torch.serialization.pickle = _pickle_module
    try:
        return torch.load(path, map_location="cpu", pickle_module=_pickle_module, weights_only=False)
    except Exception as e:  # torch raises many kinds; the file is what the user must look at
        raise ExportError(f"{path}: not a readable PyTorch checkpoint ({type(e).__name__}: {e})")
    finally:
        torch.serialization.pickle = original


def read_yaml(path):
    import yaml
    try:
        with open(path, encoding="utf-8") as f:
            data = yaml.safe_load(f)
    except FileNotFoundError:
        raise ExportError(f"{path}: missing (a published COMET model folder has hparams.yaml)")
    except yaml.YAMLError as e:
        raise ExportError(f"{path}: not YAML ({e})")
    if not isinstance(data, dict):
        raise ExportError(f"{path}: expected a mapping of hyper-parameters")
    return data


def read_json(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise ExportError(f"{path}: missing ({what})")
    except json.JSONDecodeError as e:
        raise ExportError(f"{path}: not JSON ({e})")


def sparsemax(values):
    """entmax's sparsemax of a float32 vector, as COMET applies it (max subtracted first)."""
    x = torch.tensor(values, dtype=torch.float32)
    x = x - x.max()
    z, _ = torch.sort(x, descending=True)
    cumsum = z.cumsum(0) - 1
    support = (torch.arange(1, len(values) + 1, dtype=torch.float32) * z > cumsum).sum()
    return torch.clamp(x - cumsum[support - 1] / support.to(torch.float32), min=0).tolist()


def plan(checkpoint_dir, encoder_dir, dtype, name, keep_all_layers=False):
    """Reads and checks everything; returns what the export needs. Writes nothing."""
    if dtype not in ("float32", "float16"):
        raise ExportError(f"--dtype '{dtype}' is not supported; use float32 or float16")
    hparams_file = os.path.join(checkpoint_dir, "hparams.yaml")
    yaml_hp = read_yaml(hparams_file)
    cls = yaml_hp.get("class_identifier")
    if cls not in CLASSES:
        raise ExportError(f"{hparams_file}: class_identifier '{cls}' is not supported; supported: "
                          + ", ".join(CLASSES))
    ckpt_file = os.path.join(checkpoint_dir, "checkpoints", "model.ckpt")
    if not os.path.isfile(ckpt_file):
        raise ExportError(f"{ckpt_file}: missing (a published COMET model folder has checkpoints/model.ckpt)")
    ckpt = load_checkpoint(ckpt_file)
    if not isinstance(ckpt, dict) or not isinstance(ckpt.get("state_dict"), dict):
        raise ExportError(f"{ckpt_file}: no state_dict (not a Lightning checkpoint)")
    state = ckpt["state_dict"]
    ckpt_hp = ckpt.get("hyper_parameters")
    hp = dict(DEFAULTS[cls])
    source = ckpt_file if isinstance(ckpt_hp, dict) and ckpt_hp else hparams_file
    hp.update(dict(ckpt_hp) if source == ckpt_file else yaml_hp)
    for key in sorted(set(yaml_hp) & set(hp)):
        if key != "layer_transformation" and source == ckpt_file and yaml_hp[key] != hp[key]:
            print(f"note: {key} is {hp[key]!r} in {ckpt_file} but {yaml_hp[key]!r} in {hparams_file};"
                  " using the checkpoint's, as COMET does", file=sys.stderr)

    if hp["encoder_model"] != "XLM-RoBERTa":
        raise ExportError(f"{source}: encoder_model '{hp['encoder_model']}' is not supported; supported: XLM-RoBERTa")
    transformation = hp["layer_transformation"]
    for value, where in ((yaml_hp.get("layer_transformation"), hparams_file), (transformation, source)):
        if value is not None and value not in TRANSFORMATIONS:
            raise ExportError(f"{where}: unknown layer_transformation '{value}'; known: " + ", ".join(TRANSFORMATIONS))
    patched = yaml_hp.get("layer_transformation") == "sparsemax_patch"
    # COMET's LayerwiseAttention uses sparsemax for exactly "sparsemax", softmax for anything else
    mix_fn = "sparsemax" if transformation == "sparsemax" and not patched else "softmax"
    layer = hp["layer"] if cls == "regression_metric" else hp["sent_layer"]
    pool = hp.get("pool", "avg") if cls == "regression_metric" else "cls"  # unified always takes <s>
    if pool not in POOLS:
        raise ExportError(f"{source}: pool '{pool}' is not supported; supported: " + ", ".join(POOLS))
    if cls == "unified_metric" and list(hp["input_segments"]) != ["mt", "src"]:
        raise ExportError(f"{source}: input_segments {list(hp['input_segments'])} is not supported for"
                          " unified_metric; supported: [mt, src] (reference-free, as wmt22-cometkiwi-da)")
    activations = {}
    for key in ("activations", "final_activation"):
        value = hp[key]
        if value is None and key == "final_activation":
            activations[key] = None
            continue
        title = str(value).title()
        if title not in ACTIVATIONS:
            raise ExportError(f"{source}: {key} '{value}' is not supported; supported: " + ", ".join(ACTIVATIONS))
        activations[key] = title
    hidden_sizes = [int(h) for h in hp["hidden_sizes"]]
    if not hidden_sizes:
        raise ExportError(f"{source}: hidden_sizes is empty")

    cfg_file = os.path.join(encoder_dir, "config.json")
    cfg = read_json(cfg_file, "the encoder's Hugging Face config")
    for key in ("hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
                "max_position_embeddings", "vocab_size", "type_vocab_size", "pad_token_id", "layer_norm_eps"):
        if key not in cfg:
            raise ExportError(f"{cfg_file}: missing '{key}'")
    if cfg.get("model_type") not in ("xlm-roberta", "roberta"):
        raise ExportError(f"{cfg_file}: model_type '{cfg.get('model_type')}' is not XLM-RoBERTa")
    if cfg.get("hidden_act", "gelu") != "gelu":
        raise ExportError(f"{cfg_file}: hidden_act '{cfg.get('hidden_act')}' is not supported; supported: gelu")
    if cfg.get("position_embedding_type", "absolute") != "absolute":
        raise ExportError(f"{cfg_file}: position_embedding_type '{cfg['position_embedding_type']}' is not"
                          " supported; supported: absolute")
    if cfg["hidden_size"] % cfg["num_attention_heads"]:
        raise ExportError(f"{cfg_file}: hidden_size {cfg['hidden_size']} is not a multiple of"
                          f" num_attention_heads {cfg['num_attention_heads']}")
    num_states = cfg["num_hidden_layers"] + 1
    if layer != "mix" and not (isinstance(layer, int) and 0 <= layer < num_states):
        raise ExportError(f"{source}: layer '{layer}' is neither 'mix' nor a hidden state index 0..{num_states - 1}")
    tok_file = os.path.join(encoder_dir, "tokenizer.json")
    tok = read_json(tok_file, "the encoder's fast tokenizer")
    vocab = {}
    for t in tok.get("added_tokens", []):
        vocab[t["content"]] = t["id"]
    model_vocab = tok.get("model", {}).get("vocab")
    if isinstance(model_vocab, list):
        vocab.update({piece[0]: i for i, piece in enumerate(model_vocab) if piece[0] in ("<s>", "</s>", "<pad>")})
    specials = {"bos": vocab.get("<s>"), "eos": vocab.get("</s>"), "pad": vocab.get("<pad>")}
    if specials["pad"] != cfg["pad_token_id"]:
        raise ExportError(f"{tok_file}: <pad> has id {specials['pad']}, but {cfg_file} says pad_token_id"
                          f" {cfg['pad_token_id']}")
    if specials["bos"] is None or specials["eos"] is None:
        raise ExportError(f"{tok_file}: no <s> or </s> token")

    expected = expected_shapes(cfg, cls, layer, hidden_sizes)
    for key, shape in expected.items():
        if key not in state:
            raise ExportError(f"{ckpt_file}: state_dict has no tensor '{key}' (expected shape {shape})")
        actual = list(state[key].shape)
        if actual != shape:
            raise ExportError(f"{ckpt_file}: tensor '{key}' has shape {actual}, expected {shape}")
    extra = sorted(k for k in state if k not in expected and not k.startswith(IGNORED))
    if extra:
        print(f"note: {len(extra)} tensor(s) of {ckpt_file} are not used by the forward pass and were"
              f" left out: {', '.join(extra[:8])}{' ...' if len(extra) > 8 else ''}", file=sys.stderr)

    if layer == "mix":
        scalars = [float(state[f"layerwise_attention.scalar_parameters.{i}"].reshape(-1)[0]) for i in range(num_states)]
        gamma = float(state["layerwise_attention.gamma"].reshape(-1)[0])
        layer_norm = bool(hp["layer_norm"])
    else:  # one hidden state: a one-hot mix is exact (w * h + 0 * ...), and COMET skips the norm
        scalars, gamma, layer_norm = None, 1.0, False
    # Layers above the last hidden state with a non-zero weight cannot change the score (sparsemax
    # gives exact zeros; a fixed layer uses one state): the graph stops there.
    if keep_all_layers:
        computed = cfg["num_hidden_layers"]
    elif layer != "mix":
        computed = layer
    elif mix_fn == "sparsemax":
        weights = sparsemax(scalars)
        computed = max(i for i, w in enumerate(weights) if w != 0.0)
    else:
        computed = cfg["num_hidden_layers"]
    max_positions = cfg["max_position_embeddings"] - 2
    return {
        "cls": cls, "cfg": cfg, "state": state, "dtype": dtype, "tokenizer": tok_file,
        "name": name or os.path.basename(os.path.normpath(checkpoint_dir)),
        "pretrained_model": hp.get("pretrained_model"), "layer": layer, "mix_fn": mix_fn, "scalars": scalars,
        "gamma": gamma, "layer_norm": layer_norm, "pool": pool, "hidden_sizes": hidden_sizes,
        "activation": activations["activations"], "final_activation": activations["final_activation"],
        "num_states": num_states, "specials": specials, "max_positions": max_positions, "computed": computed,
    }


def expected_shapes(cfg, cls, layer, hidden_sizes):
    h, inter = cfg["hidden_size"], cfg["intermediate_size"]
    p = "encoder.model."
    shapes = {
        p + "embeddings.word_embeddings.weight": [cfg["vocab_size"], h],
        p + "embeddings.position_embeddings.weight": [cfg["max_position_embeddings"], h],
        p + "embeddings.token_type_embeddings.weight": [cfg["type_vocab_size"], h],
        p + "embeddings.LayerNorm.weight": [h],
        p + "embeddings.LayerNorm.bias": [h],
    }
    for i in range(cfg["num_hidden_layers"]):
        q = f"{p}encoder.layer.{i}."
        for lin, out_dim, in_dim in (("attention.self.query", h, h), ("attention.self.key", h, h),
                                     ("attention.self.value", h, h), ("attention.output.dense", h, h),
                                     ("intermediate.dense", inter, h), ("output.dense", h, inter)):
            shapes[q + lin + ".weight"] = [out_dim, in_dim]
            shapes[q + lin + ".bias"] = [out_dim]
        for norm in ("attention.output.LayerNorm", "output.LayerNorm"):
            shapes[q + norm + ".weight"] = [h]
            shapes[q + norm + ".bias"] = [h]
    if layer == "mix":
        for i in range(cfg["num_hidden_layers"] + 1):
            shapes[f"layerwise_attention.scalar_parameters.{i}"] = [1]
        shapes["layerwise_attention.gamma"] = [1]
    prev = 6 * h if cls == "regression_metric" else h
    for j, size in enumerate(hidden_sizes + [1]):
        shapes[f"estimator.ff.{3 * j}.weight"] = [size, prev]
        shapes[f"estimator.ff.{3 * j}.bias"] = [size]
        prev = size
    return shapes


# ---------------------------------------------------------------- the graphs

class EncoderGraph(nn.Module):
    """XLM-R + COMET's layer mix + pooling, from state_dict tensors (functional, export-friendly)."""

    def __init__(self, p):
        super().__init__()
        cfg, st = p["cfg"], p["state"]
        self.cfg, self.pad = cfg, cfg["pad_token_id"]
        self.heads = cfg["num_attention_heads"]
        self.layer_norm, self.pool = p["layer_norm"], p["pool"]
        self.weights = nn.ParameterDict()

        def keep(key):
            name = key.replace("encoder.model.", "").replace(".", "_")
            self.weights[name] = nn.Parameter(st[key].detach().float().clone(), requires_grad=False)
            return name

        e = "encoder.model.embeddings."
        self.emb = [keep(e + k) for k in ("word_embeddings.weight", "position_embeddings.weight",
                                          "token_type_embeddings.weight", "LayerNorm.weight", "LayerNorm.bias")]
        self.layers = []
        for i in range(p["computed"]):
            q = f"encoder.model.encoder.layer.{i}."
            self.layers.append({k: keep(q + v) for k, v in {
                "qw": "attention.self.query.weight", "qb": "attention.self.query.bias",
                "kw": "attention.self.key.weight", "kb": "attention.self.key.bias",
                "vw": "attention.self.value.weight", "vb": "attention.self.value.bias",
                "ow": "attention.output.dense.weight", "ob": "attention.output.dense.bias",
                "n1w": "attention.output.LayerNorm.weight", "n1b": "attention.output.LayerNorm.bias",
                "iw": "intermediate.dense.weight", "ib": "intermediate.dense.bias",
                "fw": "output.dense.weight", "fb": "output.dense.bias",
                "n2w": "output.LayerNorm.weight", "n2b": "output.LayerNorm.bias"}.items()})

    def w(self, name):
        return self.weights[name]

    def norm(self, x, weight, bias):
        return torch.nn.functional.layer_norm(x, (self.cfg["hidden_size"],), self.w(weight), self.w(bias),
                                              self.cfg["layer_norm_eps"])

    def mix_norm(self, t, maskf):
        """COMET's per-sentence layer norm over unmasked tokens x dims (eps 1e-12), if the model has it."""
        if not self.layer_norm:
            return t
        b = t.shape[0]
        bm = maskf.unsqueeze(-1)
        count = maskf.sum(1) * self.cfg["hidden_size"]
        tm = t * bm
        mean = (tm.reshape(b, -1).sum(1) / count).view(b, 1, 1)
        var = (((tm - mean) * bm) ** 2).reshape(b, -1).sum(1) / count
        return (t - mean) / torch.sqrt(var + 1e-12).view(b, 1, 1)

    def forward(self, input_ids, attention_mask, layer_weights, gamma):
        dt = self.w(self.emb[0]).dtype
        not_pad = (input_ids != self.pad).to(torch.int64)
        positions = torch.cumsum(not_pad, dim=1) * not_pad + self.pad
        x = (self.w(self.emb[0])[input_ids] + self.w(self.emb[2])[0]) + self.w(self.emb[1])[positions]
        x = self.norm(x, self.emb[3], self.emb[4])
        maskf = attention_mask.to(dt)
        additive = (1.0 - maskf[:, None, None, :]) * torch.finfo(dt).min
        b, s = x.shape[0], x.shape[1]
        h = self.cfg["hidden_size"]
        d = h // self.heads
        lw = layer_weights.to(dt)
        # the mix is summed in layer order as each state appears (COMET's sum(pieces) order), so
        # ORT can free a hidden state once the next layer and the sum have read it
        mixed = lw[0] * self.mix_norm(x, maskf)
        for i, L in enumerate(self.layers):
            def heads(t):
                return t.view(b, s, self.heads, d).transpose(1, 2)

            q = heads(torch.nn.functional.linear(x, self.w(L["qw"]), self.w(L["qb"])))
            k = heads(torch.nn.functional.linear(x, self.w(L["kw"]), self.w(L["kb"])))
            v = heads(torch.nn.functional.linear(x, self.w(L["vw"]), self.w(L["vb"])))
            att = torch.softmax(torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d) + additive, dim=-1)
            ctx = torch.matmul(att, v).transpose(1, 2).reshape(b, s, h)
            a = self.norm(torch.nn.functional.linear(ctx, self.w(L["ow"]), self.w(L["ob"])) + x, L["n1w"], L["n1b"])
            f = torch.nn.functional.gelu(torch.nn.functional.linear(a, self.w(L["iw"]), self.w(L["ib"])))
            x = self.norm(torch.nn.functional.linear(f, self.w(L["fw"]), self.w(L["fb"])) + a, L["n2w"], L["n2b"])
            mixed = mixed + lw[i + 1] * self.mix_norm(x, maskf)
        mixed = gamma.to(dt) * mixed
        if self.pool == "cls":
            emb = mixed[:, 0, :]
        elif self.pool == "max":
            emb = mixed.masked_fill((input_ids == self.pad).unsqueeze(-1), float("-inf")).max(dim=1)[0]
        else:
            summed = mixed.masked_fill((input_ids == self.pad).unsqueeze(-1), 0.0).sum(1)
            emb = summed / maskf.sum(1, keepdim=True)
        return emb.float()


class EstimatorGraph(nn.Module):
    def __init__(self, p):
        super().__init__()
        st = p["state"]
        self.regression = p["cls"] == "regression_metric"
        self.linears = nn.ModuleList()
        self.act = ACTIVATIONS[p["activation"]]()
        self.final = ACTIVATIONS[p["final_activation"]]() if p["final_activation"] else None
        for j in range(len(p["hidden_sizes"]) + 1):
            w, bias = st[f"estimator.ff.{3 * j}.weight"], st[f"estimator.ff.{3 * j}.bias"]
            lin = nn.Linear(w.shape[1], w.shape[0])
            with torch.no_grad():
                lin.weight.copy_(w.float())
                lin.bias.copy_(bias.float())
            self.linears.append(lin)

    def forward(self, *embeddings):
        dt = self.linears[0].weight.dtype
        if self.regression:
            mt, ref, src = (e.to(dt) for e in embeddings)
            x = torch.cat((mt, ref, mt * ref, torch.abs(mt - ref), mt * src, torch.abs(mt - src)), dim=1)
        else:
            x = embeddings[0].to(dt)
        for lin in self.linears[:-1]:
            x = self.act(lin(x))
        x = self.linears[-1](x)
        if self.final is not None:
            x = self.final(x)
        return x.view(-1).float()


def to_float16(model):
    """The graph in half precision inside, float32 at its inputs and outputs (Cast nodes).

    Float constants are clipped to half's range first: torch writes float32's lowest value for
    the attention mask, which would become -inf (and 0 * -inf = NaN) in half.
    """
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    def half(tensor):
        a = numpy_helper.to_array(tensor).astype(np.float32)
        h = numpy_helper.from_array(np.clip(a, -65504, 65504).astype(np.float16), tensor.name)
        return h

    g = model.graph
    for i, t in enumerate(g.initializer):
        if t.data_type == TensorProto.FLOAT:
            g.initializer[i].CopyFrom(half(t))
    for node in g.node:
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.TENSOR and attr.t.data_type == TensorProto.FLOAT:
                attr.t.CopyFrom(half(attr.t))
            if node.op_type == "Cast" and attr.name == "to" and attr.i == TensorProto.FLOAT:
                attr.i = TensorProto.FLOAT16
    for vi in list(g.value_info):
        if vi.type.tensor_type.elem_type == TensorProto.FLOAT:
            vi.type.tensor_type.elem_type = TensorProto.FLOAT16
    casts = []
    for inp in g.input:
        if inp.type.tensor_type.elem_type != TensorProto.FLOAT:
            continue
        inner = inp.name + "_fp16"
        for node in g.node:
            node.input[:] = [inner if x == inp.name else x for x in node.input]
        casts.append(helper.make_node("Cast", [inp.name], [inner], to=TensorProto.FLOAT16, name="cast_" + inner))
    for out in g.output:
        if out.type.tensor_type.elem_type != TensorProto.FLOAT:
            continue
        inner = out.name + "_fp16"
        for node in g.node:
            node.output[:] = [inner if x == out.name else x for x in node.output]
            node.input[:] = [inner if x == out.name else x for x in node.input]
        casts.append(helper.make_node("Cast", [inner], [out.name], to=TensorProto.FLOAT, name="cast_" + out.name))
    nodes = list(g.node)
    del g.node[:]
    g.node.extend([c for c in casts if c.output[0].endswith("_fp16")] + nodes
                  + [c for c in casts if not c.output[0].endswith("_fp16")])
    return model


def metadata(p, role):
    facts = {"format": FORMAT, "role": role, "class": p["cls"], "dtype": p["dtype"],
             "hidden_size": p["cfg"]["hidden_size"], "num_layers": p["num_states"]}
    if role == "encoder":
        facts.update({"layer_norm": p["layer_norm"], "pool": p["pool"], "computed_layers": p["computed"]})
    return {"mtforge.comet." + k: json.dumps(v) for k, v in facts.items()}


def export(p, out_dir, opset, external_above):
    """Writes encoder.onnx and estimator.onnx (with their metadata) into out_dir."""
    import onnx
    scratch = os.path.join(out_dir, ".torch-export")
    os.makedirs(scratch)
    h = p["cfg"]["hidden_size"]
    enc = EncoderGraph(p).eval()
    est = EstimatorGraph(p).eval()
    ids = torch.tensor([[0, 5, 6, 2], [0, 7, 2, 1]], dtype=torch.long)
    mask = (ids != p["cfg"]["pad_token_id"]).long()
    weights = torch.full((p["num_states"],), 1.0 / p["num_states"])
    gamma = torch.ones(1)
    enc_file = os.path.join(scratch, "encoder.onnx")
    with torch.no_grad():
        torch.onnx.export(enc, (ids, mask, weights, gamma), enc_file, opset_version=opset,
                          input_names=["input_ids", "attention_mask", "layer_weights", "gamma"],
                          output_names=["sentence_embedding"],
                          dynamic_axes={"input_ids": {0: "batch", 1: "sequence"},
                                        "attention_mask": {0: "batch", 1: "sequence"},
                                        "sentence_embedding": {0: "batch"}})
    names = ["mt", "ref", "src"] if p["cls"] == "regression_metric" else ["sentence_embedding"]
    est_file = os.path.join(scratch, "estimator.onnx")
    with torch.no_grad():
        torch.onnx.export(est, tuple(torch.zeros(2, h) for _ in names), est_file, opset_version=opset,
                          input_names=names, output_names=["score"],
                          dynamic_axes=dict({n: {0: "batch"} for n in names}, score={0: "batch"}))
    for file, role in ((enc_file, "encoder"), (est_file, "estimator")):
        model = onnx.load(file)  # torch writes a graph over 2 GB as one file per tensor: gathered here
        for k, v in metadata(p, role).items():
            model.metadata_props.add(key=k, value=v)
        if p["dtype"] == "float16":
            model = to_float16(model)
        target = os.path.join(out_dir, role + ".onnx")
        if sum(t.ByteSize() for t in model.graph.initializer) > external_above:
            # protobuf stops at 2 GB (XLM-R large is 2.2): weights go to one file beside the graph
            onnx.save_model(model, target, save_as_external_data=True, all_tensors_to_one_file=True,
                            location=role + ".onnx.data", size_threshold=1024)
        else:
            onnx.save(model, target)
        onnx.checker.check_model(target)
    shutil.rmtree(scratch)
    return names


def write_package(p, out, replace, opset, external_above=1.5e9):
    if os.path.exists(out) and not replace:
        raise ExportError(f"{out}: already exists (pass --replace to overwrite it)")
    parent = os.path.dirname(os.path.abspath(out))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".export-comet-", dir=parent)
    os.chmod(tmp, 0o755)  # mkdtemp's 0700 would survive the rename
    try:
        estimator_inputs = export(p, tmp, opset, external_above)
        shutil.copyfile(p["tokenizer"], os.path.join(tmp, "tokenizer.json"))
        cfg = p["cfg"]
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "name": p["name"],
            "class": p["cls"],
            "pretrained_model": p["pretrained_model"],
            "dtype": p["dtype"],
            "needs_reference": p["cls"] == "regression_metric",
            "comet_compat": COMET_COMPAT,
            "tokenizer": "tokenizer.json",
            "max_tokens": p["max_positions"] - 2,
            "max_pair_tokens": p["max_positions"],
            "special_ids": p["specials"],
            "encoder": {"onnx": "encoder.onnx", "input_ids": "input_ids", "attention_mask": "attention_mask",
                        "layer_weights": "layer_weights", "gamma": "gamma", "output": "sentence_embedding",
                        "hidden_size": cfg["hidden_size"], "num_layers": p["num_states"]},
            "layer_mix": {"layer": p["layer"], "transformation": p["mix_fn"], "scalar_parameters": p["scalars"],
                          "gamma": p["gamma"], "layer_norm": p["layer_norm"]},
            "pool": p["pool"],
            "estimator": {"onnx": "estimator.onnx", "inputs": estimator_inputs, "output": "score",
                          "hidden_sizes": p["hidden_sizes"], "activations": p["activation"],
                          "final_activation": p["final_activation"]},
        }
        with open(os.path.join(tmp, "mtforge-comet.json"), "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=2)
        if os.path.exists(out):
            shutil.rmtree(out)
        os.rename(tmp, out)
    finally:
        if os.path.exists(tmp):
            shutil.rmtree(tmp)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--checkpoint", required=True, help="published COMET model folder (hparams.yaml, checkpoints/)")
    ap.add_argument("--encoder", required=True, help="encoder folder (config.json, tokenizer.json)")
    ap.add_argument("--out", required=True, help="package folder to write")
    ap.add_argument("--dtype", default="float32", help="float32 (default) or float16")
    ap.add_argument("--name", help="model name for signatures (default: the checkpoint folder's name)")
    ap.add_argument("--opset", type=int, default=14)
    ap.add_argument("--replace", action="store_true", help="overwrite an existing --out folder")
    ap.add_argument("--keep-all-layers", action="store_true",
                    help="compute every encoder layer, also those above the last one with a non-zero mix weight")
    ap.add_argument("--external-data-above", type=float, default=1.5e9,
                    help="store a graph's weights in <graph>.onnx.data when they exceed this many bytes")
    args = ap.parse_args(argv)
    try:
        p = plan(args.checkpoint, args.encoder, args.dtype, args.name, args.keep_all_layers)
        write_package(p, args.out, args.replace, args.opset, args.external_data_above)
    except ExportError as e:
        print(f"export_comet.py: cannot export: {e}", file=sys.stderr)
        return 3
    print(f"wrote {args.out}: {p['cls']} '{p['name']}', {p['dtype']}, {p['num_states']} hidden states of"
          f" {p['cfg']['hidden_size']}, mix {p['mix_fn'] if p['layer'] == 'mix' else 'layer ' + str(p['layer'])},"
          f" pool {p['pool']}, {p['computed']} of {p['cfg']['num_hidden_layers']} layers computed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

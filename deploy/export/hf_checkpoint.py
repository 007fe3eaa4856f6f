"""Reads a Hugging Face LLaMA-family checkpoint folder without transformers or safetensors.

  config.json                      the model's hyper-parameters (LlamaConfig keys)
  model.safetensors                one file, or
  model.safetensors.index.json     {"metadata": {...}, "weight_map": {tensor: shard file}} + shards
  tokenizer.json                   the fast tokenizer (DJL's HF tokenizers reads it)
  generation_config.json           optional: bos/eos/pad ids and decoding defaults

A safetensors file is an 8-byte little-endian header length, a JSON header (name -> dtype, shape,
data_offsets) and the raw little-endian data; tensors are read one at a time from a memory map,
so a 13B checkpoint never has to fit in memory.

Everything that would change the forward pass and that the exporter does not implement is
refused by name before anything is written (ExportError).
"""
import json
import mmap
import os
import struct

import numpy as np

# safetensors dtype -> numpy dtype of the raw data (bfloat16 stays raw 16-bit words)
NUMPY = {"F32": np.dtype("<f4"), "F16": np.dtype("<f2"), "BF16": np.dtype("<u2")}

MODULES = ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
           "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"]
ROPE_TYPES = ("default", "linear", "llama3")
# Keys whose value changes the graph, with the values the exporter implements.
MUST_EQUAL = {"hidden_act": "silu", "attention_bias": False, "mlp_bias": False, "partial_rotary_factor": 1.0}


class ExportError(Exception):
    """A checkpoint the exporter refuses; the message names the file and the key or tensor."""


class SafetensorsFile:
    def __init__(self, path):
        self.path = path
        self._file = open(path, "rb")
        try:
            raw = self._file.read(8)
            if len(raw) < 8:
                raise ExportError(f"{path}: not a safetensors file (shorter than its 8-byte header length)")
            n = struct.unpack("<Q", raw)[0]
            size = os.fstat(self._file.fileno()).st_size
            if n > size - 8:
                raise ExportError(f"{path}: header length {n} is past the end of the file ({size} bytes)")
            try:
                self.header = json.loads(self._file.read(n))
            except ValueError as e:
                raise ExportError(f"{path}: header is not JSON ({e})")
            self._base = 8 + n
            self._map = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ) if size > 0 else None
        except Exception:
            self._file.close()
            raise
        self.header.pop("__metadata__", None)
        for name, spec in self.header.items():
            start, end = spec["data_offsets"]
            if spec["dtype"] not in NUMPY:
                raise ExportError(f"{path}: tensor '{name}' has dtype {spec['dtype']}; supported: F32, F16, BF16")
            count = int(np.prod(spec["shape"], dtype=np.int64))
            if end - start != count * NUMPY[spec["dtype"]].itemsize or self._base + end > size:
                raise ExportError(f"{path}: tensor '{name}' data_offsets {spec['data_offsets']} do not fit its "
                                  f"shape {spec['shape']} and dtype {spec['dtype']} in a file of {size} bytes")

    def names(self):
        return list(self.header)

    def shape(self, name):
        return tuple(self.header[name]["shape"])

    def dtype(self, name):
        return self.header[name]["dtype"]

    def raw(self, name):
        """The tensor's data as a read-only numpy view of the memory map (F32/F16, or BF16 as uint16)."""
        spec = self.header[name]
        start, end = spec["data_offsets"]
        arr = np.frombuffer(self._map, dtype=NUMPY[spec["dtype"]], count=(end - start) // NUMPY[spec["dtype"]].itemsize,
                            offset=self._base + start)
        return arr.reshape(spec["shape"])

    def release(self, name):
        """Drops the memory map's pages of a tensor once it is converted (they are file-backed and
        would otherwise stay resident: a 13B checkpoint would end up in the process's RSS)."""
        start, end = self.header[name]["data_offsets"]
        page = mmap.PAGESIZE
        first = (self._base + start) // page * page
        if hasattr(self._map, "madvise") and end > start:
            self._map.madvise(mmap.MADV_DONTNEED, first, self._base + end - first)

    def close(self):
        if self._map is not None:
            self._map.close()
        self._file.close()


def to_float32(raw, dtype):
    """A float32 copy of raw F32/F16/BF16 data (exact: every half and bfloat16 value is a float32)."""
    if dtype == "BF16":
        return (raw.astype(np.uint32) << 16).view(np.float32)
    return raw.astype(np.float32)


class Checkpoint:
    """A checkpoint folder: config, tensor names -> shard, lazy tensor access."""

    def __init__(self, folder):
        self.folder = folder
        config_path = os.path.join(folder, "config.json")
        if not os.path.isfile(config_path):
            raise ExportError(f"{folder}: no config.json (not a Hugging Face model folder)")
        with open(config_path) as f:
            try:
                self.config = json.load(f)
            except ValueError as e:
                raise ExportError(f"{config_path}: not JSON ({e})")
        index = os.path.join(folder, "model.safetensors.index.json")
        single = os.path.join(folder, "model.safetensors")
        self.files = {}
        self.where = {}
        if os.path.isfile(index):
            with open(index) as f:
                weight_map = json.load(f).get("weight_map")
            if not isinstance(weight_map, dict):
                raise ExportError(f"{index}: no 'weight_map' object")
            for shard in sorted(set(weight_map.values())):
                path = os.path.join(folder, shard)
                if not os.path.isfile(path):
                    raise ExportError(f"{index}: shard '{shard}' is missing")
                self.files[shard] = SafetensorsFile(path)
            for name, shard in weight_map.items():
                if name not in self.files[shard].header:
                    raise ExportError(f"{index}: tensor '{name}' is mapped to '{shard}', which does not hold it")
                self.where[name] = shard
        elif os.path.isfile(single):
            self.files["model.safetensors"] = SafetensorsFile(single)
            for name in self.files["model.safetensors"].names():
                self.where[name] = "model.safetensors"
        else:
            found = sorted(f for f in os.listdir(folder) if f.endswith((".bin", ".pt", ".pth", ".gguf")))
            raise ExportError(f"{folder}: no model.safetensors or model.safetensors.index.json"
                              + (f" (found {', '.join(found)}: convert to safetensors first)" if found else ""))

    def names(self):
        return list(self.where)

    def shape(self, name):
        return self.files[self.where[name]].shape(name)

    def dtype(self, name):
        return self.files[self.where[name]].dtype(name)

    def raw(self, name):
        return self.files[self.where[name]].raw(name)

    def float32(self, name):
        return to_float32(self.raw(name), self.dtype(name))

    def release(self, name):
        self.files[self.where[name]].release(name)

    def close(self):
        for f in self.files.values():
            f.close()


class LlamaSpec:
    """The hyper-parameters the graph needs, checked against what the exporter implements."""

    def __init__(self, config, where="config.json"):
        def need(key, kind=int):
            if key not in config or config[key] is None:
                raise ExportError(f"{where}: missing key '{key}'")
            if not isinstance(config[key], kind) or isinstance(config[key], bool):
                raise ExportError(f"{where}: key '{key}' must be {kind.__name__ if isinstance(kind, type) else 'a number'}, "
                                  f"found {config[key]!r}")
            return config[key]

        model_type = config.get("model_type")
        if model_type != "llama":
            raise ExportError(f"{where}: model_type is {model_type!r}; this exporter handles 'llama' only")
        archs = config.get("architectures") or ["LlamaForCausalLM"]
        if archs != ["LlamaForCausalLM"]:
            raise ExportError(f"{where}: architectures {archs}; this exporter handles ['LlamaForCausalLM'] only")
        for key, expected in MUST_EQUAL.items():
            if key in config and config[key] is not None and config[key] != expected:
                raise ExportError(f"{where}: key '{key}' is {json.dumps(config[key])}; this exporter implements "
                                  f"{json.dumps(expected)} only")
        if config.get("quantization_config"):
            raise ExportError(f"{where}: key 'quantization_config' is set; export an unquantized checkpoint")
        self.hidden = need("hidden_size")
        self.intermediate = need("intermediate_size")
        self.layers = need("num_hidden_layers")
        self.heads = need("num_attention_heads")
        self.vocab = need("vocab_size")
        self.eps = float(need("rms_norm_eps", (int, float)))
        self.kv_heads = config.get("num_key_value_heads") or self.heads
        if self.heads % self.kv_heads:
            raise ExportError(f"{where}: num_attention_heads {self.heads} is not a multiple of num_key_value_heads "
                              f"{self.kv_heads}")
        self.head_dim = config.get("head_dim") or self.hidden // self.heads
        if not config.get("head_dim") and self.hidden % self.heads:
            raise ExportError(f"{where}: hidden_size {self.hidden} is not a multiple of num_attention_heads {self.heads}"
                              " and there is no 'head_dim'")
        if self.head_dim % 2:
            raise ExportError(f"{where}: head_dim {self.head_dim} is odd; rotary embedding needs an even head size")
        self.tied = bool(config.get("tie_word_embeddings", False))
        # transformers 4.x spells it rope_theta + rope_scaling ("type" or "rope_type"), 5.x rope_parameters.
        params = config.get("rope_parameters") or config.get("rope_scaling") or {}
        if not isinstance(params, dict):
            raise ExportError(f"{where}: key 'rope_scaling' must be an object or null, found {params!r}")
        self.rope_theta = float(params.get("rope_theta", config.get("rope_theta", 10000.0)))
        self.rope_type = params.get("rope_type", params.get("type", "default"))
        if self.rope_type not in ROPE_TYPES:
            raise ExportError(f"{where}: rope type {self.rope_type!r} is not supported; supported: {', '.join(ROPE_TYPES)}")
        self.rope = dict(params)
        required = {"linear": ["factor"],
                    "llama3": ["factor", "low_freq_factor", "high_freq_factor", "original_max_position_embeddings"]}
        for key in required.get(self.rope_type, []):
            if key not in params:
                raise ExportError(f"{where}: rope type {self.rope_type!r} needs key '{key}' in rope_scaling")

    def module_shapes(self):
        """(in, out) features of each LoRA-able linear, in PEFT's module naming."""
        q, kv = self.heads * self.head_dim, self.kv_heads * self.head_dim
        return {"self_attn.q_proj": (self.hidden, q), "self_attn.k_proj": (self.hidden, kv),
                "self_attn.v_proj": (self.hidden, kv), "self_attn.o_proj": (q, self.hidden),
                "mlp.gate_proj": (self.hidden, self.intermediate), "mlp.up_proj": (self.hidden, self.intermediate),
                "mlp.down_proj": (self.intermediate, self.hidden)}

    def expected_tensors(self):
        """Hugging Face tensor name -> shape ([out, in] for linears, as nn.Linear stores them)."""
        out = {"model.embed_tokens.weight": (self.vocab, self.hidden), "model.norm.weight": (self.hidden,)}
        if not self.tied:
            out["lm_head.weight"] = (self.vocab, self.hidden)
        for i in range(self.layers):
            out[f"model.layers.{i}.input_layernorm.weight"] = (self.hidden,)
            out[f"model.layers.{i}.post_attention_layernorm.weight"] = (self.hidden,)
            for m, (fin, fout) in self.module_shapes().items():
                out[f"model.layers.{i}.{m}.weight"] = (fout, fin)
        return out


def check_tensors(checkpoint, spec):
    """Every tensor the graph needs is there with its shape; nothing unknown is silently dropped."""
    expected = spec.expected_tensors()
    names = set(checkpoint.names())
    for name, shape in expected.items():
        if name not in names:
            hint = " (tie_word_embeddings is false)" if name == "lm_head.weight" else ""
            raise ExportError(f"{checkpoint.folder}: tensor '{name}' is missing{hint}")
        if checkpoint.shape(name) != shape:
            raise ExportError(f"{checkpoint.folder}: tensor '{name}' has shape {list(checkpoint.shape(name))}, "
                              f"config.json implies {list(shape)}")
    for name in sorted(names - set(expected)):
        if name.endswith("rotary_emb.inv_freq"):
            continue  # old conversions saved the rotary buffer; it is recomputed from the config
        if name == "lm_head.weight" and spec.tied:
            raise ExportError(f"{checkpoint.folder}: tensor 'lm_head.weight' is present but tie_word_embeddings is true")
        raise ExportError(f"{checkpoint.folder}: unexpected tensor '{name}' (not part of a LlamaForCausalLM)")

#!/usr/bin/python3
"""Turns a Hugging Face LLaMA-family checkpoint into an mtforge model package (format_version 2).

Needs Debian's python3-onnx, python3-numpy and python3-torch (for the rotary frequencies, computed
as transformers computes them); transformers and safetensors are not needed. Nothing downloads.

    /usr/bin/python3 deploy/export/export_hf_llama.py --model /models/X-ALMA-13B-Pretrain \
        --out /packages/xalma-13b [--dtype float32|float16|bfloat16] [--lora-targets q_proj,v_proj]

Reads config.json, model.safetensors or a sharded model.safetensors.index.json, tokenizer.json and
generation_config.json (derived from config.json's token ids when absent). Handles LLaMA-2 and
LLaMA-3 style configs: grouped-query attention (num_key_value_heads), head_dim, rope_theta,
rope_scaling of type linear or llama3 (rope_parameters in transformers 5), tie_word_embeddings.
Anything else that changes the forward pass (another model_type, biases, another activation,
another rope type, quantization) is refused by name before anything is written, and the package
is written to a temporary folder renamed into place, so a failed export leaves nothing behind.

The package (read by dev.mtforge.udfs.inference.ModelPackage):
  model.onnx (+ model.onnx.data)  the decoder with KV cache, beam reorder and LoRA inputs
                                  (contract: deploy/export/llama_onnx.py); weights in the chosen
                                  dtype; external data when the weights pass 1 GiB
  greedy_search.onnx              the same decoder inside ONNX Runtime's GreedySearch operator: a whole
                                  greedy decode in one run, the cache never leaving the engine
                                  (deploy/export/greedy_search_onnx.py; float32 and float16 only)
  tokenizer.json, generation_config.json
  mtforge-model.json              our manifest: names, shapes, dtype, LoRA targets

Export float32 for CPU executors and float16 (or bfloat16) for GPU executors: ONNX Runtime 1.21's
CPU provider runs float16 graphs slowly and has no bfloat16 kernels.
"""
import argparse
import json
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import greedy_search_onnx  # noqa: E402
import hf_checkpoint  # noqa: E402
import llama_onnx  # noqa: E402

FORMAT_VERSION = 2
SHORT = {m.split(".")[1]: m for m in hf_checkpoint.MODULES}


def generation_config(folder, config):
    path = os.path.join(folder, "generation_config.json")
    if os.path.isfile(path):
        with open(path) as f:
            gen = json.load(f)
    else:
        # transformers' GenerationConfig.from_model_config takes the token ids of config.json.
        gen = {k: config[k] for k in ("bos_token_id", "eos_token_id", "pad_token_id") if config.get(k) is not None}
    if gen.get("eos_token_id") is None:
        raise hf_checkpoint.ExportError(f"{folder}: no eos_token_id in generation_config.json or config.json")
    return gen


def manifest(name, spec, dtype, targets, data_file, greedy_file):
    shapes = spec.module_shapes()
    out = {
        "format": "mtforge-causal-lm",
        "format_version": FORMAT_VERSION,
        "name": name,
        "architecture": "llama",
        "dtype": dtype,
        "onnx": "model.onnx",
        "tokenizer": "tokenizer.json",
        "generation_config": "generation_config.json",
        "vocab_size": spec.vocab,
        "num_layers": spec.layers,
        "num_kv_heads": spec.kv_heads,
        "head_dim": spec.head_dim,
        "inputs": {
            "input_ids": "input_ids",
            "attention_mask": "attention_mask",
            "position_ids": "position_ids",
            "beam_idx": "beam_idx",
            "top_k": "top_k",
            "past_key": "past_key_values.{layer}.key",
            "past_value": "past_key_values.{layer}.value",
        },
        "outputs": {
            "top_logprobs": "top_logprobs",
            "top_ids": "top_ids",
            "present_key": "present.{layer}.key",
            "present_value": "present.{layer}.value",
        },
        "lora": {
            "a_input": "lora.{layer}.{module}.A",
            "b_input": "lora.{layer}.{module}.B",
            "mask_input": "lora_mask",
            "scale_input": "lora_scale",
            "peft_key": "base_model.model.model.layers.{layer}.{module}",
            "targets": [{"module": m, "in_features": shapes[m][0], "out_features": shapes[m][1]} for m in targets],
        },
        "exporter": "deploy/export/export_hf_llama.py",
    }
    if data_file:
        out["onnx_data"] = data_file
    if greedy_file:
        out["greedy_search_onnx"] = greedy_file
    return out


def parse_targets(text):
    targets = []
    for part in text.split(","):
        part = part.strip()
        module = SHORT.get(part, part)
        if module not in hf_checkpoint.MODULES:
            raise hf_checkpoint.ExportError(f"--lora-targets: unknown module '{part}'; known: {', '.join(SHORT)}")
        targets.append(module)
    return [m for m in hf_checkpoint.MODULES if m in targets]


def export(model_dir, out, dtype="float32", name=None, targets=None, external="auto", greedy_search=True):
    """Writes the package; returns its manifest. Raises ExportError before writing anything."""
    targets = targets or list(hf_checkpoint.MODULES)
    if os.path.exists(out):
        raise hf_checkpoint.ExportError(f"{out} already exists; remove it or choose another --out")
    checkpoint = hf_checkpoint.Checkpoint(model_dir)
    try:
        spec = hf_checkpoint.LlamaSpec(checkpoint.config, os.path.join(model_dir, "config.json"))
        hf_checkpoint.check_tensors(checkpoint, spec)
        tokenizer = os.path.join(model_dir, "tokenizer.json")
        if not os.path.isfile(tokenizer):
            raise hf_checkpoint.ExportError(
                f"{model_dir}: no tokenizer.json (save the fast tokenizer with transformers' "
                "AutoTokenizer.from_pretrained(...).save_pretrained(...) on a machine that has it)")
        gen = generation_config(model_dir, checkpoint.config)
        weight_bytes = sum(checkpoint.raw(n).size for n in spec.expected_tensors()) * (4 if dtype == "float32" else 2)
        use_external = external == "always" or (external == "auto" and weight_bytes > (1 << 30))

        tmp = f"{out}.tmp-{os.getpid()}"
        os.makedirs(tmp)
        try:
            data_file = "model.onnx.data" if use_external else None
            start = time.time()
            graph, written = llama_onnx.build(checkpoint, spec, dtype, targets,
                                              os.path.join(tmp, data_file) if data_file else None, data_file)
            import onnx
            # Every node's types and shapes must be consistent: ONNX Runtime checks the same at load.
            onnx.shape_inference.infer_shapes(graph, check_type=True, strict_mode=True)
            onnx.save_model(graph, os.path.join(tmp, "model.onnx"))
            greedy_file = None
            if greedy_search and dtype in greedy_search_onnx.DTYPES:
                greedy_file = greedy_search_onnx.FILE
                eos = gen["eos_token_id"][0] if isinstance(gen["eos_token_id"], list) else gen["eos_token_id"]
                onnx.save_model(greedy_search_onnx.build(graph, spec.layers, spec.kv_heads, spec.head_dim, spec.vocab,
                                                         dtype, eos), os.path.join(tmp, greedy_file))
            del graph
            onnx.checker.check_model(os.path.join(tmp, "model.onnx"))
            shutil.copy(tokenizer, os.path.join(tmp, "tokenizer.json"))
            with open(os.path.join(tmp, "generation_config.json"), "w") as f:
                json.dump(gen, f, indent=1)
            pkg = manifest(name or os.path.basename(os.path.normpath(model_dir)), spec, dtype, targets, data_file,
                           greedy_file)
            with open(os.path.join(tmp, "mtforge-model.json"), "w") as f:
                json.dump(pkg, f, indent=1)
            os.rename(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        print(f"wrote {out}: {spec.layers} layers, hidden {spec.hidden}, {dtype}, {written / 2**20:.1f} MiB of weights"
              f"{' (external data)' if use_external else ''}, in {time.time() - start:.1f} s", flush=True)
        return pkg
    finally:
        checkpoint.close()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="Hugging Face model folder (config.json, safetensors, tokenizer.json)")
    p.add_argument("--out", required=True, help="package folder to write (must not exist)")
    p.add_argument("--dtype", default="float32", choices=list(llama_onnx.ONNX_DTYPES),
                   help="weights, KV cache and LoRA inputs (float32 for CPU executors)")
    p.add_argument("--name", help="model name in the manifest (default: the model folder's name)")
    p.add_argument("--lora-targets", default=",".join(SHORT),
                   help="linears that take LoRA inputs (default: all seven); adapters may cover a subset")
    p.add_argument("--external-data", default="auto", choices=["auto", "always", "never"],
                   help="weights in model.onnx.data (auto: when they pass 1 GiB; ONNX files stop at 2 GiB)")
    p.add_argument("--no-greedy-search", action="store_true",
                   help="do not write greedy_search.onnx (greedy decoding then steps through model.onnx from Java)")
    a = p.parse_args(argv)
    try:
        export(a.model, a.out, a.dtype, a.name, parse_targets(a.lora_targets), a.external_data, not a.no_greedy_search)
    except hf_checkpoint.ExportError as e:
        print(f"export_hf_llama.py: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

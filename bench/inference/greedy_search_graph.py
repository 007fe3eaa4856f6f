#!/usr/bin/python3
"""Wraps a float32 mtforge package's decoder in ONNX Runtime's com.microsoft GreedySearch operator,
so that the whole greedy decode loop runs inside one session run: the probe of issue #11's
"keep the cache in the engine on every device" (not a package format; the translate job does not
read it). DecodeLoopProbe (Java) runs it against the step graph.

    /usr/bin/python3 bench/inference/greedy_search_graph.py PACKAGE [NAME.onnx]

writes PACKAGE/NAME.onnx (default greedy_search.onnx) beside the package's model.onnx, sharing its
external weights file when it has one.

GreedySearch's GPT-2 style decoder contract (onnxruntime/contrib_ops/cpu/transformers/subgraph_gpt.cc):
inputs input_ids, position_ids, attention_mask (int32) and past_0..past_{n-1} [2, b, heads, past,
head]; outputs logits [b, s, vocab] and present_0..present_{n-1}. The step graph is rewired to it:
int32 inputs cast to int64, each past split into key and value, beam_idx = range(b), logits taken
before log_softmax/top-k. The LoRA inputs are NOT subgraph inputs: the decoder refers to the main
graph's inputs of the same names (outer scope), which GreedySearch passes as implicit inputs.
"""
import json
import os
import sys

import onnx
from onnx import TensorProto, helper


def main(pkg, name="greedy_search.onnx"):
    out = os.path.join(pkg, name)
    with open(os.path.join(pkg, "mtforge-model.json")) as f:
        manifest = json.load(f)
    if manifest["dtype"] != "float32":
        raise SystemExit("the probe handles float32 packages (GreedySearch wants float16 logits with a float16 cache)")
    with open(os.path.join(pkg, "generation_config.json")) as f:
        gen = json.load(f)
    eos = gen["eos_token_id"][0] if isinstance(gen["eos_token_id"], list) else gen["eos_token_id"]
    pad = gen.get("pad_token_id", eos)
    step = onnx.load(os.path.join(pkg, manifest["onnx"]), load_external_data=False)
    g = step.graph
    layers, kv, hd, vocab = manifest["num_layers"], manifest["num_kv_heads"], manifest["head_dim"], manifest["vocab_size"]
    lora_inputs = [i for i in g.input if i.name.startswith("lora")]

    nodes = []
    rename = {}
    for name in ("input_ids", "position_ids", "attention_mask"):
        nodes.append(helper.make_node("Cast", [name + "_i32"], [name + "_i64"], to=TensorProto.INT64))
        rename[name] = name + "_i64"
    for i in range(layers):
        # Split + Squeeze (two Gathers per layer trip ORT 1.21's GatherSliceToSplitFusion: duplicate node names)
        nodes.append(helper.make_node("Split", [f"past_{i}"], [f"past_{i}_k1", f"past_{i}_v1"], axis=0))
        for kind, part in (("key", "k1"), ("value", "v1")):
            nodes.append(helper.make_node("Squeeze", [f"past_{i}_{part}", "axis0"], [f"past_{i}_{kind}"]))
            rename[f"past_key_values.{i}.{kind}"] = f"past_{i}_{kind}"
    nodes += [helper.make_node("Shape", ["input_ids_i32"], ["batch_1d"], start=0, end=1),
              helper.make_node("Squeeze", ["batch_1d", "axis0"], ["batch"]),
              helper.make_node("Range", ["zero", "batch", "one"], ["beam_idx_range"])]
    rename["beam_idx"] = "beam_idx_range"
    consts = [helper.make_tensor("axis0", TensorProto.INT64, [1], [0]),
              helper.make_tensor("axis1", TensorProto.INT64, [1], [1]),
              helper.make_tensor("zero", TensorProto.INT64, [], [0]),
              helper.make_tensor("one", TensorProto.INT64, [], [1])]
    logits = None
    for n in g.node:
        if n.op_type == "LogSoftmax":
            logits = n.input[0]
            continue
        if n.op_type == "TopK" or n.name in ("out_top_logprobs", "out_top_ids"):
            continue
        copy = onnx.NodeProto()
        copy.CopyFrom(n)
        for k, name in enumerate(copy.input):
            if name in rename:
                copy.input[k] = rename[name]
        nodes.append(copy)
    nodes.append(helper.make_node("Unsqueeze", [logits, "axis1"], ["logits"]))
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "seq", vocab])]
    for i in range(layers):
        nodes += [helper.make_node("Unsqueeze", [f"present.{i}.key", "axis0"], [f"present_{i}_k"]),
                  helper.make_node("Unsqueeze", [f"present.{i}.value", "axis0"], [f"present_{i}_v"]),
                  helper.make_node("Concat", [f"present_{i}_k", f"present_{i}_v"], [f"present_{i}"], axis=0)]
        outputs.append(helper.make_tensor_value_info(f"present_{i}", TensorProto.FLOAT, [2, "batch", kv, "total", hd]))
    inputs = [helper.make_tensor_value_info("input_ids_i32", TensorProto.INT32, ["batch", "seq"]),
              helper.make_tensor_value_info("position_ids_i32", TensorProto.INT32, ["batch", "seq"]),
              helper.make_tensor_value_info("attention_mask_i32", TensorProto.INT32, ["batch", "total"])]
    inputs += [helper.make_tensor_value_info(f"past_{i}", TensorProto.FLOAT, [2, "batch", kv, "past", hd])
               for i in range(layers)]
    # GreedySearch names the decoder's first inputs input_ids, position_ids, attention_mask.
    for node in nodes:
        for k, name in enumerate(node.input):
            if name.endswith("_i32") and name[:-4] in ("input_ids", "position_ids", "attention_mask"):
                node.input[k] = name[:-4]
    for vi in inputs[:3]:
        vi.name = vi.name[:-4]
    decoder = helper.make_graph(nodes, "decoder", inputs, outputs, initializer=list(g.initializer) + consts)
    # GreedySearch's type inference does not run the subgraph's: declare the outer-scope values' types.
    decoder.value_info.extend(lora_inputs)

    search = helper.make_node(
        "GreedySearch", ["input_ids", "max_length", "min_length", "repetition_penalty", "", "", "attention_mask"],
        ["sequences"], domain="com.microsoft", eos_token_id=eos, pad_token_id=pad, model_type=0, decoder=decoder)
    main_inputs = [helper.make_tensor_value_info("input_ids", TensorProto.INT32, ["batch", "prompt"]),
                   helper.make_tensor_value_info("max_length", TensorProto.INT32, [1]),
                   helper.make_tensor_value_info("min_length", TensorProto.INT32, [1]),
                   helper.make_tensor_value_info("repetition_penalty", TensorProto.FLOAT, [1]),
                   helper.make_tensor_value_info("attention_mask", TensorProto.INT32, ["batch", "prompt"])]
    main_inputs += lora_inputs
    graph = helper.make_graph([search], "greedy_search", main_inputs,
                              [helper.make_tensor_value_info("sequences", TensorProto.INT32, ["batch", "max_length"])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)],
                              producer_name="mtforge-probe")
    model.ir_version = 8
    onnx.save_model(model, out)
    print("wrote", out, "with", len(lora_inputs), "outer-scope LoRA inputs")


if __name__ == "__main__":
    main(*sys.argv[1:])

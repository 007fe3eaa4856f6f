"""Builds greedy_search.onnx: the package's decoder inside ONNX Runtime's com.microsoft GreedySearch
operator, so that a whole greedy decode runs in one session run and the KV cache never leaves the
engine (issue #11: on a GPU, ONNX Runtime's Java API cannot keep a step's outputs on the device,
so the step graph's cache crosses to the host and back on every step).

Contract (read by dev.mtforge.udfs.inference.GreedyLoop):
  inputs   input_ids [b, prompt] int32 (left-padded), attention_mask [b, prompt] int32,
           max_length [1] int32 (prompt + new tokens), min_length [1] int32, repetition_penalty [1] float,
           the step graph's LoRA inputs under the same names (lora.{i}.{module}.A/.B, lora_mask,
           lora_scale): the decoder reads them from the outer scope, so they enter once per run
  outputs  sequences [b, <= max_length] int32: the prompt, then the generated tokens; the EOS and
           every position after it hold the EOS id (the operator writes its pad_token_id there, and
           it is set to the EOS id so that no generated token can be mistaken for the end)

The decoder is the step graph rewired to GreedySearch's GPT-2 contract
(onnxruntime/contrib_ops/cpu/transformers/subgraph_gpt.cc): int32 ids, positions and mask cast to
int64; each past_{i} [2, b, kv_heads, past, head_dim] split into key and value; the beam reorder
(Gather by beam_idx) removed, since greedy rows never move; logits [b, 1, vocab] taken before
log_softmax and top-k, in the package dtype (the operator wants logits of the cache's type:
float16 packages give float16 logits, whose argmax is the argmax of their float32 cast);
present_{i} = concat(key, value). Weights are the step graph's initializers: with external data
they point into the same model.onnx.data, so the package holds them once.

ONNX Runtime 1.21 has GreedySearch kernels for float32 (CPU, CUDA) and float16 (CUDA); none for
bfloat16, so bfloat16 packages get no greedy_search.onnx.
"""
import onnx
from onnx import TensorProto, helper

FILE = "greedy_search.onnx"
DTYPES = ("float32", "float16")
IDS = ("input_ids", "position_ids", "attention_mask")


def build(step, layers, kv_heads, head_dim, vocab, dtype, eos_token_id):
    """The GreedySearch ModelProto around a step graph (a format-2 model.onnx ModelProto)."""
    D = {"float32": TensorProto.FLOAT, "float16": TensorProto.FLOAT16}[dtype]
    g = step.graph
    producers = {out: n for n in g.node for out in n.output}
    softmax = [n for n in g.node if n.op_type == "LogSoftmax"]
    if len(softmax) != 1:
        raise ValueError("the step graph must have one LogSoftmax (over the last position's logits)")
    logits = softmax[0].input[0]
    dropped = {"LogSoftmax", "TopK"}
    skip = set()
    if dtype != "float32" and producers[logits].op_type == "Cast":
        skip.add(producers[logits].name)  # the float32 cast of half-precision logits
        logits = producers[logits].input[0]

    rename = {name: name + "_i64" for name in IDS}
    nodes = [helper.make_node("Cast", [name], [name + "_i64"], name=f"cast_{name}", to=TensorProto.INT64)
             for name in IDS]
    for i in range(layers):
        nodes.append(helper.make_node("Split", [f"past_{i}"], [f"past_{i}_k1", f"past_{i}_v1"], name=f"split_past_{i}",
                                      axis=0))
        for kind, part in (("key", "k1"), ("value", "v1")):
            nodes.append(helper.make_node("Squeeze", [f"past_{i}_{part}", "greedy_axis0"], [f"past_{i}_{kind}"],
                                          name=f"squeeze_past_{i}_{kind}"))
            rename[f"past_key_values.{i}.{kind}"] = f"past_{i}_{kind}"
    for n in g.node:
        if n.op_type in dropped or n.name in skip or (n.op_type == "Identity" and n.output[0] in ("top_logprobs", "top_ids")):
            continue
        if n.op_type == "Gather" and len(n.input) == 2 and n.input[1] == "beam_idx":
            rename[n.output[0]] = rename.get(n.input[0], n.input[0])  # greedy rows keep their cache row
            continue
        copy = onnx.NodeProto()
        copy.CopyFrom(n)
        for k, name in enumerate(copy.input):
            copy.input[k] = rename.get(name, name)
        nodes.append(copy)
    nodes.append(helper.make_node("Unsqueeze", [rename.get(logits, logits), "greedy_axis1"], ["logits"],
                                  name="unsqueeze_logits"))
    outputs = [helper.make_tensor_value_info("logits", D, ["batch", "seq", vocab])]
    for i in range(layers):
        nodes += [helper.make_node("Unsqueeze", [f"present.{i}.key", "greedy_axis0"], [f"present_{i}_k"],
                                   name=f"unsqueeze_present_{i}_k"),
                  helper.make_node("Unsqueeze", [f"present.{i}.value", "greedy_axis0"], [f"present_{i}_v"],
                                   name=f"unsqueeze_present_{i}_v"),
                  helper.make_node("Concat", [f"present_{i}_k", f"present_{i}_v"], [f"present_{i}"],
                                   name=f"concat_present_{i}", axis=0)]
        outputs.append(helper.make_tensor_value_info(f"present_{i}", D, [2, "batch", kv_heads, "total", head_dim]))
    inputs = [helper.make_tensor_value_info("input_ids", TensorProto.INT32, ["batch", "seq"]),
              helper.make_tensor_value_info("position_ids", TensorProto.INT32, ["batch", "seq"]),
              helper.make_tensor_value_info("attention_mask", TensorProto.INT32, ["batch", "total"])]
    inputs += [helper.make_tensor_value_info(f"past_{i}", D, [2, "batch", kv_heads, "past", head_dim])
               for i in range(layers)]
    consts = [helper.make_tensor("greedy_axis0", TensorProto.INT64, [1], [0]),
              helper.make_tensor("greedy_axis1", TensorProto.INT64, [1], [1])]
    decoder = helper.make_graph(nodes, "decoder", inputs, outputs, initializer=list(g.initializer) + consts)
    lora = [i for i in g.input if i.name.startswith("lora")]
    # GreedySearch does not infer the subgraph's types: the outer-scope values are declared.
    decoder.value_info.extend(lora)

    search = helper.make_node(
        "GreedySearch", ["input_ids", "max_length", "min_length", "repetition_penalty", "", "", "attention_mask"],
        ["sequences"], name="greedy_search", domain="com.microsoft", eos_token_id=eos_token_id,
        pad_token_id=eos_token_id, model_type=0, decoder=decoder)
    main_inputs = [helper.make_tensor_value_info("input_ids", TensorProto.INT32, ["batch", "prompt"]),
                   helper.make_tensor_value_info("max_length", TensorProto.INT32, [1]),
                   helper.make_tensor_value_info("min_length", TensorProto.INT32, [1]),
                   helper.make_tensor_value_info("repetition_penalty", TensorProto.FLOAT, [1]),
                   helper.make_tensor_value_info("attention_mask", TensorProto.INT32, ["batch", "prompt"])] + lora
    graph = helper.make_graph([search], "mtforge_greedy_search", main_inputs,
                              [helper.make_tensor_value_info("sequences", TensorProto.INT32, ["batch", "length"])])
    model = helper.make_model(graph, producer_name="mtforge-export",
                              opset_imports=[helper.make_opsetid("", step.opset_import[0].version),
                                             helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = step.ir_version
    return model

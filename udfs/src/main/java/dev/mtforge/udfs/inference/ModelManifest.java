package dev.mtforge.udfs.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtforge.schemas.InvalidInputException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Our description of an exported causal LM ({@code mtforge-model.json} in a model package,
 * {@code format_version} 2): the graph's input and output names, the KV-cache shape and dtype, and
 * the linears that take LoRA factors as inputs. Names with {@code {layer}} / {@code {module}} are
 * templates, one per layer and target. The graph contract is described in
 * {@code deploy/export/llama_onnx.py}, which writes it (for real checkpoints and for the tiny test
 * model alike).
 *
 * @param name model name, for logs and the {@code model} column
 * @param onnxFile ONNX file name inside the package
 * @param onnxDataFile the graph's external weights file, or null when the weights are inside it
 * @param greedySearchFile the decoder inside ONNX Runtime's GreedySearch operator (a whole greedy
 *     decode in one run, {@code deploy/export/greedy_search_onnx.py}), or null when the package has none
 * @param tokenizerFile HF {@code tokenizer.json} file name
 * @param generationConfigFile HF {@code generation_config.json} file name
 * @param dtype weights, KV cache and LoRA factors: {@link ModelDtype}
 * @param vocabSize logits width
 * @param numLayers decoder layers (one past key and value per layer)
 * @param numKvHeads key/value heads of the cache
 * @param headDim size of one head
 * @param inputIds input name of token ids {@code [batch, seq]} int64
 * @param attentionMask input name of the mask {@code [batch, past + seq]} int64
 * @param positionIds input name of positions {@code [batch, seq]} int64
 * @param beamIdx input name of the past row each row continues {@code [batch]} int64
 * @param topK input name of the number of candidates per row {@code [1]} int64
 * @param pastKey template of past key inputs {@code [past batch, kv_heads, past, head_dim]}
 * @param pastValue template of past value inputs
 * @param topLogprobs output name of the best log-probabilities of the last position {@code [batch, k]}
 * @param topIds output name of their token ids {@code [batch, k]} int64
 * @param presentKey template of present key outputs {@code [batch, kv_heads, past + seq, head_dim]}
 * @param presentValue template of present value outputs
 * @param loraA template of LoRA A inputs {@code [R, in]}: the batch's adapters, ranks concatenated
 * @param loraB template of LoRA B inputs {@code [out, R]}
 * @param loraMask input name of the per-row column mask {@code [batch, R]} float
 * @param loraScale input name of the per-row LoRA scale {@code [batch]} float
 * @param peftKey template of the PEFT tensor prefix of a target ({@code ….lora_A.weight} follows)
 * @param targets the linears that take LoRA inputs, in each layer
 */
public record ModelManifest(
    String name,
    String onnxFile,
    String onnxDataFile,
    String greedySearchFile,
    String tokenizerFile,
    String generationConfigFile,
    ModelDtype dtype,
    int vocabSize,
    int numLayers,
    int numKvHeads,
    int headDim,
    String inputIds,
    String attentionMask,
    String positionIds,
    String beamIdx,
    String topK,
    String pastKey,
    String pastValue,
    String topLogprobs,
    String topIds,
    String presentKey,
    String presentValue,
    String loraA,
    String loraB,
    String loraMask,
    String loraScale,
    String peftKey,
    List<LoraTarget> targets)
    implements Serializable {

  /** The manifest's file name inside a model package. */
  public static final String FILE = "mtforge-model.json";
  /** The only format this code reads. */
  public static final String FORMAT = "mtforge-causal-lm";
  /** The format version this code reads. */
  public static final int FORMAT_VERSION = 2;
  /** How to write a package of the current version. */
  static final String REEXPORT =
      "re-export the model with deploy/export/export_hf_llama.py (docs/INFERENCE.md, \"Model packages\")";

  public ModelManifest {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dtype, "dtype");
    targets = List.copyOf(targets);
  }

  /**
   * One linear of a layer that takes LoRA factors.
   *
   * @param module path inside a layer in PEFT's naming ({@code self_attn.q_proj})
   * @param inFeatures input width (columns of A)
   * @param outFeatures output width (rows of B)
   */
  public record LoraTarget(String module, int inFeatures, int outFeatures) implements Serializable {}

  /** Reads and checks a manifest file; errors name the file and the field. */
  public static ModelManifest read(Path file) {
    try {
      return parse(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read model manifest " + file, e);
    }
  }

  /**
   * Parses and checks a manifest's JSON. A package of another format version is refused with how
   * to re-export it.
   *
   * @param file where it came from, for errors (a path or URI)
   */
  public static ModelManifest parse(byte[] json, String file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new InvalidInputException(file + ": not JSON (" + e.getMessage() + ")", file, e);
    }
    String format = text(root, "format", file);
    if (!FORMAT.equals(format)) {
      throw new InvalidInputException(file + ": format is '" + format + "', expected '" + FORMAT + "'", file, null);
    }
    JsonNode version = root.get("format_version");
    int v = version != null && version.canConvertToInt() ? version.asInt() : 1;
    if (v < FORMAT_VERSION) {
      throw new InvalidInputException(
          file + ": format_version " + v + " (LoRA factors copied into every batch row, beam reorder through the JVM)"
              + " is no longer read; " + REEXPORT + ", which writes format_version " + FORMAT_VERSION, file, null);
    }
    if (v > FORMAT_VERSION) {
      throw new InvalidInputException(
          file + ": format_version " + v + " is newer than this mtforge reads (" + FORMAT_VERSION
              + "); use the mtforge release that matches the exporter", file, null);
    }
    JsonNode in = node(root, "inputs", file);
    JsonNode out = node(root, "outputs", file);
    JsonNode lora = node(root, "lora", file);
    List<LoraTarget> targets = new ArrayList<>();
    for (JsonNode t : node(lora, "targets", file)) {
      targets.add(
          new LoraTarget(
              text(t, "module", file), integer(t, "in_features", file), integer(t, "out_features", file)));
    }
    return new ModelManifest(
        text(root, "name", file),
        text(root, "onnx", file),
        optionalText(root, "onnx_data", file),
        optionalText(root, "greedy_search_onnx", file),
        text(root, "tokenizer", file),
        text(root, "generation_config", file),
        ModelDtype.parse(text(root, "dtype", file), file),
        integer(root, "vocab_size", file),
        integer(root, "num_layers", file),
        integer(root, "num_kv_heads", file),
        integer(root, "head_dim", file),
        text(in, "input_ids", file),
        text(in, "attention_mask", file),
        text(in, "position_ids", file),
        text(in, "beam_idx", file),
        text(in, "top_k", file),
        text(in, "past_key", file),
        text(in, "past_value", file),
        text(out, "top_logprobs", file),
        text(out, "top_ids", file),
        text(out, "present_key", file),
        text(out, "present_value", file),
        text(lora, "a_input", file),
        text(lora, "b_input", file),
        text(lora, "mask_input", file),
        text(lora, "scale_input", file),
        text(lora, "peft_key", file),
        targets);
  }

  /**
   * The files of the package this manifest names (the graphs, their weights, tokenizer, generation
   * config).
   */
  public List<String> files() {
    List<String> files = new ArrayList<>(List.of(onnxFile));
    if (onnxDataFile != null) {
      files.add(onnxDataFile);
    }
    if (greedySearchFile != null) {
      files.add(greedySearchFile);
    }
    files.addAll(List.of(tokenizerFile, generationConfigFile));
    return files;
  }

  /** The index of a target module, or -1. */
  public int targetIndex(String module) {
    for (int i = 0; i < targets.size(); i++) {
      if (targets.get(i).module().equals(module)) {
        return i;
      }
    }
    return -1;
  }

  /** A template filled for one layer (and target module). */
  public static String name(String template, int layer, String module) {
    return template.replace("{layer}", Integer.toString(layer)).replace("{module}", module);
  }

  /** A template filled for one layer. */
  public static String name(String template, int layer) {
    return template.replace("{layer}", Integer.toString(layer));
  }

  private static JsonNode node(JsonNode parent, String field, String file) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      throw new InvalidInputException(file + ": missing field '" + field + "'", file, null);
    }
    return node;
  }

  private static String text(JsonNode parent, String field, String file) {
    JsonNode node = node(parent, field, file);
    if (!node.isTextual()) {
      throw new InvalidInputException(file + ": field '" + field + "' must be a string, found " + node, file, null);
    }
    return node.asText();
  }

  private static String optionalText(JsonNode parent, String field, String file) {
    JsonNode node = parent.get(field);
    return node == null || node.isNull() ? null : text(parent, field, file);
  }

  private static int integer(JsonNode parent, String field, String file) {
    JsonNode node = node(parent, field, file);
    if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() <= 0) {
      throw new InvalidInputException(
          file + ": field '" + field + "' must be a positive integer, found " + node, file, null);
    }
    return node.asInt();
  }
}

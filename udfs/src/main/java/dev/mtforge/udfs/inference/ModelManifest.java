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
 * Our description of an exported causal LM ({@code mtforge-model.json} in a model package): the
 * graph's input and output names, the KV-cache shape, and the linears that take LoRA factors as
 * inputs. Names with {@code {layer}} / {@code {module}} are templates, one per layer and target.
 *
 * <p>Written by {@code deploy/export/export_hf_llama.py} (real models) and by
 * {@code sample-data/models/generate_tiny_llama.py} (the test model).
 *
 * @param name model name, for logs and the {@code model} column
 * @param onnxFile ONNX file name inside the package
 * @param tokenizerFile HF {@code tokenizer.json} file name
 * @param generationConfigFile HF {@code generation_config.json} file name
 * @param vocabSize logits width
 * @param numLayers decoder layers (one past key and value per layer)
 * @param numKvHeads key/value heads of the cache
 * @param headDim size of one head
 * @param inputIds input name of token ids {@code [batch, seq]} int64
 * @param attentionMask input name of the mask {@code [batch, past + seq]} int64
 * @param positionIds input name of positions {@code [batch, seq]} int64
 * @param pastKey template of past key inputs {@code [batch, kv_heads, past, head_dim]}
 * @param pastValue template of past value inputs
 * @param logits output name of the last position's logits {@code [batch, vocab]}
 * @param presentKey template of present key outputs {@code [batch, kv_heads, past + seq, head_dim]}
 * @param presentValue template of present value outputs
 * @param loraA template of LoRA A inputs {@code [batch, rank, in]}
 * @param loraB template of LoRA B inputs {@code [batch, out, rank]}
 * @param loraScale input name of the per-row LoRA scale {@code [batch]} float
 * @param peftKey template of the PEFT tensor prefix of a target ({@code ….lora_A.weight} follows)
 * @param targets the linears that take LoRA inputs, in each layer
 */
public record ModelManifest(
    String name,
    String onnxFile,
    String tokenizerFile,
    String generationConfigFile,
    int vocabSize,
    int numLayers,
    int numKvHeads,
    int headDim,
    String inputIds,
    String attentionMask,
    String positionIds,
    String pastKey,
    String pastValue,
    String logits,
    String presentKey,
    String presentValue,
    String loraA,
    String loraB,
    String loraScale,
    String peftKey,
    List<LoraTarget> targets)
    implements Serializable {

  /** The manifest's file name inside a model package. */
  public static final String FILE = "mtforge-model.json";
  /** The only format this code reads. */
  public static final String FORMAT = "mtforge-causal-lm";

  public ModelManifest {
    Objects.requireNonNull(name, "name");
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
   * Parses and checks a manifest's JSON.
   *
   * @param file where it came from, for errors (a path or URI)
   */
  public static ModelManifest parse(byte[] json, String file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw invalid(file + ": not JSON (" + e.getMessage() + ")", file, e);
    }
    String format = text(root, "format", file);
    if (!FORMAT.equals(format)) {
      throw invalid(file + ": format is '" + format + "', expected '" + FORMAT + "'", file, null);
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
        text(root, "tokenizer", file),
        text(root, "generation_config", file),
        integer(root, "vocab_size", file),
        integer(root, "num_layers", file),
        integer(root, "num_kv_heads", file),
        integer(root, "head_dim", file),
        text(in, "input_ids", file),
        text(in, "attention_mask", file),
        text(in, "position_ids", file),
        text(in, "past_key", file),
        text(in, "past_value", file),
        text(out, "logits", file),
        text(out, "present_key", file),
        text(out, "present_value", file),
        text(lora, "a_input", file),
        text(lora, "b_input", file),
        text(lora, "scale_input", file),
        text(lora, "peft_key", file),
        targets);
  }

  /** A template filled for one layer (and target module). */
  public static String name(String template, int layer, String module) {
    return template.replace("{layer}", Integer.toString(layer)).replace("{module}", module);
  }

  /** A template filled for one layer. */
  public static String name(String template, int layer) {
    return template.replace("{layer}", Integer.toString(layer));
  }

  // a bad manifest is bad input data (exit 3), not a bug
  private static InvalidInputException invalid(String message, String file, Throwable cause) {
    return new InvalidInputException(message, file, cause);
  }

  private static JsonNode node(JsonNode parent, String field, String file) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      throw invalid(file + ": missing field '" + field + "'", file, null);
    }
    return node;
  }

  private static String text(JsonNode parent, String field, String file) {
    JsonNode node = node(parent, field, file);
    if (!node.isTextual()) {
      throw invalid(file + ": field '" + field + "' must be a string, found " + node, file, null);
    }
    return node.asText();
  }

  private static int integer(JsonNode parent, String field, String file) {
    JsonNode node = node(parent, field, file);
    if (!node.canConvertToInt() || !node.isIntegralNumber() || node.asInt() <= 0) {
      throw invalid(file + ": field '" + field + "' must be a positive integer, found " + node, file, null);
    }
    return node.asInt();
  }
}

package dev.mtforge.udfs.metrics.comet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtforge.schemas.InvalidInputException;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What an exported COMET model is ({@code mtforge-comet.json} in a package), written by
 * {@code deploy/export/export_comet.py}: the class, the two graphs and their tensor names, the
 * layer mix, pooling and COMET's token limits. Parsing checks every field and names the file
 * and the field; a wrong package is bad input (exit code 3).
 *
 * @param name model name for signatures ({@code wmt22-comet-da})
 * @param modelClass COMET's {@code class_identifier}: {@code regression_metric} or {@code unified_metric}
 * @param pretrainedModel the encoder COMET names ({@code xlm-roberta-large}), for information
 * @param dtype {@code float32} or {@code float16}: the precision of the graphs
 * @param needsReference whether scoring needs a reference (regression) or not (unified: mt + src)
 * @param cometCompat the unbabel-comet release whose forward pass the export reproduces
 * @param tokenizerFile the HF {@code tokenizer.json} in the package
 * @param maxTokens tokens of one text, specials included (COMET: {@code max_position_embeddings − 4})
 * @param maxPairTokens tokens of a unified {@code <s> mt </s></s> src </s>} input ({@code − 2})
 * @param special the ids of {@code <s>}, {@code </s>} and {@code <pad>}
 * @param encoder the encoder graph
 * @param layerMix how the hidden states are mixed
 * @param pool {@code avg}, {@code cls} or {@code max}
 * @param estimator the feed-forward graph
 */
public record CometManifest(
    String name,
    String modelClass,
    String pretrainedModel,
    String dtype,
    boolean needsReference,
    String cometCompat,
    String tokenizerFile,
    int maxTokens,
    int maxPairTokens,
    SpecialIds special,
    Encoder encoder,
    LayerMix layerMix,
    String pool,
    Estimator estimator)
    implements Serializable {

  /** The manifest's file name inside a package. */
  public static final String FILE = "mtforge-comet.json";
  /** The {@code format} field this code reads. */
  public static final String FORMAT = "mtforge-comet";
  /** The reference-based class (COMET-22). */
  public static final String REGRESSION = "regression_metric";
  /** The reference-free class (CometKiwi). */
  public static final String UNIFIED = "unified_metric";

  public CometManifest {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(modelClass, "modelClass");
  }

  /** {@code <s>}, {@code </s>} and {@code <pad>} ids. */
  public record SpecialIds(long bos, long eos, long pad) implements Serializable {}

  /**
   * The encoder graph: {@code input_ids, attention_mask [b, s] int64, layer_weights [numLayers],
   * gamma [1] float → output [b, hiddenSize] float}.
   *
   * @param numLayers hidden states mixed (embeddings + transformer layers)
   */
  public record Encoder(String onnx, String inputIds, String attentionMask, String layerWeights, String gamma,
      String output, int hiddenSize, int numLayers) implements Serializable {}

  /**
   * The estimator graph: {@code inputs} (each {@code [b, hiddenSize]} float: {@code mt, ref, src}
   * for the regression class, the one sentence embedding for the unified class) → {@code output [b]}.
   */
  public record Estimator(String onnx, List<String> inputs, String output, List<Integer> hiddenSizes,
      String activations, String finalActivation) implements Serializable {
    public Estimator {
      inputs = List.copyOf(inputs);
      hiddenSizes = List.copyOf(hiddenSizes);
    }
  }

  /** Whether this is the unified (reference-free) class. */
  public boolean unified() {
    return UNIFIED.equals(modelClass);
  }

  /** The mix weights the encoder graph takes. */
  public float[] layerWeights() {
    return layerMix.weights(encoder.numLayers());
  }

  /**
   * Parses and checks a manifest.
   *
   * @param file where it came from, for errors (a path or URI)
   */
  public static CometManifest parse(byte[] json, String file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw bad(file, "not JSON (" + e.getMessage() + ")");
    }
    if (root == null || !root.isObject()) {
      throw bad(file, "not a JSON object");
    }
    String format = text(root, "format", file);
    if (!FORMAT.equals(format)) {
      throw bad(file, "format is '" + format + "', expected '" + FORMAT + "' (write packages with"
          + " deploy/export/export_comet.py)");
    }
    int version = integer(root, "format_version", file);
    if (version != 1) {
      throw bad(file, "format_version " + version + " is not supported; this mtforge reads 1");
    }
    String modelClass = text(root, "class", file);
    if (!REGRESSION.equals(modelClass) && !UNIFIED.equals(modelClass)) {
      throw bad(file, "class '" + modelClass + "' is not supported; supported: " + REGRESSION + ", " + UNIFIED);
    }
    String dtype = text(root, "dtype", file);
    if (!dtype.equals("float32") && !dtype.equals("float16")) {
      throw bad(file, "dtype '" + dtype + "' is not supported; supported: float32, float16");
    }
    JsonNode special = node(root, "special_ids", file);
    JsonNode enc = node(root, "encoder", file);
    JsonNode mix = node(root, "layer_mix", file);
    JsonNode est = node(root, "estimator", file);
    JsonNode layerNode = node(mix, "layer", file);
    String layer = layerNode.isTextual() ? layerNode.asText() : Integer.toString(layerNode.asInt());
    List<Float> scalars = new ArrayList<>();
    JsonNode scalarNode = mix.get("scalar_parameters");
    if (scalarNode != null && scalarNode.isArray()) {
      scalarNode.forEach(v -> scalars.add((float) v.asDouble()));
    }
    String transformation = text(mix, "transformation", file);
    if (!LayerMix.TRANSFORMATIONS.contains(transformation)) {
      throw bad(file, "layer_mix.transformation '" + transformation + "' is not one of "
          + String.join(", ", LayerMix.TRANSFORMATIONS));
    }
    Encoder encoder =
        new Encoder(text(enc, "onnx", file), text(enc, "input_ids", file), text(enc, "attention_mask", file),
            text(enc, "layer_weights", file), text(enc, "gamma", file), text(enc, "output", file),
            integer(enc, "hidden_size", file), integer(enc, "num_layers", file));
    if ("mix".equals(layer) && scalars.size() != encoder.numLayers()) {
      throw bad(file, "layer_mix.scalar_parameters has " + scalars.size() + " values for "
          + encoder.numLayers() + " hidden states (encoder.num_layers)");
    }
    String pool = text(root, "pool", file);
    if (!List.of("avg", "cls", "max").contains(pool)) {
      throw bad(file, "pool '" + pool + "' is not supported; supported: avg, cls, max");
    }
    List<String> inputs = new ArrayList<>();
    node(est, "inputs", file).forEach(v -> inputs.add(v.asText()));
    List<Integer> hidden = new ArrayList<>();
    node(est, "hidden_sizes", file).forEach(v -> hidden.add(v.asInt()));
    JsonNode finalAct = est.get("final_activation");
    CometManifest manifest =
        new CometManifest(
            text(root, "name", file), modelClass,
            root.hasNonNull("pretrained_model") ? root.get("pretrained_model").asText() : null, dtype,
            bool(root, "needs_reference", file), text(root, "comet_compat", file), text(root, "tokenizer", file),
            integer(root, "max_tokens", file), integer(root, "max_pair_tokens", file),
            new SpecialIds(integer(special, "bos", file, 0), integer(special, "eos", file, 0),
                integer(special, "pad", file, 0)),
            encoder,
            new LayerMix(layer, transformation, "mix".equals(layer) ? scalars : List.of(),
                (float) node(mix, "gamma", file).asDouble(), bool(mix, "layer_norm", file)),
            pool,
            new Estimator(text(est, "onnx", file), inputs, text(est, "output", file), hidden,
                text(est, "activations", file), finalAct == null || finalAct.isNull() ? null : finalAct.asText()));
    int expectedInputs = manifest.unified() ? 1 : 3;
    if (inputs.size() != expectedInputs) {
      throw bad(file, "estimator.inputs has " + inputs.size() + " names, expected " + expectedInputs + " for "
          + modelClass);
    }
    if (manifest.needsReference() == manifest.unified()) {
      throw bad(file, "needs_reference is " + manifest.needsReference() + " but class " + modelClass
          + (manifest.unified() ? " scores without references" : " needs them"));
    }
    return manifest;
  }

  private static InvalidInputException bad(String file, String why) {
    return new InvalidInputException(file + ": " + why, file, null);
  }

  private static JsonNode node(JsonNode parent, String field, String file) {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      throw bad(file, "missing field '" + field + "'");
    }
    return node;
  }

  private static String text(JsonNode parent, String field, String file) {
    JsonNode node = node(parent, field, file);
    if (!node.isTextual()) {
      throw bad(file, "field '" + field + "' must be a string, found " + node);
    }
    return node.asText();
  }

  private static boolean bool(JsonNode parent, String field, String file) {
    JsonNode node = node(parent, field, file);
    if (!node.isBoolean()) {
      throw bad(file, "field '" + field + "' must be true or false, found " + node);
    }
    return node.asBoolean();
  }

  private static int integer(JsonNode parent, String field, String file) {
    return integer(parent, field, file, 1);
  }

  private static int integer(JsonNode parent, String field, String file, int min) {
    JsonNode node = node(parent, field, file);
    if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < min) {
      throw bad(file, "field '" + field + "' must be an integer >= " + min + ", found " + node);
    }
    return node.asInt();
  }
}

package dev.mtforge.udfs.tensor.peft;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.udfs.tensor.safetensors.SafetensorsCheckpoint;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import dev.mtforge.udfs.tensor.safetensors.TensorSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A PEFT LoRA adapter folder: {@code adapter_config.json} plus {@code adapter_model.safetensors}.
 * Loading validates the pairing of every module's {@code lora_A}/{@code lora_B} and their ranks
 * against the config (rank_pattern included); tensor data is read on demand.
 *
 * <pre>{@code
 * try (PeftAdapter adapter = PeftAdapter.load(TensorFiles.local(), "sample-data/adapters/xx-en/de")) {
 *   for (LoraModule m : adapter.modules()) {
 *     float[] a = adapter.loraA(m), b = adapter.loraB(m); // [r, in], [out, r]
 *     double s = m.scaling();
 *   }
 * }
 * }</pre>
 */
public final class PeftAdapter implements AutoCloseable {
  /** Config file name in an adapter folder. */
  public static final String CONFIG_FILE = "adapter_config.json";
  /** Weights file name in an adapter folder. */
  public static final String WEIGHTS_FILE = "adapter_model.safetensors";
  static final String LORA_A_SUFFIX = ".lora_A.weight";
  static final String LORA_B_SUFFIX = ".lora_B.weight";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String dir;
  private final PeftConfig config;
  private final SafetensorsCheckpoint tensors;
  private final Map<String, LoraModule> modules;
  private final List<String> otherTensors;

  private PeftAdapter(
      String dir, PeftConfig config, SafetensorsCheckpoint tensors, Map<String, LoraModule> modules,
      List<String> otherTensors) {
    this.dir = dir;
    this.config = config;
    this.tensors = tensors;
    this.modules = modules;
    this.otherTensors = otherTensors;
  }

  /** Loads and validates an adapter folder (local path or Hadoop URI, per {@code files}). */
  public static PeftAdapter load(TensorFiles files, String dir) {
    PeftConfig config = readConfig(files, files.resolve(dir, CONFIG_FILE));
    String weights = files.resolve(dir, WEIGHTS_FILE);
    try {
      if (!files.exists(weights)) {
        throw new InvalidInputException(weights + ": adapter weights file not found", weights, null);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot check " + weights, e);
    }
    SafetensorsCheckpoint tensors = SafetensorsCheckpoint.open(files, weights);
    try {
      Map<String, LoraModule> modules = new LinkedHashMap<>();
      List<String> others = new ArrayList<>();
      for (String name : tensors.names()) {
        if (name.endsWith(LORA_A_SUFFIX)) {
          String module = name.substring(0, name.length() - LORA_A_SUFFIX.length());
          modules.put(module, module(weights, config, tensors, module));
        } else if (!name.endsWith(LORA_B_SUFFIX)) {
          others.add(name);
        }
      }
      for (String name : tensors.names()) {
        if (name.endsWith(LORA_B_SUFFIX)
            && !modules.containsKey(name.substring(0, name.length() - LORA_B_SUFFIX.length()))) {
          throw invalid(weights, "tensor '" + name + "' has no matching lora_A tensor");
        }
      }
      return new PeftAdapter(dir, config, tensors, Collections.unmodifiableMap(modules), List.copyOf(others));
    } catch (RuntimeException e) {
      tensors.close();
      throw e;
    }
  }

  private static LoraModule module(String file, PeftConfig config, SafetensorsCheckpoint tensors, String module) {
    String aKey = module + LORA_A_SUFFIX;
    String bKey = module + LORA_B_SUFFIX;
    if (!tensors.contains(bKey)) {
      throw invalid(file, "tensor '" + aKey + "' has no matching '" + bKey + "'");
    }
    TensorSpec a = tensors.spec(aKey);
    TensorSpec b = tensors.spec(bKey);
    if (a.rank() != 2 || b.rank() != 2 || a.dim(0) != b.dim(1)) {
      throw invalid(file, "module '" + module + "': lora_A " + a.shapeString() + " and lora_B " + b.shapeString()
          + " are not [r, in] and [out, r] with one r");
    }
    int rank = config.rank(module);
    if (a.dim(0) != rank) {
      throw invalid(file, "module '" + module + "': lora_A " + a.shapeString() + " has rank " + a.dim(0)
          + " but adapter_config.json says r = " + rank);
    }
    return new LoraModule(module, rank, a.dim(1), b.dim(0), config.scaling(module));
  }

  /** Reads and parses an {@code adapter_config.json}. */
  public static PeftConfig readConfig(TensorFiles files, String path) {
    byte[] bytes;
    try {
      if (!files.exists(path)) {
        throw new InvalidInputException(path + ": adapter config not found", path, null);
      }
      try (TensorFiles.Input input = files.open(path)) {
        long length = input.length();
        if (length > 16 << 20) {
          throw invalid(path, "config has " + length + " bytes, more than an adapter config can have");
        }
        bytes = new byte[(int) length];
        input.readFully(0, bytes, 0, bytes.length);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path, e);
    }
    JsonNode json;
    try {
      json = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(path + ": not valid JSON: " + e.getOriginalMessage(), path, e);
    } catch (IOException e) { // in-memory bytes: only a character decoding problem gets here
      throw new InvalidInputException(path + ": not valid JSON text: " + e.getMessage(), path, e);
    }
    if (json == null || !json.isObject()) {
      throw invalid(path, "not a JSON object");
    }
    String type = json.path("peft_type").asText("LORA");
    if (!type.equals("LORA")) {
      throw invalid(path, "peft_type is '" + type + "'; only LORA adapters are supported");
    }
    try {
      return PeftConfig.fromJson((ObjectNode) json);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(path + ": " + e.getMessage(), path, e);
    }
  }

  private static InvalidInputException invalid(String file, String problem) {
    return new InvalidInputException(file + ": " + problem, file, null);
  }

  /** The adapter folder. */
  public String dir() {
    return dir;
  }

  /** Its config. */
  public PeftConfig config() {
    return config;
  }

  /** LoRA modules in file order. */
  public List<LoraModule> modules() {
    return List.copyOf(modules.values());
  }

  /** A module by name, or null. */
  public LoraModule module(String name) {
    return modules.get(name);
  }

  /** Tensors that are not LoRA A/B weights (e.g. modules_to_save); mtforge does not merge them. */
  public List<String> otherTensors() {
    return otherTensors;
  }

  /** The weights checkpoint, for direct tensor reads. */
  public SafetensorsCheckpoint tensors() {
    return tensors;
  }

  /** A module's A, row-major [r, in]. */
  public float[] loraA(LoraModule module) {
    return tensors.readFloats(module.aKey());
  }

  /** A module's B, row-major [out, r]. */
  public float[] loraB(LoraModule module) {
    return tensors.readFloats(module.bKey());
  }

  @Override
  public void close() {
    tensors.close();
  }

  @Override
  public String toString() {
    return "adapter " + dir;
  }
}

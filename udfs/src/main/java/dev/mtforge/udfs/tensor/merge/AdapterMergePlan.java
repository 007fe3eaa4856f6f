package dev.mtforge.udfs.tensor.merge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mtforge.udfs.tensor.merge.MergeMethod.Pruning;
import dev.mtforge.udfs.tensor.merge.MergeOptions.LoraMode;
import dev.mtforge.udfs.tensor.merge.MergeOptions.TopkScope;
import dev.mtforge.udfs.tensor.peft.LoraModule;
import dev.mtforge.udfs.tensor.peft.PeftAdapter;
import dev.mtforge.udfs.tensor.safetensors.DType;
import dev.mtforge.udfs.tensor.safetensors.SafetensorsCheckpoint;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import dev.mtforge.udfs.tensor.safetensors.TensorSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A validated merge of LoRA adapters, cut into one {@link ModuleTask} per module: what a Spark
 * task (or the local loop) needs to merge that module, and nothing of the other modules. Built on
 * the driver by {@link #create}, which reads only configs and safetensors headers, and fails on
 * bad input before anything is written.
 *
 * @param adapters input adapters in order (id and folder)
 * @param options merge options
 * @param weights per-input weights
 * @param modules one task per module, in the first input's order
 * @param outputDtype dtype of the merged tensors
 * @param thresholds whole-model magnitude thresholds per input ({@code [input]}), or null
 */
public record AdapterMergePlan(
    List<NamedAdapter> adapters,
    MergeOptions options,
    double[] weights,
    List<ModuleTask> modules,
    DType outputDtype,
    float[] thresholds)
    implements Serializable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PEFT_PREFIX = "base_model.model.";

  /** An input adapter: the id used in messages and tables, and its folder. */
  public record NamedAdapter(String id, String dir) implements Serializable {}

  /**
   * One module's merge.
   *
   * @param module module name
   * @param in in_features
   * @param out out_features
   * @param ranks inputs' ranks
   * @param scalings inputs' scalings
   * @param outputRank rank of the merged module
   */
  public record ModuleTask(String module, int in, int out, int[] ranks, double[] scalings, int outputRank)
      implements Serializable {}

  /** Loads the inputs' configs and headers, validates them against each other, and plans the merge. */
  public static AdapterMergePlan create(TensorFiles files, List<NamedAdapter> inputs, MergeOptions options) {
    if (inputs.size() < 2) {
      throw MergeErrors.tooFewInputs(inputs.size());
    }
    double[] weights = options.weightsFor(inputs.size());
    List<PeftAdapter> loaded = new ArrayList<>();
    try {
      for (NamedAdapter input : inputs) {
        PeftAdapter adapter = PeftAdapter.load(files, input.dir());
        loaded.add(adapter);
        if (!adapter.otherTensors().isEmpty()) {
          throw MergeErrors.otherTensors(input.id(), adapter.otherTensors());
        }
      }
      PeftAdapter first = loaded.get(0);
      String firstId = inputs.get(0).id();
      boolean sameRank = options.method() != MergeMethod.CAT && options.loraMode() == LoraMode.FACTORS;
      List<ModuleTask> tasks = new ArrayList<>();
      for (LoraModule reference : first.modules()) {
        int[] ranks = new int[inputs.size()];
        double[] scalings = new double[inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
          LoraModule m = loaded.get(i).module(reference.name());
          String id = inputs.get(i).id();
          if (m == null) {
            throw MergeErrors.missingModule(id, reference.name(), firstId);
          }
          if (m.inFeatures() != reference.inFeatures()) {
            throw MergeErrors.shapeMismatch(id, m.aKey(), shape(m.rank(), m.inFeatures()),
                shape(m.rank(), reference.inFeatures()), firstId);
          }
          if (m.outFeatures() != reference.outFeatures()) {
            throw MergeErrors.shapeMismatch(id, m.bKey(), shape(m.outFeatures(), m.rank()),
                shape(reference.outFeatures(), m.rank()), firstId);
          }
          if (sameRank && m.rank() != reference.rank()) {
            throw MergeErrors.rankMismatch(id, m.name(), m.rank(), reference.rank(), firstId, options.method());
          }
          ranks[i] = m.rank();
          scalings[i] = m.scaling();
        }
        int outputRank;
        if (options.method() == MergeMethod.CAT) {
          outputRank = java.util.Arrays.stream(ranks).sum();
        } else if (options.loraMode() == LoraMode.DELTA) {
          outputRank = options.svdRank() > 0 ? options.svdRank() : java.util.Arrays.stream(ranks).max().orElseThrow();
        } else {
          outputRank = reference.rank();
        }
        tasks.add(new ModuleTask(reference.name(), Math.toIntExact(reference.inFeatures()),
            Math.toIntExact(reference.outFeatures()), ranks, scalings, outputRank));
      }
      for (int i = 1; i < loaded.size(); i++) {
        for (LoraModule m : loaded.get(i).modules()) {
          if (first.module(m.name()) == null) {
            throw MergeErrors.extraModule(inputs.get(i).id(), m.name(), firstId);
          }
        }
      }
      DType dtype = options.outputDtype() != null
          ? options.outputDtype()
          : first.tensors().spec(first.modules().get(0).aKey()).dtype();
      return new AdapterMergePlan(List.copyOf(inputs), options, weights, List.copyOf(tasks), dtype, null);
    } finally {
      for (PeftAdapter adapter : loaded) {
        adapter.close();
      }
    }
  }

  /** True when magnitude pruning ranks over the whole model per input (needs {@link #thresholds}). */
  public boolean needsModelThresholds() {
    return options.method().pruning() == Pruning.MAGNITUDE && options.topkScope() == TopkScope.MODEL
        && options.density() < 1;
  }

  /** This plan with whole-model thresholds set. */
  public AdapterMergePlan withThresholds(float[] perInput) {
    return new AdapterMergePlan(adapters, options, weights, modules, outputDtype, perInput);
  }

  /** Number of values input {@code i} contributes to whole-model ranking. */
  public long rankedValues(int input) {
    long n = 0;
    for (ModuleTask task : modules) {
      n += options.loraMode() == LoraMode.DELTA
          ? (long) task.out() * task.in()
          : (long) task.ranks()[input] * (task.in() + task.out());
    }
    return n;
  }

  /** The values of one module of one input that whole-model ranking sees (A then B, or ΔW). */
  public List<float[]> rankedBlocks(SafetensorsCheckpoint weightsFile, ModuleTask task, int input) {
    String module = task.module();
    float[] a = weightsFile.readFloats(module + ".lora_A.weight");
    float[] b = weightsFile.readFloats(module + ".lora_B.weight");
    if (options.loraMode() == LoraMode.DELTA) {
      return List.of(LoraMerge.delta(a, b, task.ranks()[input], task.scalings()[input], task.in(), task.out()));
    }
    return List.of(a, b);
  }

  /** Merges one module, reading its tensors from the inputs' open weight files (in input order). */
  public LoraMerge.Result mergeModule(List<SafetensorsCheckpoint> inputs, ModuleTask task) {
    int n = inputs.size();
    float[][] a;
    float[][] b;
    if (options.loraMode() == LoraMode.FACTORS && options.method() != MergeMethod.CAT) {
      // the factors are read into this thread's reused arrays (merging only reads them or
      // prunes them in place), so a module costs no allocation but its result
      ModuleBuffers buffers = BUFFERS.get();
      a = buffers.arrays(0, n, (long) task.ranks()[0] * task.in());
      b = buffers.arrays(1, n, (long) task.out() * task.ranks()[0]);
      for (int i = 0; i < n; i++) {
        inputs.get(i).readFloats(task.module() + ".lora_A.weight", a[i]);
        inputs.get(i).readFloats(task.module() + ".lora_B.weight", b[i]);
      }
    } else {
      a = new float[n][];
      b = new float[n][];
      for (int i = 0; i < n; i++) {
        a[i] = inputs.get(i).readFloats(task.module() + ".lora_A.weight");
        b[i] = inputs.get(i).readFloats(task.module() + ".lora_B.weight");
      }
    }
    float[][] t = thresholds == null ? null : new float[][] {thresholds, thresholds};
    return LoraMerge.merge(task.module(), a, b, task.ranks(), task.scalings(), task.in(), task.out(), options,
        weights, t);
  }

  private static final ThreadLocal<ModuleBuffers> BUFFERS = ThreadLocal.withInitial(ModuleBuffers::new);

  /** One thread's arrays for the inputs' A and B factors, grown to the largest module seen. */
  private static final class ModuleBuffers {
    private final float[][][] arrays = new float[2][0][];

    /** {@code n} arrays of at least {@code length} values for factor {@code which} (0 = A, 1 = B). */
    float[][] arrays(int which, int n, long length) {
      float[][] current = arrays[which];
      if (current.length != n || current[0].length < length) {
        int size = Math.toIntExact(Math.max(length, current.length == 0 ? 0 : current[0].length));
        current = new float[n][size];
        arrays[which] = current;
      }
      return current;
    }
  }

  /** Opens every input's weights file (the caller closes them). */
  public List<SafetensorsCheckpoint> openInputs(TensorFiles files) {
    List<SafetensorsCheckpoint> opened = new ArrayList<>();
    try {
      for (NamedAdapter adapter : adapters) {
        opened.add(SafetensorsCheckpoint.open(files, files.resolve(adapter.dir(), PeftAdapter.WEIGHTS_FILE)));
      }
    } catch (RuntimeException e) {
      opened.forEach(SafetensorsCheckpoint::close);
      throw e;
    }
    return opened;
  }

  /** Output tensor specs in write order (A then B per module). */
  public List<TensorSpec> outputSpecs() {
    List<TensorSpec> specs = new ArrayList<>();
    for (ModuleTask task : modules) {
      specs.add(TensorSpec.of(task.module() + ".lora_A.weight", outputDtype, task.outputRank(), task.in()));
      specs.add(TensorSpec.of(task.module() + ".lora_B.weight", outputDtype, task.out(), task.outputRank()));
    }
    return specs;
  }

  /** The merged rank written as {@code r} (the most common module rank; others go to rank_pattern). */
  public int outputRank() {
    Map<Integer, Integer> counts = new LinkedHashMap<>();
    for (ModuleTask task : modules) {
      counts.merge(task.outputRank(), 1, Integer::sum);
    }
    return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
  }

  /** Safetensors metadata of the merged adapter: PEFT's format tag plus the merge options. */
  public Map<String, String> outputMetadata() {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("format", "pt");
    options.describe().forEach((k, v) -> metadata.put("mtforge." + k, v));
    return metadata;
  }

  /**
   * Writes the merged {@code adapter_config.json}: the first input's config with r = the merged
   * rank, lora_alpha = r (so PEFT's scaling is 1, the scalings being inside the merged factors),
   * use_rslora off, and rank/alpha patterns only for modules whose rank differs.
   */
  public void writeConfig(TensorFiles files, String outDir) {
    ObjectNode config;
    try (PeftAdapter first = PeftAdapter.load(files, adapters.get(0).dir())) {
      config = first.config().raw().deepCopy();
    }
    TreeSet<String> targets = new TreeSet<>();
    for (NamedAdapter adapter : adapters) {
      targets.addAll(PeftAdapter.readConfig(files, files.resolve(adapter.dir(), PeftAdapter.CONFIG_FILE)).targetModules());
    }
    int r = outputRank();
    config.put("r", r);
    config.put("lora_alpha", r);
    config.put("use_rslora", false);
    ObjectNode rankPattern = config.putObject("rank_pattern");
    ObjectNode alphaPattern = config.putObject("alpha_pattern");
    for (ModuleTask task : modules) {
      if (task.outputRank() != r) {
        String key = task.module().startsWith(PEFT_PREFIX) ? task.module().substring(PEFT_PREFIX.length()) : task.module();
        rankPattern.put(key, task.outputRank());
        alphaPattern.put(key, task.outputRank());
      }
    }
    if (!targets.isEmpty()) {
      ArrayNode list = config.putArray("target_modules");
      targets.forEach(list::add);
    }
    try (OutputStream out = files.create(files.resolve(outDir, PeftAdapter.CONFIG_FILE))) {
      out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + PeftAdapter.CONFIG_FILE + " to " + outDir, e);
    }
  }

  private static String shape(long rows, long cols) {
    return "[" + rows + ", " + cols + "]";
  }
}

package dev.mtforge.udfs.inference;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import dev.mtforge.udfs.tokenize.HfTokenizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A model package loaded in DJL's ONNX Runtime engine, with its HF tokenizer: the value the
 * {@link ModelCache} holds for a {@code causal-lm} spec. Thread-safe; each task opens its own
 * {@link Session} (a DJL predictor, not thread-safe) and closes it.
 *
 * <pre>{@code
 * try (CausalLm lm = CausalLm.load(ModelSpec.of(dir)); CausalLm.Session s = lm.newSession()) {
 *   List<Generation> out = Generator.generate(s, List.of(lm.encode(prompt)), LoraBatch.none(lm.manifest(), 1), settings);
 * }
 * }</pre>
 */
public final class CausalLm implements AutoCloseable {
  /** DJL's engine name for ONNX Runtime. */
  public static final String ENGINE = "OnnxRuntime";

  private final ModelPackage modelPackage;
  private final Model model;
  private final HuggingFaceTokenizer tokenizer;

  private CausalLm(ModelPackage modelPackage, Model model, HuggingFaceTokenizer tokenizer) {
    this.modelPackage = modelPackage;
    this.model = model;
    this.tokenizer = tokenizer;
  }

  /** Loads the package of a spec (a local folder) on the spec's device. */
  public static CausalLm load(ModelSpec spec) {
    ModelPackage pkg = ModelPackage.open(java.nio.file.Path.of(spec.uri()));
    // DJL must initialise ORT's environment before anyone else touches it (FEASIBILITY.md).
    Engine.getEngine(ENGINE);
    Device device = spec.device().equals("cpu") ? Device.cpu() : Device.gpu(Integer.parseInt(spec.device().substring(4)));
    Model model = Model.newInstance(pkg.manifest().name(), device, ENGINE);
    Map<String, Object> options = new HashMap<>();
    if (spec.intraOpThreads() > 0) {
      options.put("intraOpNumThreads", Integer.toString(spec.intraOpThreads()));
      options.put("interOpNumThreads", "1");
    }
    String onnx = pkg.manifest().onnxFile();
    try {
      model.load(pkg.dir(), onnx.endsWith(".onnx") ? onnx.substring(0, onnx.length() - 5) : onnx, options);
    } catch (IOException | MalformedModelException e) {
      model.close();
      throw new IllegalStateException("Cannot load ONNX model " + pkg.onnxPath() + " on " + device, e);
    }
    HuggingFaceTokenizer tokenizer;
    try {
      tokenizer = HfTokenizers.load(pkg.tokenizerPath());
    } catch (IOException e) {
      model.close();
      throw new UncheckedIOException("Cannot load tokenizer " + pkg.tokenizerPath(), e);
    }
    return new CausalLm(pkg, model, tokenizer);
  }

  public ModelManifest manifest() {
    return modelPackage.manifest();
  }

  /** Token ids and decoding defaults of the package's {@code generation_config.json}. */
  public GenerationSettings generationDefaults() {
    return modelPackage.generation();
  }

  public ModelPackage modelPackage() {
    return modelPackage;
  }

  /** Token ids of a prompt, with the tokenizer's special tokens (BOS). */
  public long[] encode(String text) {
    return tokenizer.encode(text, true, false).getIds();
  }

  /**
   * Text of generated ids. Decodes the whole sequence at once: per-token decoding would split
   * multi-byte characters of byte-level vocabularies.
   */
  public String decode(long[] ids) {
    return tokenizer.decode(ids, true);
  }

  /**
   * Loads a package and warms it up: what the executors' {@link ModelCache} loads. The first
   * forward passes of a fresh ORT session (and of the JIT-cold decode loop) cost about 6 times
   * the CPU of later ones (PERFORMANCE.md); paying that once at load keeps it out of the first
   * tasks' batches.
   */
  public static CausalLm loadWarm(ModelSpec spec) {
    CausalLm lm = load(spec);
    try {
      lm.warmUp();
    } catch (RuntimeException e) {
      lm.close();
      throw e;
    }
    return lm;
  }

  /**
   * A few greedy steps on dummy batches (1 and 8 rows) of a short and a long prompt, output
   * discarded: the long one grows ORT's memory arena to about a real batch's size, which a short
   * one alone does not (each later growth is again a slow first pass).
   */
  public void warmUp() {
    String sentence = "Guten Morgen, wir sehen die alte Stadt am Fluss. ";
    GenerationSettings greedy = generationDefaults().withNumBeams(1).withMaxNewTokens(WARM_UP_TOKENS);
    try (Session session = newSession()) {
      for (String text : new String[] {sentence, sentence.repeat(6)}) {
        long[] prompt = encode("Translate this from German to English:\nGerman: " + text.strip() + "\nEnglish:");
        for (int rows : new int[] {1, 8}) {
          Generator.generate(session, java.util.Collections.nCopies(rows, prompt), LoraBatch.none(manifest(), rows), greedy);
        }
      }
    }
  }

  private static final int WARM_UP_TOKENS = 16;

  /** A per-task session; close it when the task ends. */
  public Session newSession() {
    return new Session(model.newPredictor(new NoopTranslator()));
  }

  @Override
  public void close() {
    tokenizer.close();
    model.close();
  }

  @Override
  public String toString() {
    return "causal LM " + manifest().name() + " (" + modelPackage.dir() + ")";
  }

  /**
   * One task's handle on the model: runs forward passes. Not thread-safe. Keeps the LoRA inputs of
   * the last {@link LoraBatch} in the engine (a search passes the same batch on every step) and
   * returns each step's cache as engine tensors, so a step copies only ids, mask, positions and
   * the logits across JNI.
   */
  public final class Session implements StepModel, AutoCloseable {
    private final Predictor<NDList, NDList> predictor;
    private LoraBatch loraBatch;
    private NDManager loraManager;
    private NDList loraInputs;

    private Session(Predictor<NDList, NDList> predictor) {
      this.predictor = predictor;
    }

    @Override
    public KvCache emptyCache(int rows) {
      ModelManifest m = manifest();
      return KvCache.empty(model.getNDManager(), m.numLayers(), rows, m.numKvHeads(), m.headDim());
    }

    @Override
    public Step forward(long[][] ids, long[][] mask, long[][] positions, KvCache past, LoraBatch lora) {
      ModelManifest m = manifest();
      int rows = ids.length;
      int seq = ids[0].length;
      if (past.rows() != rows || lora.rows() != rows) {
        throw new IllegalArgumentException(
            "Batch of " + rows + " rows with a KV cache of " + past.rows() + " and a LoRA batch of " + lora.rows());
      }
      NDList adapters = loraInputs(lora);
      // Outputs attach to the manager of the first input: a per-step manager frees all but the
      // cache, which moves to its own manager.
      try (NDManager step = model.getNDManager().newSubManager()) {
        NDList in = new NDList();
        in.add(named(step.create(flatten(ids), new Shape(rows, seq)), m.inputIds()));
        in.add(named(step.create(flatten(mask), new Shape(rows, mask[0].length)), m.attentionMask()));
        in.add(named(step.create(flatten(positions), new Shape(rows, seq)), m.positionIds()));
        for (int layer = 0; layer < m.numLayers(); layer++) {
          in.add(named(past.key(layer), ModelManifest.name(m.pastKey(), layer)));
          in.add(named(past.value(layer), ModelManifest.name(m.pastValue(), layer)));
        }
        in.addAll(adapters);
        NDList out;
        try {
          out = predictor.predict(in);
        } catch (TranslateException e) {
          throw new IllegalStateException(
              "Cannot run " + CausalLm.this + " on a batch of " + rows + " x " + seq + " tokens (past "
                  + past.length() + ")", e);
        }
        float[] flatLogits = output(out, m.logits()).toFloatArray();
        int vocab = flatLogits.length / rows;
        float[][] logits = new float[rows][];
        for (int row = 0; row < rows; row++) {
          logits[row] = java.util.Arrays.copyOfRange(flatLogits, row * vocab, (row + 1) * vocab);
        }
        NDArray[] keys = new NDArray[m.numLayers()];
        NDArray[] values = new NDArray[m.numLayers()];
        for (int layer = 0; layer < m.numLayers(); layer++) {
          keys[layer] = output(out, ModelManifest.name(m.presentKey(), layer));
          values[layer] = output(out, ModelManifest.name(m.presentValue(), layer));
        }
        KvCache present =
            new KvCache(model.getNDManager().newSubManager(), rows, past.kvHeads(), past.length() + seq, past.headDim(),
                keys, values);
        return new Step(logits, present);
      }
    }

    /** The graph's LoRA inputs of a batch, built once per batch (the inputs never change). */
    private NDList loraInputs(LoraBatch lora) {
      if (lora == loraBatch) {
        return loraInputs;
      }
      closeLora();
      ModelManifest m = manifest();
      int rows = lora.rows();
      int r = lora.rank();
      NDManager manager = model.getNDManager().newSubManager();
      NDList inputs = new NDList();
      List<ModelManifest.LoraTarget> targets = m.targets();
      for (int layer = 0; layer < m.numLayers(); layer++) {
        for (int t = 0; t < targets.size(); t++) {
          ModelManifest.LoraTarget target = targets.get(t);
          inputs.add(named(manager.create(lora.inputA(layer, t), new Shape(rows, r, target.inFeatures())),
              ModelManifest.name(m.loraA(), layer, target.module())));
          inputs.add(named(manager.create(lora.inputB(layer, t), new Shape(rows, target.outFeatures(), r)),
              ModelManifest.name(m.loraB(), layer, target.module())));
        }
      }
      inputs.add(named(manager.create(lora.scales(), new Shape(rows)), m.loraScale()));
      loraBatch = lora;
      loraManager = manager;
      loraInputs = inputs;
      return inputs;
    }

    private void closeLora() {
      if (loraManager != null) {
        loraManager.close();
        loraManager = null;
        loraBatch = null;
        loraInputs = null;
      }
    }

    @Override
    public void close() {
      closeLora();
      predictor.close();
    }
  }

  private static NDArray named(NDArray array, String name) {
    array.setName(name);
    return array;
  }

  private NDArray output(NDList out, String name) {
    NDArray array = out.get(name);
    if (array == null) {
      throw new IllegalStateException(
          modelPackage.onnxPath() + ": graph has no output '" + name + "' named in " + ModelManifest.FILE);
    }
    return array;
  }

  private static long[] flatten(long[][] matrix) {
    int width = matrix[0].length;
    long[] flat = new long[matrix.length * width];
    for (int row = 0; row < matrix.length; row++) {
      System.arraycopy(matrix[row], 0, flat, row * width, width);
    }
    return flat;
  }
}

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
  /**
   * System property: a path prefix; when set, ONNX Runtime profiles every session and writes
   * {@code <prefix>-<model>-<pid>_<time>.json} when it closes (bench/gpu/run.sh reads it).
   */
  public static final String PROFILE_PROPERTY = "mtforge.ort.profile";

  private final ModelPackage modelPackage;
  private final Model model;
  private final boolean greedyLoop;
  private final HuggingFaceTokenizer tokenizer;

  private CausalLm(ModelPackage modelPackage, Model model, boolean greedyLoop, HuggingFaceTokenizer tokenizer) {
    this.modelPackage = modelPackage;
    this.model = model;
    this.greedyLoop = greedyLoop;
    this.tokenizer = tokenizer;
  }

  /**
   * Loads the package of a spec (a local folder) on the spec's device: its greedy loop graph when
   * the spec asks for it and the package has one this device runs (float32 anywhere, float16 on a
   * GPU: ONNX Runtime's GreedySearch has no CPU float16 kernel), else its step graph. One graph is
   * loaded, so the weights are in memory once.
   */
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
    String profile = System.getProperty(PROFILE_PROPERTY);
    if (profile != null) {
      // ONNX Runtime writes a chrome-trace JSON of every run (nodes, copies) when the session closes.
      options.put("profilerOutput", profile + "-" + pkg.manifest().name() + "-" + ProcessHandle.current().pid());
    }
    ModelManifest manifest = pkg.manifest();
    boolean loop = spec.greedyLoop() && manifest.greedySearchFile() != null
        && (manifest.dtype() == ModelDtype.FLOAT32 || !Device.Type.CPU.equals(device.getDeviceType()));
    String onnx = loop ? manifest.greedySearchFile() : manifest.onnxFile();
    try {
      model.load(pkg.dir(), onnx.endsWith(".onnx") ? onnx.substring(0, onnx.length() - 5) : onnx, options);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      boolean halfOnCpu = pkg.manifest().dtype() != ModelDtype.FLOAT32 && Device.Type.CPU.equals(device.getDeviceType())
          && missingKernel(e);
      throw new IllegalStateException("Cannot load ONNX model " + pkg.dir().resolve(onnx) + " on " + device
          + (halfOnCpu ? ": " + halfOnCpu(pkg.manifest().dtype()) : ""), e);
    }
    HuggingFaceTokenizer tokenizer;
    try {
      tokenizer = HfTokenizers.load(pkg.tokenizerPath());
    } catch (IOException e) {
      model.close();
      throw new UncheckedIOException("Cannot load tokenizer " + pkg.tokenizerPath(), e);
    }
    return new CausalLm(pkg, model, loop, tokenizer);
  }

  /** Whether this instance runs greedy search as one engine run (else it steps from Java). */
  public boolean greedyLoop() {
    return greedyLoop;
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
    return "causal LM " + manifest().name() + " (" + modelPackage.dir() + (greedyLoop ? ", greedy loop" : "") + ")";
  }

  /**
   * One task's handle on the model: runs forward passes of the step graph, or whole greedy searches
   * of the loop graph. Not thread-safe. Keeps in the engine what does not change between runs: the
   * LoRA factors of the batch's adapters (reused by the next batch with the same adapters), the
   * batch's mask and scales, and each step's cache (the beam reorder happens inside the graph). A
   * step sends ids, mask, positions and the chosen beams, and receives k log-probabilities and
   * token ids per row; a greedy loop run sends the prompts and receives the sequences:
   * {@link #transfer} counts those bytes.
   */
  public final class Session implements StepModel, AutoCloseable {
    private final Predictor<NDList, NDList> predictor;
    private final EngineTransfer transfer = new EngineTransfer();
    private final LoraInputs lora = new LoraInputs(manifest(), model.getNDManager(), transfer);

    private Session(Predictor<NDList, NDList> predictor) {
      this.predictor = predictor;
    }

    @Override
    public KvCache emptyCache(int rows) {
      ModelManifest m = manifest();
      return KvCache.empty(model.getNDManager(), m.numLayers(), rows, m.numKvHeads(), m.headDim(), m.dtype());
    }

    @Override
    public int vocabSize() {
      return manifest().vocabSize();
    }

    /** Bytes this session has sent to and received from the engine per kind (a benchmark reads it). */
    public EngineTransfer transfer() {
      return transfer;
    }

    @Override
    public boolean hasGreedyLoop() {
      return greedyLoop;
    }

    @Override
    public List<Generation> greedyLoop(List<long[]> prompts, LoraBatch batch, GenerationSettings settings) {
      if (!greedyLoop) {
        throw new IllegalStateException(CausalLm.this + " has loaded the step graph, not the greedy loop graph");
      }
      return GreedyLoop.run(predictor, model.getNDManager(), lora.of(batch), prompts, settings, transfer,
          CausalLm.this.toString());
    }

    @Override
    public Step forward(
        long[][] ids, long[][] mask, long[][] positions, KvCache past, int[] pastRows, LoraBatch batch, int topK) {
      ModelManifest m = manifest();
      if (greedyLoop) {
        throw new IllegalStateException(CausalLm.this + " has loaded the greedy loop graph, which runs greedy search"
            + " only; beam search needs the step graph (a spec without withGreedyLoop)");
      }
      int rows = ids.length;
      int seq = ids[0].length;
      if (batch.rows() != rows || (pastRows == null ? past.rows() != rows : pastRows.length != rows)) {
        throw new IllegalArgumentException(
            "Batch of " + rows + " rows with a KV cache of " + past.rows() + " rows, "
                + (pastRows == null ? "no" : pastRows.length) + " past rows and a LoRA batch of " + batch.rows());
      }
      if (topK < 1 || topK > m.vocabSize()) {
        throw new IllegalArgumentException("top k must be in 1.." + m.vocabSize() + ", got " + topK);
      }
      NDList adapters = lora.of(batch);
      // Outputs attach to the manager of the first input: a per-step manager frees all but the
      // cache, which moves to its own manager.
      try (NDManager step = model.getNDManager().newSubManager()) {
        NDList in = new NDList();
        in.add(named(step.create(flatten(ids), new Shape(rows, seq)), m.inputIds()));
        in.add(named(step.create(flatten(mask), new Shape(rows, mask[0].length)), m.attentionMask()));
        in.add(named(step.create(flatten(positions), new Shape(rows, seq)), m.positionIds()));
        long[] beams = new long[rows];
        for (int row = 0; row < rows; row++) {
          beams[row] = pastRows == null ? row : pastRows[row];
        }
        in.add(named(step.create(beams, new Shape(rows)), m.beamIdx()));
        in.add(named(step.create(new long[] {topK}, new Shape(1)), m.topK()));
        transfer.stepSent += Long.BYTES * ((long) rows * seq * 2 + (long) rows * mask[0].length + rows + 1);
        for (int layer = 0; layer < m.numLayers(); layer++) {
          in.add(named(past.key(layer), ModelManifest.name(m.pastKey(), layer)));
          in.add(named(past.value(layer), ModelManifest.name(m.pastValue(), layer)));
        }
        in.addAll(adapters);
        NDList out;
        try {
          out = predictor.predict(in);
        } catch (TranslateException | RuntimeException e) {
          throw new IllegalStateException(
              "Cannot run " + CausalLm.this + " on a batch of " + rows + " x " + seq + " tokens (past "
                  + past.length() + ")" + dtypeHint(e), e);
        }
        float[] flatScores = output(out, m.topLogprobs()).toFloatArray();
        long[] flatIds = output(out, m.topIds()).toLongArray();
        transfer.stepReceived += (long) flatScores.length * Float.BYTES + (long) flatIds.length * Long.BYTES;
        transfer.steps++;
        float[][] logprobs = new float[rows][];
        long[][] tokens = new long[rows][];
        for (int row = 0; row < rows; row++) {
          logprobs[row] = java.util.Arrays.copyOfRange(flatScores, row * topK, (row + 1) * topK);
          tokens[row] = java.util.Arrays.copyOfRange(flatIds, row * topK, (row + 1) * topK);
        }
        NDArray[] keys = new NDArray[m.numLayers()];
        NDArray[] values = new NDArray[m.numLayers()];
        for (int layer = 0; layer < m.numLayers(); layer++) {
          keys[layer] = output(out, ModelManifest.name(m.presentKey(), layer));
          values[layer] = output(out, ModelManifest.name(m.presentValue(), layer));
        }
        transfer.stepCache += 2L * m.numLayers() * rows * past.kvHeads() * (past.length() + seq) * past.headDim()
            * m.dtype().bytes();
        KvCache present =
            new KvCache(model.getNDManager().newSubManager(), rows, past.kvHeads(), past.length() + seq, past.headDim(),
                keys, values);
        return new Step(logprobs, tokens, present);
      }
    }

    @Override
    public void close() {
      lora.close();
      predictor.close();
    }
  }

  private String dtypeHint(Exception e) {
    return manifest().dtype() != ModelDtype.FLOAT32
            && Device.Type.CPU.equals(model.getNDManager().getDevice().getDeviceType()) && missingKernel(e)
        ? ": " + halfOnCpu(manifest().dtype())
        : "";
  }

  /** ONNX Runtime's error for an operator it has no kernel for, in this device and type. */
  private static boolean missingKernel(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (message.contains("NOT_IMPLEMENTED") || message.contains("Could not find an implementation")) {
        return true;
      }
    }
    return false;
  }

  /**
   * What to do about a half-precision package that ONNX Runtime's CPU provider cannot run (1.21
   * runs float16 packages, not bfloat16 ones).
   */
  static String halfOnCpu(ModelDtype dtype) {
    return "the package is " + dtype.label() + " and ONNX Runtime's CPU provider has no " + dtype.label()
        + " kernels for its graph; export it with deploy/export/export_hf_llama.py --dtype float32 for CPU"
        + " executors, or run it on a GPU (--device gpu:N, built with -Pgpu)";
  }

  private static NDArray named(NDArray array, String name) {
    return LoraInputs.named(array, name);
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

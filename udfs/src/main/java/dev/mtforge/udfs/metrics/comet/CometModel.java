package dev.mtforge.udfs.metrics.comet;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.udfs.inference.ModelSpec;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A COMET package loaded in ONNX Runtime: the value the per-JVM {@code ModelCache} holds for a
 * {@link #KIND} spec. Thread-safe (ORT sessions may run concurrently); each call runs one batch.
 *
 * <pre>{@code
 * try (CometModel model = CometModel.load(CometModel.spec(dir))) {
 *   float[][] emb = model.embed(List.of(model.tokenizer().encode("Hallo Welt.")));
 * }
 * }</pre>
 *
 * <p>Loading checks the graphs against the manifest (tensor names, element types, the hidden
 * width and number of mixed layers, and the facts the exporter wrote into each graph's metadata:
 * class, dtype, layer norm, pooling); a package whose manifest does not match its graphs is bad
 * input naming the file.
 */
public final class CometModel implements AutoCloseable {
  /** The {@link ModelSpec#kind()} of COMET packages. */
  public static final String KIND = "comet";
  private static final String META = "mtforge.comet.";

  private final CometPackage pkg;
  private final OrtEnvironment env;
  private final OrtSession encoder;
  private final OrtSession estimator;
  private final CometTokenizer tokenizer;
  private final float[] layerWeights;
  private final float gamma;

  private CometModel(CometPackage pkg, OrtEnvironment env, OrtSession encoder, OrtSession estimator,
      CometTokenizer tokenizer) {
    this.pkg = pkg;
    this.env = env;
    this.encoder = encoder;
    this.estimator = estimator;
    this.tokenizer = tokenizer;
    this.layerWeights = pkg.manifest().layerWeights();
    this.gamma = pkg.manifest().layerMix().gamma();
  }

  /** A COMET package on the CPU with ORT's default threads. */
  public static ModelSpec spec(String dir) {
    return new ModelSpec(KIND, dir, "cpu", 0, false);
  }

  /** Loads a local package on the spec's device; checks its graphs against its manifest. */
  public static CometModel load(ModelSpec spec) {
    CometPackage pkg = CometPackage.open(Path.of(spec.uri()));
    // DJL must set up ORT's environment before anyone else does (FEASIBILITY.md): the causal LM
    // may be loaded in this JVM later.
    ai.djl.engine.Engine.getEngine("OnnxRuntime");
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession enc = null;
    OrtSession est = null;
    CometTokenizer tok = null;
    try (OrtSession.SessionOptions options = options(spec)) {
      enc = session(env, pkg.encoderPath(), options, spec);
      est = session(env, pkg.estimatorPath(), options, spec);
      check(pkg, enc, est);
      tok = CometTokenizer.load(pkg);
      return new CometModel(pkg, env, enc, est, tok);
    } catch (OrtException e) {
      close(enc, est, tok);
      throw new IllegalStateException("Cannot set up ONNX Runtime for COMET package " + pkg.dir(), e);
    } catch (RuntimeException e) {
      close(enc, est, tok);
      throw e;
    }
  }

  /**
   * Loads a package and runs a few dummy batches (short and long texts): the first passes of a
   * fresh ORT session cost several times later ones, and a long one grows ORT's arena to about a
   * real batch's size once instead of during the first tasks.
   */
  public static CometModel loadWarm(ModelSpec spec) {
    CometModel model = load(spec);
    try {
      String sentence = "Die Astronomen entdeckten einen kleinen Mond, der einen fernen Planeten umkreist. ";
      for (String text : new String[] {sentence, sentence.repeat(6)}) {
        long[] ids = model.tokenizer().encode(text.strip());
        float[][] emb = model.embed(java.util.Collections.nCopies(8, ids));
        model.estimate(model.manifest().unified() ? List.<float[][]>of(emb) : List.of(emb, emb, emb));
      }
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    return model;
  }

  public CometManifest manifest() {
    return pkg.manifest();
  }

  public CometTokenizer tokenizer() {
    return tokenizer;
  }

  /**
   * Sentence embeddings of a batch of token sequences (padded here to the longest with
   * {@code <pad>}): one encoder run.
   */
  public float[][] embed(List<long[]> batch) {
    int rows = batch.size();
    int width = 0;
    for (long[] ids : batch) {
      width = Math.max(width, ids.length);
    }
    long pad = manifest().special().pad();
    long[] ids = new long[rows * width];
    long[] mask = new long[rows * width];
    Arrays.fill(ids, pad);
    for (int r = 0; r < rows; r++) {
      long[] seq = batch.get(r);
      System.arraycopy(seq, 0, ids, r * width, seq.length);
      Arrays.fill(mask, r * width, r * width + seq.length, 1L);
    }
    CometManifest.Encoder e = manifest().encoder();
    Map<String, OnnxTensor> in = new HashMap<>();
    try {
      long[] shape = {rows, width};
      in.put(e.inputIds(), OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
      in.put(e.attentionMask(), OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
      in.put(e.layerWeights(), OnnxTensor.createTensor(env, FloatBuffer.wrap(layerWeights), new long[] {layerWeights.length}));
      in.put(e.gamma(), OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {gamma}), new long[] {1}));
      try (OrtSession.Result out = encoder.run(in)) {
        return rows(floats(out, e.output()), rows, e.hiddenSize());
      }
    } catch (OrtException ex) {
      throw new IllegalStateException(
          "Cannot run " + pkg.encoderPath() + " on a batch of " + rows + " x " + width + " tokens", ex);
    } finally {
      in.values().forEach(OnnxTensor::close);
    }
  }

  /**
   * Scores from sentence embeddings: for the regression class {@code (mt, ref, src)}, for the
   * unified class the one embedding of each {@code <s> mt </s></s> src </s>}; rows aligned.
   */
  public float[] estimate(List<float[][]> embeddings) {
    CometManifest.Estimator e = manifest().estimator();
    if (embeddings.size() != e.inputs().size()) {
      throw new IllegalArgumentException(
          manifest().modelClass() + " takes " + e.inputs().size() + " embeddings per segment, got " + embeddings.size());
    }
    int rows = embeddings.get(0).length;
    int hidden = manifest().encoder().hiddenSize();
    Map<String, OnnxTensor> in = new HashMap<>();
    try {
      for (int k = 0; k < embeddings.size(); k++) {
        float[] flat = new float[rows * hidden];
        float[][] emb = embeddings.get(k);
        for (int r = 0; r < rows; r++) {
          System.arraycopy(emb[r], 0, flat, r * hidden, hidden);
        }
        in.put(e.inputs().get(k), OnnxTensor.createTensor(env, FloatBuffer.wrap(flat), new long[] {rows, hidden}));
      }
      try (OrtSession.Result out = estimator.run(in)) {
        return floats(out, e.output());
      }
    } catch (OrtException ex) {
      throw new IllegalStateException("Cannot run " + pkg.estimatorPath() + " on " + rows + " rows", ex);
    } finally {
      in.values().forEach(OnnxTensor::close);
    }
  }

  private static float[] floats(OrtSession.Result out, String name) throws OrtException {
    OnnxTensor t = (OnnxTensor) out.get(name).orElseThrow(() -> new IllegalStateException("No output " + name));
    FloatBuffer buffer = t.getFloatBuffer();
    float[] values = new float[buffer.remaining()];
    buffer.get(values);
    return values;
  }

  private static float[][] rows(float[] flat, int rows, int width) {
    float[][] out = new float[rows][];
    for (int r = 0; r < rows; r++) {
      out[r] = Arrays.copyOfRange(flat, r * width, (r + 1) * width);
    }
    return out;
  }

  @Override
  public void close() {
    close(encoder, estimator, tokenizer);
  }

  @Override
  public String toString() {
    return "COMET " + manifest().modelClass() + " " + manifest().name() + " (" + pkg.dir() + ")";
  }

  private static OrtSession.SessionOptions options(ModelSpec spec) throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
    if (spec.intraOpThreads() > 0) {
      options.setIntraOpNumThreads(spec.intraOpThreads());
      options.setInterOpNumThreads(1);
    }
    if (spec.device().startsWith("gpu:")) {
      options.addCUDA(Integer.parseInt(spec.device().substring(4)));
    }
    return options;
  }

  private static OrtSession session(OrtEnvironment env, Path file, OrtSession.SessionOptions options, ModelSpec spec)
      throws OrtException {
    try {
      return env.createSession(file.toString(), options);
    } catch (OrtException e) {
      throw new InvalidInputException("Cannot load ONNX graph " + file + " on " + spec.device() + ": " + e.getMessage(),
          file.toString(), e);
    }
  }

  /** The graphs' inputs, outputs and metadata against the manifest. */
  private static void check(CometPackage pkg, OrtSession enc, OrtSession est) throws OrtException {
    CometManifest m = pkg.manifest();
    CometManifest.Encoder e = m.encoder();
    String encFile = pkg.encoderPath().toString();
    Map<String, NodeInfo> encIn = enc.getInputInfo();
    expectInputs(encFile, encIn.keySet(), List.of(e.inputIds(), e.attentionMask(), e.layerWeights(), e.gamma()));
    expect(encFile, encIn.get(e.inputIds()), OnnxJavaType.INT64, new long[] {-1, -1});
    expect(encFile, encIn.get(e.attentionMask()), OnnxJavaType.INT64, new long[] {-1, -1});
    expect(encFile, encIn.get(e.layerWeights()), OnnxJavaType.FLOAT, new long[] {e.numLayers()});
    expect(encFile, encIn.get(e.gamma()), OnnxJavaType.FLOAT, new long[] {1});
    expect(encFile, output(encFile, enc, e.output()), OnnxJavaType.FLOAT, new long[] {-1, e.hiddenSize()});
    String estFile = pkg.estimatorPath().toString();
    expectInputs(estFile, est.getInputInfo().keySet(), m.estimator().inputs());
    for (String name : m.estimator().inputs()) {
      expect(estFile, est.getInputInfo().get(name), OnnxJavaType.FLOAT, new long[] {-1, e.hiddenSize()});
    }
    expect(estFile, output(estFile, est, m.estimator().output()), OnnxJavaType.FLOAT, new long[] {-1});
    Map<String, String> common =
        Map.of("class", quote(m.modelClass()), "dtype", quote(m.dtype()),
            "hidden_size", Integer.toString(e.hiddenSize()), "num_layers", Integer.toString(e.numLayers()));
    Map<String, String> encoderFacts = new HashMap<>(common);
    encoderFacts.put("layer_norm", Boolean.toString(m.layerMix().layerNorm()));
    encoderFacts.put("pool", quote(m.pool()));
    expectMetadata(encFile, enc, encoderFacts);
    expectMetadata(estFile, est, common);
    // the exporter stops the encoder after the last hidden state the mix weighs; the manifest's
    // mix must give the states it left out exactly 0
    String computed = enc.getMetadata().getCustomMetadata().get(META + "computed_layers");
    if (computed == null) {
      throw mismatch(encFile, "has no " + META + "computed_layers metadata (not written by deploy/export/export_comet.py)");
    }
    int layers = Integer.parseInt(computed);
    float[] weights = m.layerWeights();
    for (int i = layers + 1; i < weights.length; i++) {
      if (weights[i] != 0f) {
        throw mismatch(encFile, "computes " + layers + " encoder layers, but the mix in " + CometManifest.FILE
            + " gives hidden state " + i + " the weight " + weights[i]);
      }
    }
  }

  private static NodeInfo output(String file, OrtSession session, String name) throws OrtException {
    NodeInfo info = session.getOutputInfo().get(name);
    if (info == null) {
      throw mismatch(file, "has no output '" + name + "' (outputs: " + session.getOutputNames() + ")");
    }
    return info;
  }

  private static void expectInputs(String file, java.util.Set<String> actual, List<String> expected) {
    if (!actual.equals(new java.util.HashSet<>(expected))) {
      throw mismatch(file, "has inputs " + new java.util.TreeSet<>(actual) + ", but " + CometManifest.FILE
          + " names " + new java.util.TreeSet<>(expected));
    }
  }

  private static void expect(String file, NodeInfo info, OnnxJavaType type, long[] shape) {
    if (!(info.getInfo() instanceof TensorInfo t)) {
      throw mismatch(file, "'" + info.getName() + "' is not a tensor");
    }
    long[] actual = t.getShape();
    boolean ok = t.type == type && actual.length == shape.length;
    for (int i = 0; ok && i < shape.length; i++) {
      ok = shape[i] < 0 || actual[i] == shape[i];
    }
    if (!ok) {
      throw mismatch(file, "'" + info.getName() + "' is " + t.type + " " + Arrays.toString(actual) + ", but "
          + CometManifest.FILE + " implies " + type + " " + Arrays.toString(shape).replace("-1", "?"));
    }
  }

  private static void expectMetadata(String file, OrtSession session, Map<String, String> facts) throws OrtException {
    Map<String, String> meta = session.getMetadata().getCustomMetadata();
    for (Map.Entry<String, String> f : new java.util.TreeMap<>(facts).entrySet()) {
      String actual = meta.get(META + f.getKey());
      if (actual == null) {
        throw mismatch(file, "has no " + META + f.getKey() + " metadata (not written by deploy/export/export_comet.py)");
      }
      if (!actual.equals(f.getValue())) {
        throw mismatch(file, "was exported with " + f.getKey() + " " + actual + ", but " + CometManifest.FILE
            + " says " + f.getValue());
      }
    }
  }

  private static InvalidInputException mismatch(String file, String why) {
    return new InvalidInputException("COMET graph " + file + " " + why, file, null);
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }

  private static void close(AutoCloseable... resources) {
    for (AutoCloseable r : resources) {
      if (r != null) {
        try {
          r.close();
        } catch (Exception e) {
          // closing native handles; nothing left to do
        }
      }
    }
  }
}

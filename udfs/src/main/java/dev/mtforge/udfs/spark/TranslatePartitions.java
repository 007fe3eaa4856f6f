package dev.mtforge.udfs.spark;

import dev.mtforge.udfs.inference.BatchTranslator;
import dev.mtforge.udfs.inference.CausalLm;
import dev.mtforge.schemas.languages.Language;
import dev.mtforge.udfs.inference.AdapterCache;
import dev.mtforge.udfs.inference.GenerationSettings;
import dev.mtforge.udfs.inference.ModelCache;
import dev.mtforge.udfs.inference.ModelSpec;
import dev.mtforge.udfs.inference.PeftLoraLoader;
import dev.mtforge.udfs.inference.PromptFormat;
import dev.mtforge.udfs.langid.LanguageCheck;
import dev.mtforge.udfs.langid.LanguageIdentifier;
import dev.mtforge.udfs.tensor.safetensors.HadoopTensorFiles;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * Translates a partition of test segments: the model comes from the JVM's {@link ModelCache}
 * (loaded once per executor), each task opens one session and closes it when the task ends, and
 * segments are translated in windows of {@link Settings#windowSize()} rows, sorted by length and
 * cut into batches inside each window.
 *
 * <p>Input columns: {@link #INPUT_COLUMNS}. Output: {@link #OUTPUT_SCHEMA}, the {@code translations}
 * contract without its lineage columns.
 */
public final class TranslatePartitions implements MapPartitionsFunction<Row, Row> {
  /** Columns the input rows must have, in this order. */
  public static final List<String> INPUT_COLUMNS =
      List.of("dataset", "split", "src_lang", "tgt_lang", "direction", "doc_id", "seg_id", "src_text",
          "adapter_id", "adapter_path", "group_id");

  /** The rows this function returns. */
  public static final StructType OUTPUT_SCHEMA =
      new StructType()
          .add("system_id", DataTypes.StringType)
          .add("dataset", DataTypes.StringType)
          .add("split", DataTypes.StringType)
          .add("src_lang", DataTypes.StringType)
          .add("tgt_lang", DataTypes.StringType)
          .add("direction", DataTypes.StringType)
          .add("doc_id", DataTypes.StringType)
          .add("seg_id", DataTypes.IntegerType)
          .add("source_text", DataTypes.StringType)
          .add("hypothesis", DataTypes.StringType)
          .add("raw_output", DataTypes.StringType)
          .add("strategy", DataTypes.StringType)
          .add("adapter_id", DataTypes.StringType)
          .add("group_id", DataTypes.IntegerType)
          .add("model", DataTypes.StringType)
          .add("decoding", DataTypes.StringType)
          .add("prompt_tokens", DataTypes.IntegerType)
          .add("output_tokens", DataTypes.IntegerType)
          .add("latency_ms", DataTypes.DoubleType)
          .add("detected_lang", DataTypes.StringType)
          .add("off_target", DataTypes.BooleanType);

  private final Settings settings;
  private final LongAccumulator paddedPromptTokens;
  private final LongAccumulator decodeCpuNanos;
  private SerializableHadoopConf hadoopConf;

  /**
   * @param settings what to run (serialized to tasks)
   * @param paddedPromptTokens receives prompt positions fed including padding (for padding waste)
   * @param decodeCpuNanos receives the task threads' CPU time spent translating (with one ORT
   *     thread per task, the forward passes run on the task thread): per-core throughput that a
   *     machine shared with other work does not distort; null to skip
   */
  public TranslatePartitions(Settings settings, LongAccumulator paddedPromptTokens, LongAccumulator decodeCpuNanos) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.paddedPromptTokens = paddedPromptTokens;
    this.decodeCpuNanos = decodeCpuNanos;
  }

  /**
   * The Hadoop configuration for a model package or adapters on {@code s3a://} (or any Hadoop file
   * system): the package is copied once per executor ({@link ModelPackageCopies}), adapters are
   * read in place with {@link HadoopTensorFiles}.
   */
  public TranslatePartitions withHadoopConf(SerializableHadoopConf conf) {
    this.hadoopConf = conf;
    return this;
  }

  /**
   * Everything a task needs, small and serializable.
   *
   * @param model the model package (device {@code cpu}: a task's GPU resource overrides it)
   * @param generation decoding settings
   * @param format prompt format
   * @param batchSize segments per forward batch
   * @param windowSize rows read ahead and sorted by length before batching
   * @param systemId value of the {@code system_id} column
   * @param strategy routing name for the {@code strategy} column
   * @param languages the run's languages: prompt names, and the set language identification
   *     chooses among (lingua, script check for what lingua lacks)
   * @param shots few-shot examples per segment (0: zero-shot)
   * @param shotPool per direction ({@code de-en}), candidate examples in a fixed order: a segment
   *     gets the first {@code shots} whose source is not its own
   */
  public record Settings(
      ModelSpec model,
      GenerationSettings generation,
      PromptFormat format,
      int batchSize,
      int windowSize,
      String systemId,
      String strategy,
      List<Language> languages,
      int shots,
      Map<String, List<PromptFormat.Shot>> shotPool)
      implements Serializable {

    public Settings {
      languages = List.copyOf(languages);
      shotPool = Map.copyOf(shotPool);
    }

    /** Zero-shot settings. */
    public Settings(ModelSpec model, GenerationSettings generation, PromptFormat format, int batchSize, int windowSize,
        String systemId, String strategy, List<Language> languages) {
      this(model, generation, format, batchSize, windowSize, systemId, strategy, languages, 0, Map.of());
    }

    /** The examples for a segment: never the segment itself, fewer only if the pool is short. */
    List<PromptFormat.Shot> shotsFor(String direction, String source) {
      if (shots == 0) {
        return List.of();
      }
      List<PromptFormat.Shot> out = new ArrayList<>(shots);
      for (PromptFormat.Shot shot : shotPool.getOrDefault(direction, List.of())) {
        if (out.size() == shots) {
          break;
        }
        if (!shot.source().equals(source)) {
          out.add(shot);
        }
      }
      if (out.size() < shots) {
        throw new IllegalStateException(
            "Only " + out.size() + " few-shot examples for " + direction + " segment '" + source + "'; expected " + shots);
      }
      return out;
    }
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    if (!rows.hasNext()) {
      return rows;
    }
    ModelSpec remote = settings.model();
    String local = ModelPackageCopies.localize(remote.uri(), hadoopConf(remote.uri()), ModelPackageCopies.defaultRoot()).toString();
    // Greedy runs load the package's whole-loop graph when it has one (the cache stays in the engine).
    ModelSpec spec = remote.withUri(local).withDevice(taskDevice(remote.device()))
        .withGreedyLoop(settings.generation().numBeams() == 1);
    ModelCache.Lease<CausalLm> lease = ModelCache.shared().acquire(spec, CausalLm::loadWarm);
    CausalLm lm = lease.get();
    // Lingua loads its models on the first detection (once per JVM); done before any batch, not
    // while the other tasks decode.
    LanguageIdentifier.shared(settings.languages()).detect("warm up the language models");
    CausalLm.Session session = lm.newSession();
    Runnable release = () -> {
      session.close();
      lease.close();
    };
    return WindowedRows.of(rows, (in, out) -> translateWindow(lm, session, in, out), release);
  }

  private void translateWindow(CausalLm lm, CausalLm.Session session, Iterator<Row> rows, List<Row> out) {
    List<Row> window = new ArrayList<>();
    while (rows.hasNext() && window.size() < settings.windowSize()) {
      window.add(rows.next());
    }
    List<BatchTranslator.Input> inputs = new ArrayList<>(window.size());
    Map<String, String> paths = new HashMap<>();
    for (Row row : window) {
      String adapterId = row.isNullAt(8) ? null : row.getString(8);
      if (adapterId != null) {
        paths.put(adapterId, row.getString(9));
      }
      String direction = row.getString(2) + "-" + row.getString(3);
      inputs.add(new BatchTranslator.Input(name(row.getString(2)), name(row.getString(3)), row.getString(7), adapterId,
          settings.shotsFor(direction, row.getString(7))));
    }
    BatchTranslator translator =
        new BatchTranslator(lm, session, settings.format(), settings.generation(), settings.batchSize(),
            id -> AdapterCache.shared().get(lm.manifest().name() + "|" + paths.get(id),
                () -> PeftLoraLoader.load(lm.manifest(), tensorFiles(paths.get(id)), id, paths.get(id))));
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu0 = threads.getCurrentThreadCpuTime();
    List<BatchTranslator.Output> outputs = translator.translate(inputs);
    if (decodeCpuNanos != null && cpu0 >= 0) {
      decodeCpuNanos.add(threads.getCurrentThreadCpuTime() - cpu0);
    }
    if (paddedPromptTokens != null) {
      paddedPromptTokens.add(translator.paddedPromptTokens());
    }
    LanguageIdentifier identifier = LanguageIdentifier.shared(settings.languages());
    for (int i = 0; i < window.size(); i++) {
      Row in = window.get(i);
      BatchTranslator.Output o = outputs.get(i);
      String hyp = o.hypothesis();
      // No verdict on an output without letters: empty is a failure, not another language.
      boolean letters = hyp.codePoints().anyMatch(Character::isLetter);
      LanguageIdentifier.Identification id = letters ? identifier.identify(hyp, in.getString(3)) : null;
      LanguageCheck check = id == null ? null : id.check();
      String detected = id == null ? null : id.detected().orElse(null);
      out.add(
          RowFactory.create(
              settings.systemId(), in.getString(0), in.getString(1), in.getString(2), in.getString(3),
              in.getString(4), in.isNullAt(5) ? null : in.getString(5), in.getInt(6), in.getString(7),
              o.hypothesis(), o.rawOutput(), settings.strategy(), in.isNullAt(8) ? null : in.getString(8),
              in.isNullAt(10) ? null : in.getInt(10), lm.manifest().name(), settings.generation().describe()
                  + settings.format().tag() + (settings.shots() > 0 ? ":" + settings.shots() + "shot" : ""),
              o.promptTokens(), o.outputTokens(), o.latencyMs(), detected,
              check == null ? null : !check.ok()));
    }
  }

  private org.apache.hadoop.conf.Configuration hadoopConf(String uri) {
    if (hadoopConf == null) {
      if (ModelPackageCopies.isRemote(uri)) {
        throw new IllegalStateException("No Hadoop configuration to read " + uri + " (TranslatePartitions.withHadoopConf)");
      }
      return null;
    }
    return hadoopConf.get();
  }

  private TensorFiles tensorFiles(String adapterDir) {
    return ModelPackageCopies.isRemote(adapterDir) ? new HadoopTensorFiles(hadoopConf(adapterDir)) : TensorFiles.local();
  }

  private String name(String code) {
    for (Language language : settings.languages()) {
      if (language.code().equals(code)) {
        return language.name();
      }
    }
    throw new IllegalArgumentException("Language '" + code + "' is not among the run's languages");
  }

  /** {@code gpu:N} from the task's first GPU resource (Spark scheduling), else the spec's device. */
  static String taskDevice(String fallback) {
    TaskContext task = TaskContext.get();
    if (task == null) {
      return fallback;
    }
    scala.Option<ResourceInformation> gpu = task.resources().get("gpu");
    if (gpu.isDefined() && gpu.get().addresses().length > 0) {
      return "gpu:" + gpu.get().addresses()[0];
    }
    return fallback;
  }
}

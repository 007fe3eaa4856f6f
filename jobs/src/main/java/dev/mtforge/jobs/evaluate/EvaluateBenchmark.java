package dev.mtforge.jobs.evaluate;

import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.schemas.tables.Lineage;
import dev.mtforge.schemas.tables.TableContract;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.udfs.metrics.MetricSpec;
import dev.mtforge.udfs.metrics.TextFiles;
import dev.mtforge.udfs.spark.SegmentScorer;
import dev.mtforge.udfs.spark.SparkProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Benchmark of {@code evaluate} throughput on Spark (not a test): one system's output and its
 * references (one segment per line) go into {@code translations} and {@code parallel_sentences}
 * of a fresh warehouse, then, per metric and round, {@link EvaluateTranslationsJob} runs on
 * {@code local[cores]} (no confidence intervals, one partition per core), and so does the bare
 * scoring step ({@link SegmentScorer} over the joined rows, cached). Round 1 pays the JIT and the
 * first Delta writes; the summary takes the median of the later rounds. Prints segments per
 * second of wall time per core, and per CPU second of the tasks (Spark's executor CPU time: the
 * fair per-core figure on a machine shared with other work).
 *
 * <pre>{@code java <spark flags> -cp <classpath> dev.mtforge.jobs.evaluate.EvaluateBenchmark \
 *     hyp.en ref.en 2 3 bleu,chrf,ter}</pre>
 *
 * Arguments: hypotheses, references, cores, rounds (default 3), metrics (default bleu,chrf,ter).
 */
public final class EvaluateBenchmark {
  private EvaluateBenchmark() {}

  /** Sums the CPU time of finished tasks. */
  private static final class TaskCpu extends SparkListener {
    final AtomicLong cpuNanos = new AtomicLong();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (end.taskMetrics() != null) {
        cpuNanos.addAndGet(end.taskMetrics().executorCpuTime());
      }
    }
  }

  private record Figure(double wall, double cpu) {}

  public static void main(String[] args) throws Exception {
    List<String> hyps = TextFiles.readLines(Path.of(args[0]));
    List<String> refs = TextFiles.readLines(Path.of(args[1]));
    if (hyps.size() != refs.size()) {
      throw new IllegalArgumentException(args[0] + " has " + hyps.size() + " lines, " + args[1] + " " + refs.size());
    }
    int cores = Integer.parseInt(args[2]);
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    String[] metrics = (args.length > 4 ? args[4] : "bleu,chrf,ter").split(",");

    Path root = Files.createTempDirectory("mtforge-evaluate-bench");
    SparkSession.Builder builder = SparkSession.builder().master("local[" + cores + "]").appName("evaluate-bench");
    SparkProfile.load(SparkProfile.LOCAL, Path.of("conf")).settings().forEach(builder::config);
    builder.config("spark.sql.shuffle.partitions", Integer.toString(cores));
    builder.config("spark.ui.enabled", "false");
    SparkSession spark = builder.getOrCreate();
    TaskCpu taskCpu = new TaskCpu();
    spark.sparkContext().addSparkListener(taskCpu);
    Warehouse warehouse = Warehouse.open(spark, root.resolve("warehouse").toString(), null);

    List<Row> parallel = new ArrayList<>();
    List<Row> translations = new ArrayList<>();
    for (int i = 0; i < hyps.size(); i++) {
      parallel.add(RowFactory.create("wmt22", "test", null, i + 1, "de", "en", "", refs.get(i), null, "xx-en", "h" + i));
      translations.add(RowFactory.create("bench", "wmt22", "test", "de", "en", "xx-en", null, i + 1, "", hyps.get(i)));
    }
    append(warehouse, Tables.PARALLEL_SENTENCES, spark.createDataFrame(parallel, new StructType()
        .add("dataset", DataTypes.StringType).add("split", DataTypes.StringType)
        .add("doc_id", DataTypes.StringType).add("seg_id", DataTypes.IntegerType)
        .add("src_lang", DataTypes.StringType).add("tgt_lang", DataTypes.StringType)
        .add("src_text", DataTypes.StringType).add("tgt_text", DataTypes.StringType)
        .add("extra_refs", DataTypes.createArrayType(DataTypes.StringType))
        .add("direction", DataTypes.StringType).add("pair_hash", DataTypes.StringType)));
    append(warehouse, Tables.TRANSLATIONS, spark.createDataFrame(translations, new StructType()
        .add("system_id", DataTypes.StringType).add("dataset", DataTypes.StringType)
        .add("split", DataTypes.StringType).add("src_lang", DataTypes.StringType)
        .add("tgt_lang", DataTypes.StringType).add("direction", DataTypes.StringType)
        .add("doc_id", DataTypes.StringType).add("seg_id", DataTypes.IntegerType)
        .add("source_text", DataTypes.StringType).add("hypothesis", DataTypes.StringType)));
    // the scoring step's input, as the job builds it (join on the keys), cached before timing
    Dataset<Row> input = warehouse.read(Tables.TRANSLATIONS).as("t")
        .join(warehouse.read(Tables.PARALLEL_SENTENCES).as("p"), "seg_id")
        .select(functions.col("t.system_id"), functions.col("t.dataset"), functions.col("t.split"),
            functions.col("t.src_lang"), functions.col("t.tgt_lang"), functions.col("t.doc_id"),
            functions.col("seg_id"), functions.col("t.hypothesis"), functions.col("p.tgt_text"),
            functions.col("p.extra_refs"))
        .repartition(cores)
        .persist(StorageLevel.MEMORY_ONLY());
    input.count();
    System.out.printf(Locale.ROOT, "%d segments, local[%d], %d rounds; first round warms up%n", hyps.size(), cores, rounds);

    LanguageRegistry registry = LanguageRegistry.defaults();
    for (String metric : metrics) {
      List<Figure> jobs = new ArrayList<>();
      List<Figure> scoring = new ArrayList<>();
      for (int r = 1; r <= rounds; r++) {
        Figure job = measure(spark, taskCpu, () ->
            new EvaluateTranslationsJob(warehouse, registry, RunContext.start("bench"))
                .option(EvaluateTranslationsJob.METRICS, metric)
                .option(EvaluateTranslationsJob.CONFIDENCE, "false")
                .option(EvaluateTranslationsJob.PARTITIONS, Integer.toString(cores))
                .execute());
        List<MetricSpec> specs = List.of(new MetricSpec(metric, MetricSpec.AUTO, false, null));
        Figure score = measure(spark, taskCpu, () ->
            input.mapPartitions(new SegmentScorer(specs), Encoders.row(SegmentScorer.OUTPUT)).count());
        System.out.printf(Locale.ROOT, "%-5s round %d: job %s; scoring step %s%n", metric, r,
            describe(job, hyps.size(), cores), describe(score, hyps.size(), cores));
        if (r > 1 || rounds == 1) {
          jobs.add(job);
          scoring.add(score);
        }
      }
      System.out.printf(Locale.ROOT, "%-5s median of rounds %s: job %s; scoring step %s%n", metric,
          rounds == 1 ? "1" : "2-" + rounds, describe(median(jobs), hyps.size(), cores),
          describe(median(scoring), hyps.size(), cores));
    }
    spark.stop();
  }

  private static Figure measure(SparkSession spark, TaskCpu taskCpu, Runnable work) throws InterruptedException {
    long cpuBefore = taskCpu.cpuNanos.get();
    long start = System.nanoTime();
    work.run();
    double wall = (System.nanoTime() - start) / 1e9;
    Thread.sleep(500); // task-end events reach the listener asynchronously
    return new Figure(wall, (taskCpu.cpuNanos.get() - cpuBefore) / 1e9);
  }

  private static String describe(Figure f, int segments, int cores) {
    return String.format(Locale.ROOT, "%.2f s wall, %.2f task CPU s = %.0f segments/s per core, %.0f segments/CPU s",
        f.wall(), f.cpu(), segments / (f.wall() * cores), segments / f.cpu());
  }

  private static Figure median(List<Figure> figures) {
    List<Double> wall = figures.stream().map(Figure::wall).sorted().toList();
    List<Double> cpu = figures.stream().map(Figure::cpu).sorted().toList();
    return new Figure(wall.get(wall.size() / 2), cpu.get(cpu.size() / 2));
  }

  /** A plain append (a MERGE costs seconds), conformed to the contract, other columns null. */
  private static void append(Warehouse warehouse, TableContract contract, Dataset<Row> rows) {
    List<String> given = List.of(rows.columns());
    for (var field : contract.schema().fields()) {
      if (!given.contains(field.name()) && !Lineage.SCHEMA.getFieldIndex(field.name()).isDefined()) {
        rows = rows.withColumn(field.name(), functions.lit(null).cast(field.dataType()));
      }
    }
    warehouse.ensure(contract);
    Warehouse.conform(contract, RunContext.start("bench").stamp(rows, "bench"))
        .write().format("delta").mode("append").save(warehouse.tablePath(contract.name()));
  }
}

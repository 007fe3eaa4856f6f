package dev.mtforge.jobs.translate;

import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.udfs.inference.BatchTranslator;
import dev.mtforge.udfs.inference.CausalLm;
import dev.mtforge.udfs.inference.GenerationSettings;
import dev.mtforge.udfs.inference.ModelCache;
import dev.mtforge.udfs.inference.ModelSpec;
import dev.mtforge.udfs.inference.PromptFormat;
import dev.mtforge.udfs.spark.SparkProfile;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Benchmark of translation throughput on a model package (not a test): a bare greedy loop (one
 * thread per core, each with its own session and its share of the segments sorted by length) and
 * the {@link TranslateTestSetJob} on {@code local[cores]} (one ORT thread per task), in
 * alternating rounds on the same synthetic segments and the same model (loaded once through the
 * {@link ModelCache}, warmed by {@link CausalLm#loadWarm}), then the loop one segment at a time.
 * The first round shows a fresh JVM; the summary compares the medians of the later rounds. Prints output tokens per second of
 * decoding time per core and per CPU second of the decoding threads (the fair per-core figure on
 * a machine shared with other work), and the padding waste.
 *
 * <pre>{@code java <spark flags> -cp <classpath> dev.mtforge.jobs.translate.TranslateBenchmark \
 *     sample-data/models/tiny-llama 768 32 8 2 5}</pre>
 *
 * Arguments: package, segments, max new tokens, batch size, cores, rounds (default 5).
 */
public final class TranslateBenchmark {
  private static final String[] WORDS =
      ("the a house small big river city green old new we see go to in on with and of is was Haus klein"
          + " gross Fluss Stadt alt neu wir sehen gehen maison petite grande ville vieux nous voir").split(" ");

  private TranslateBenchmark() {}

  /** Figures of one run: tokens, summed decoding wall time of the threads, their CPU time. */
  private record Run(long tokens, double decodeSeconds, double cpuSeconds, double paddingWaste) {
    double perCore() {
      return tokens / decodeSeconds;
    }

    double perCpuSecond() {
      return tokens / cpuSeconds;
    }

    String describe() {
      return String.format("%d output tokens; decode time %.2f s = %.1f tokens/s per core; %.2f CPU s = %.1f tokens/CPU s;"
              + " padding waste %.1f%%", tokens, decodeSeconds, perCore(), cpuSeconds, perCpuSecond(),
          100 * paddingWaste);
    }
  }

  public static void main(String[] args) throws Exception {
    Path pkg = Path.of(args[0]).toAbsolutePath();
    int segments = Integer.parseInt(args[1]);
    int maxNew = Integer.parseInt(args[2]);
    int batch = Integer.parseInt(args[3]);
    int cores = Integer.parseInt(args[4]);
    int rounds = args.length > 5 ? Integer.parseInt(args[5]) : 5;
    Random random = new Random(42);
    String[][] pairs = {{"de", "en", "German", "English"}, {"en", "de", "English", "German"}, {"fr", "en", "French", "English"}};
    List<String[]> segs = new ArrayList<>();
    for (int i = 0; i < segments; i++) {
      StringBuilder text = new StringBuilder();
      int words = 2 + random.nextInt(12);
      for (int w = 0; w < words; w++) {
        text.append(w == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
      }
      String[] p = pairs[i % pairs.length];
      segs.add(new String[] {p[0], p[1], p[2], p[3], text + "."});
    }
    List<BatchTranslator.Input> inputs = new ArrayList<>();
    for (String[] s : segs) {
      inputs.add(new BatchTranslator.Input(s[2], s[3], s[4], null));
    }

    Path root = Files.createTempDirectory("mtforge-translate-bench");
    SparkSession.Builder builder = SparkSession.builder().master("local[" + cores + "]").appName("translate-bench");
    SparkProfile.load(SparkProfile.LOCAL, Path.of("conf")).settings().forEach(builder::config);
    builder.config("spark.sql.shuffle.partitions", Integer.toString(cores));
    builder.config("spark.ui.enabled", "false");
    SparkSession spark = builder.getOrCreate();
    Warehouse warehouse = Warehouse.open(spark, root.resolve("warehouse").toString(), null);
    // The contract's columns without the lineage ones, which RunContext.stamp adds.
    StructType schema = new StructType();
    for (org.apache.spark.sql.types.StructField f : Tables.PARALLEL_SENTENCES.schema().fields()) {
      if (!dev.mtforge.schemas.tables.Lineage.SCHEMA.getFieldIndex(f.name()).isDefined()) {
        schema = schema.add(f);
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < segs.size(); i++) {
      String[] s = segs.get(i);
      rows.add(RowFactory.create("bench", "devtest", null, i + 1, s[0], s[1], s[4], s[4], null,
          s[1].equals("en") ? "xx-en" : "en-xx", null, null, "h" + i, null, null));
    }
    RunContext run = RunContext.start("bench");
    warehouse.insertNew(Tables.PARALLEL_SENTENCES, run.stamp(spark.createDataFrame(rows, schema), "bench"));
    // The spec the job's tasks build, so the job reuses this model from the JVM's cache. Rounds
    // alternate (loop, then job) so that both see the same JIT and session warmth.
    ModelSpec spec = ModelSpec.of(pkg.toString()).withDevice("cpu").withThreads(1).withGreedyLoop(true);
    List<Run> bare = new ArrayList<>();
    List<Run> job = new ArrayList<>();
    List<Run> jobWall = new ArrayList<>(); // decode time replaced by the job's wall time x cores
    try (ModelCache.Lease<CausalLm> lease = ModelCache.shared().acquire(spec, CausalLm::loadWarm)) {
      CausalLm lm = lease.get();
      GenerationSettings greedy = lm.generationDefaults().withNumBeams(1).withMaxNewTokens(maxNew);
      for (int round = 1; round <= rounds; round++) {
        bare.add(bareLoop(lm, greedy, inputs, batch, cores));
        System.out.printf("bare loop, %d threads, batch %d, round %d: %s%n", cores, batch, round, bare.get(round - 1).describe());
        long gc0 = gcMillis();
        TranslateTestSetJob.Result r =
            new TranslateTestSetJob(warehouse, LanguageRegistry.load(Path.of("conf")), run)
                .option(TranslateTestSetJob.MODEL, pkg.toString())
                .option(TranslateTestSetJob.TEST_SET, "bench:devtest")
                .option(TranslateTestSetJob.SYSTEM_ID, "bench-" + round)
                .option(TranslateTestSetJob.NUM_BEAMS, "1")
                .option(TranslateTestSetJob.MAX_NEW_TOKENS, Integer.toString(maxNew))
                .option(TranslateTestSetJob.BATCH_SIZE, Integer.toString(batch))
                .option(TranslateTestSetJob.THREADS, "1")
                .option(TranslateTestSetJob.PARTITIONS, Integer.toString(cores))
                .execute();
        job.add(new Run(r.outputTokens(), r.decodeSeconds(), r.decodeCpuSeconds(), r.paddingWaste()));
        jobWall.add(new Run(r.outputTokens(), r.seconds() * cores, r.decodeCpuSeconds(), r.paddingWaste()));
        // Stop-the-world pauses stall the tasks' wall time but not their CPU time.
        System.out.printf("job, local[%d], batch %d, round %d: %s; %.2f s wall with Spark and the Delta commit; GC %.2f s%n",
            cores, batch, round, job.get(round - 1).describe(), r.seconds(), (gcMillis() - gc0) / 1e3);
      }
      System.out.printf("bare loop, 1 thread, batch 1: %s%n", bareLoop(lm, greedy, inputs, 1, 1).describe());
    }
    // Round 1 pays the JIT and the first passes of the session; one round's figure moves by 20 %
    // between runs, so the medians of the later rounds are compared.
    System.out.printf("rounds 2-%d, median job / median bare loop: %.0f%% per core of decode time, %.0f%% per CPU second%n",
        rounds, 100 * median(job, Run::perCore) / median(bare, Run::perCore),
        100 * median(job, Run::perCpuSecond) / median(bare, Run::perCpuSecond));
    System.out.printf("rounds 2-%d, end to end (job wall time with Spark, language identification and the Delta commit):"
        + " %.0f%% of the bare loop per core%n", rounds, 100 * median(jobWall, Run::perCore) / median(bare, Run::perCore));
    spark.stop();
  }

  /** {@code threads} threads at once, each with its own session and every {@code threads}-th input. */
  private static Run bareLoop(CausalLm lm, GenerationSettings greedy, List<BatchTranslator.Input> inputs, int batch,
      int threads) throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<double[]>> parts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        List<BatchTranslator.Input> share = new ArrayList<>();
        for (int i = t; i < inputs.size(); i += threads) {
          share.add(inputs.get(i));
        }
        parts.add(pool.submit(() -> {
          try (CausalLm.Session session = lm.newSession()) {
            BatchTranslator translator = new BatchTranslator(lm, session, PromptFormat.ALMA, greedy, batch, id -> null);
            long t0 = System.nanoTime();
            long cpu0 = mx.getCurrentThreadCpuTime();
            translator.translate(share);
            return new double[] {translator.generatedTokens(), (System.nanoTime() - t0) / 1e9,
                (mx.getCurrentThreadCpuTime() - cpu0) / 1e9, translator.promptTokens(), translator.paddedPromptTokens()};
          }
        }));
      }
      double[] sum = new double[5];
      for (Future<double[]> part : parts) {
        double[] p = part.get();
        for (int i = 0; i < sum.length; i++) {
          sum[i] += p[i];
        }
      }
      return new Run((long) sum[0], sum[1], sum[2], 1 - sum[3] / sum[4]);
    } finally {
      pool.shutdown();
    }
  }

  /** Median of a figure over the rounds after the first (all rounds when there is one). */
  private static double median(List<Run> runs, java.util.function.ToDoubleFunction<Run> figure) {
    double[] values = runs.subList(runs.size() > 1 ? 1 : 0, runs.size()).stream().mapToDouble(figure).sorted().toArray();
    int n = values.length;
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  }

  private static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(g -> Math.max(0, g.getCollectionTime())).sum();
  }
}

package dev.mtforge.jobs.translate;

import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.udfs.inference.BatchTranslator;
import dev.mtforge.udfs.inference.CausalLm;
import dev.mtforge.udfs.inference.GenerationSettings;
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
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Benchmark of translation throughput on a model package (not a test): a bare single-thread
 * greedy loop with length-sorted batches on a just-loaded session, the same loop one segment at
 * a time, the batched loop twice more (by then the session has seen every shape), and the
 * {@link TranslateTestSetJob} on {@code local[cores]} (one ORT thread per task), all on the same
 * synthetic segments and warm sessions ({@link CausalLm#loadWarm}). Prints output tokens per
 * second of wall time and per CPU second of the decoding threads (the fair per-core figure on a
 * machine shared with other work), and the padding waste.
 *
 * <pre>{@code java <spark flags> -cp <classpath> dev.mtforge.jobs.translate.TranslateBenchmark \
 *     sample-data/models/tiny-llama 96 32 8 2}</pre>
 *
 * Arguments: package, segments, max new tokens, batch size, cores.
 */
public final class TranslateBenchmark {
  private static final String[] WORDS =
      ("the a house small big river city green old new we see go to in on with and of is was Haus klein"
          + " gross Fluss Stadt alt neu wir sehen gehen maison petite grande ville vieux nous voir").split(" ");

  private TranslateBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path pkg = Path.of(args[0]).toAbsolutePath();
    int segments = Integer.parseInt(args[1]);
    int maxNew = Integer.parseInt(args[2]);
    int batch = Integer.parseInt(args[3]);
    int cores = Integer.parseInt(args[4]);
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

    // Warmed as the executors' model cache warms it, so both sides start from a warm session.
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (CausalLm lm = CausalLm.loadWarm(ModelSpec.of(pkg.toString()).withThreads(1));
        CausalLm.Session session = lm.newSession()) {
      GenerationSettings greedy = lm.generationDefaults().withNumBeams(1).withMaxNewTokens(maxNew);
      List<BatchTranslator.Input> inputs = new ArrayList<>();
      for (String[] s : segs) {
        inputs.add(new BatchTranslator.Input(s[2], s[3], s[4], null));
      }
      // The batched loop first on a fresh session, then again once everything is warm: the two
      // bracket what a short job (fresh executor session) and a long one can reach.
      for (int b : new int[] {batch, 1, batch, batch}) {
        BatchTranslator t = new BatchTranslator(lm, session, PromptFormat.ALMA, greedy, b, id -> null);
        long t0 = System.nanoTime();
        long cpu0 = threads.getCurrentThreadCpuTime();
        t.translate(inputs);
        double s = (System.nanoTime() - t0) / 1e9;
        double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        System.out.printf("bare loop, 1 thread, batch %d: %d output tokens in %.2f s = %.1f tokens/s;"
                + " %.2f CPU s = %.1f tokens/CPU s; padding waste %.1f%%%n",
            b, t.generatedTokens(), s, t.generatedTokens() / s, cpu, t.generatedTokens() / cpu,
            100.0 * (t.paddedPromptTokens() - t.promptTokens()) / t.paddedPromptTokens());
      }
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
    long gc0 = gcMillis();
    TranslateTestSetJob.Result r =
        new TranslateTestSetJob(warehouse, LanguageRegistry.load(Path.of("conf")), run)
            .option(TranslateTestSetJob.MODEL, pkg.toString())
            .option(TranslateTestSetJob.TEST_SET, "bench:devtest")
            .option(TranslateTestSetJob.NUM_BEAMS, "1")
            .option(TranslateTestSetJob.MAX_NEW_TOKENS, Integer.toString(maxNew))
            .option(TranslateTestSetJob.BATCH_SIZE, Integer.toString(batch))
            .option(TranslateTestSetJob.THREADS, "1")
            .option(TranslateTestSetJob.PARTITIONS, Integer.toString(cores))
            .execute();
    System.out.printf("job, local[%d], batch %d: %d output tokens in %.2f s wall (translate + Delta commit) = %.1f tokens/s;"
            + " task decode time %.2f s = %.1f tokens/s per core; task decode CPU %.2f s = %.1f tokens/CPU s;"
            + " padding waste %.1f%%%n",
        cores, batch, r.outputTokens(), r.seconds(), r.outputTokensPerSecond(), r.decodeSeconds(),
        r.decodeTokensPerSecond(), r.decodeCpuSeconds(), r.decodeTokensPerCpuSecond(), 100 * r.paddingWaste());
    // Stop-the-world pauses stall the tasks' wall time but not their CPU time.
    System.out.printf("GC during the job: %.2f s%n", (gcMillis() - gc0) / 1e3);
    spark.stop();
  }

  private static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(g -> Math.max(0, g.getCollectionTime())).sum();
  }
}

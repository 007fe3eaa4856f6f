package dev.mtforge.jobs.multiway;

import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.languages.Language;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.schemas.tables.Tables;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Benchmark of {@link MultiWayPairs} at Flores-200 scale (not a test): stores a synthetic
 * multi-way devtest of the registry's 50 languages × {@code segments} as prepare stores Flores
 * (English-centric, both directions), then times deriving all 2,352 non-English directions (49 × 48)
 * (count of the pairs) and the languages query, in wall and JVM CPU time.
 *
 * <pre>{@code java <spark flags> -cp <classpath> dev.mtforge.jobs.multiway.MultiWayPairsBenchmark \
 *     <workdir> [segments=1012] [master=local[*]] [shuffle-partitions=8]}</pre>
 */
public final class MultiWayPairsBenchmark {
  private MultiWayPairsBenchmark() {}

  public static void main(String[] args) {
    String root = args[0];
    int segments = args.length > 1 ? Integer.parseInt(args[1]) : 1012;
    String master = args.length > 2 ? args[2] : "local[*]";
    String shufflePartitions = args.length > 3 ? args[3] : "8";
    SparkSession spark = SparkSession.builder().master(master).appName("mtforge multi-way benchmark")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", shufflePartitions)
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .getOrCreate();
    Warehouse warehouse = Warehouse.open(spark, root, null);
    LanguageRegistry registry = LanguageRegistry.defaults();
    List<String> codes = registry.languages().stream().map(Language::code).filter(c -> !c.equals("en")).sorted().toList();
    if (!warehouse.exists(Tables.PARALLEL_SENTENCES.name())) {
      long t0 = System.nanoTime();
      Random random = new Random(42);
      List<Row> rows = new ArrayList<>();
      List<String> english = new ArrayList<>();
      for (int k = 0; k < segments; k++) {
        english.add(sentence(random));
      }
      for (String code : codes) {
        for (int k = 0; k < segments; k++) {
          String xx = sentence(random);
          rows.add(RowFactory.create("flores200", "devtest", k + 1, code, "en", xx, english.get(k), "xx-en", code + k));
          rows.add(RowFactory.create("flores200", "devtest", k + 1, "en", code, english.get(k), xx, "en-xx", code + k));
        }
      }
      Dataset<Row> frame = spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType()
          .add("dataset", "string").add("split", "string").add("seg_id", "int").add("src_lang", "string")
          .add("tgt_lang", "string").add("src_text", "string").add("tgt_text", "string").add("direction", "string")
          .add("pair_hash", "string"));
      for (var field : Tables.PARALLEL_SENTENCES.dataSchema().fields()) {
        if (!List.of(frame.columns()).contains(field.name())) {
          frame = frame.withColumn(field.name(), functions.lit(null).cast(field.dataType()));
        }
      }
      warehouse.insertNew(Tables.PARALLEL_SENTENCES, RunContext.start("bench").stamp(frame, "bench"));
      System.out.printf("stored %,d rows in %.1f s%n", rows.size(), (System.nanoTime() - t0) / 1e9);
    }
    List<Direction> all = new ArrayList<>();
    for (String a : codes) {
      for (String b : codes) {
        if (!a.equals(b)) {
          all.add(new Direction(a, b));
        }
      }
    }
    for (int round = 1; round <= 3; round++) {
      long cpu0 = cpuNanos();
      long t0 = System.nanoTime();
      int languages = MultiWayPairs.languages(warehouse, "flores200", "devtest").size();
      long t1 = System.nanoTime();
      long pairs = MultiWayPairs.pairs(warehouse, "flores200", "devtest", all).count();
      long t2 = System.nanoTime();
      System.out.printf("round %d: %d languages in %.1f s; %,d pairs of %,d directions in %.1f s; JVM CPU %.1f s%n",
          round, languages, (t1 - t0) / 1e9, pairs, all.size(), (t2 - t1) / 1e9, (cpuNanos() - cpu0) / 1e9);
    }
    spark.stop();
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static String sentence(Random random) {
    StringBuilder text = new StringBuilder();
    int words = 8 + random.nextInt(16);
    for (int w = 0; w < words; w++) {
      if (w > 0) {
        text.append(' ');
      }
      for (int l = 3 + random.nextInt(6); l > 0; l--) {
        text.append((char) ('a' + random.nextInt(26)));
      }
    }
    return text.append('.').toString();
  }
}

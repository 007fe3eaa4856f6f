package dev.mtforge.jobs.prepare;

import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.udfs.readers.SourceFormat;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.spark.sql.SparkSession;

/**
 * Benchmark of {@link PrepareCorpusJob} on synthetic ALMA JSON Lines training data (not a test):
 * writes {@code pairs} pairs split over de, fr, cs, ru and zh (one file of 20,000 pairs or less
 * per read unit), then runs prepare twice (first run, idempotent re-run) and prints the timings.
 *
 * <pre>{@code java <spark flags> -cp <jar:classpath> dev.mtforge.jobs.prepare.PrepareBenchmark \
 *     <pairs> <workdir> [master=local[*]] [language-check=high|low|off] [shuffle-partitions=200]}</pre>
 */
public final class PrepareBenchmark {
  private static final String[][] LANGS = {{"de", "Latn"}, {"fr", "Latn"}, {"cs", "Latn"}, {"ru", "Cyrl"}, {"zh", "Hans"}};
  private static final int PAIRS_PER_FILE = 20_000;

  private PrepareBenchmark() {}

  public static void main(String[] args) throws IOException {
    long pairs = Long.parseLong(args[0]);
    Path root = Path.of(args[1]);
    String master = args.length > 2 ? args[2] : "local[*]";
    String languageCheck = args.length > 3 ? args[3] : PrepareCorpusJob.LANGUAGE_CHECK_DEFAULT;
    // Spark's default of 200 shuffle partitions is mostly empty tasks on a few cores.
    String shufflePartitions = args.length > 4 ? args[4] : "200";
    Path data = root.resolve("alma");
    long t0 = System.nanoTime();
    generate(pairs, data);
    System.out.printf("generated %,d pairs in %.1f s%n", pairs, (System.nanoTime() - t0) / 1e9);

    SparkSession spark = SparkSession.builder().master(master).appName("mtforge prepare benchmark")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", shufflePartitions)
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .getOrCreate();
    Warehouse warehouse = Warehouse.open(spark, root.resolve("warehouse").toString(), null);
    for (String run : new String[] {"first", "re-run"}) {
      long start = System.nanoTime();
      PrepareCorpusJob.Result result = new PrepareCorpusJob(warehouse, LanguageRegistry.defaults(), RunContext.start(run))
          .source(SourceFormat.ALMA_JSON, data.toString())
          .option(PrepareCorpusJob.LANGUAGE_CHECK, languageCheck)
          .execute();
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("%s run: %.1f s, %,.0f pairs/s, %s%n", run, seconds, pairs / seconds, result);
    }
    spark.stop();
  }

  private static void generate(long pairs, Path folder) throws IOException {
    Files.createDirectories(folder);
    Random random = new Random(42);
    long written = 0;
    int file = 0;
    while (written < pairs) {
      String[] lang = LANGS[file % LANGS.length];
      long n = Math.min(PAIRS_PER_FILE, pairs - written);
      Path path = folder.resolve("part" + file + "/train." + lang[0] + "-en.json");
      Files.createDirectories(path.getParent());
      try (BufferedWriter out = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
        for (long i = 0; i < n; i++) {
          out.write("{\"translation\": {\"" + lang[0] + "\": \"" + sentence(random, lang[1]) + "\", \"en\": \""
              + sentence(random, "Latn") + "\"}}\n");
        }
      }
      written += n;
      file++;
    }
  }

  private static String sentence(Random random, String script) {
    int words = 6 + random.nextInt(10);
    StringBuilder text = new StringBuilder();
    for (int w = 0; w < words; w++) {
      if (w > 0 && !script.equals("Hans")) {
        text.append(' ');
      }
      int letters = script.equals("Hans") ? 2 : 3 + random.nextInt(6);
      for (int l = 0; l < letters; l++) {
        int cp = switch (script) {
          case "Cyrl" -> 0x430 + random.nextInt(32);
          case "Hans" -> 0x4E00 + random.nextInt(2000);
          default -> 'a' + random.nextInt(26);
        };
        text.appendCodePoint(cp);
      }
    }
    return text.append('.').toString();
  }
}

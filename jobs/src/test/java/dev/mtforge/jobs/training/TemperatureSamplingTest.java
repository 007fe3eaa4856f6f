package dev.mtforge.jobs.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Temperature sampling over a skewed table: de 64, fr 16, cs 4, gl 1 training pairs, each in both
 * directions. Expected counts come from the formula written out here: m_l ≈ M (n_l/N)^(1/T) / Σ_k
 * (n_k/N)^(1/T).
 */
class TemperatureSamplingTest {
  private static final String DB = "temperature_test";
  private static final Map<String, Long> COUNTS = new LinkedHashMap<>();
  private static SparkSession spark;
  private static Warehouse warehouse;

  static {
    COUNTS.put("cs", 4L);
    COUNTS.put("de", 64L);
    COUNTS.put("fr", 16L);
    COUNTS.put("gl", 1L);
  }

  @BeforeAll
  static void fixture() {
    spark = SparkTestSession.get();
    warehouse = Warehouse.open(spark, SparkTestSession.newFolder("temperature").toString(), DB);
    List<Row> rows = new ArrayList<>();
    COUNTS.forEach((lang, n) -> {
      for (int i = 1; i <= n; i++) {
        String xx = lang + " sentence " + i;
        String en = "english sentence " + i + " for " + lang;
        rows.add(row(i, lang, "en", xx, en, "xx-en"));
        rows.add(row(i, "en", lang, en, xx, "en-xx"));
      }
    });
    warehouse.insertNew(Tables.PARALLEL_SENTENCES, spark.createDataFrame(rows, Tables.PARALLEL_SENTENCES.schema()));
  }

  private static Row row(int seg, String src, String tgt, String srcText, String tgtText, String direction) {
    return RowFactory.create("skewed", "train", null, seg, src, tgt, srcText, tgtText, null, direction, List.of(1),
        "High", src + tgt + seg, "fixture.txt", null, "run-0", java.sql.Timestamp.valueOf("2026-11-24 00:00:00"),
        "fixture.txt");
  }

  /** M · p_l with p_l = (n_l/N)^(1/T) / Σ_k (n_k/N)^(1/T). */
  private static double expected(String lang, double t, long total) {
    double n = COUNTS.values().stream().mapToLong(Long::longValue).sum();
    double norm = COUNTS.values().stream().mapToDouble(c -> Math.pow(c / n, 1 / t)).sum();
    return total * Math.pow(COUNTS.get(lang) / n, 1 / t) / norm;
  }

  private static BuildTrainingShardsJob.Result separate(String temperature, String total, String seed, String output) {
    BuildTrainingShardsJob job = new BuildTrainingShardsJob(warehouse, RunContext.start("run-t"))
        .option(BuildTrainingShardsJob.STRATEGY, "separate")
        .option(BuildTrainingShardsJob.TEMPERATURE, temperature)
        .option(BuildTrainingShardsJob.SEED, seed)
        .option(BuildTrainingShardsJob.OUTPUT, output);
    if (total != null) {
      job.option(BuildTrainingShardsJob.SAMPLE_TOTAL, total);
    }
    return job.execute();
  }

  private static long shardPairs(String adapter) {
    return spark.sql("SELECT pairs FROM " + DB + ".training_shards WHERE adapter_id = '" + adapter + "'")
        .first().getLong(0);
  }

  private static List<String> jsonLines(String folder) throws IOException {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of(folder))) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList()) {
        lines.addAll(Files.readAllLines(f));
      }
    }
    return lines;
  }

  @Test
  void targetsFollowTheFormulaAndSumToTheTotal() {
    assertThat(TemperatureSampling.targets(COUNTS, 1.0, OptionalLong.empty())).isEqualTo(COUNTS);
    for (double t : new double[] {1.0, 2.0, 5.0, 1000.0}) {
      Map<String, Long> targets = TemperatureSampling.targets(COUNTS, t, OptionalLong.of(200));
      assertThat(targets.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(200);
      targets.forEach((lang, m) -> assertThat((double) m).as("T=%s %s", t, lang).isCloseTo(expected(lang, t, 200), within(1.0)));
    }
    // T -> infinity: uniform.
    assertThat(TemperatureSampling.targets(COUNTS, 1e9, OptionalLong.of(200)).values()).containsOnly(50L);
  }

  @Test
  void shardsHoldTheFormulasCountsPerLanguageAndDirection() {
    String out = SparkTestSession.newFolder("t-out").toString();
    separate("1", null, "7", out);
    for (String lang : COUNTS.keySet()) {
      assertThat(shardPairs("separate-" + lang + "-en")).as(lang).isEqualTo(COUNTS.get(lang));
      assertThat(shardPairs("separate-en-" + lang)).as(lang).isEqualTo(COUNTS.get(lang));
    }

    BuildTrainingShardsJob.Result hot = separate("5", "100", "7", out);
    assertThat(hot.pairs()).isEqualTo(200);
    for (String lang : COUNTS.keySet()) {
      // Within 1 of M·p_l; T=1 would give de 75, fr 19, cs 5, gl 1 (of 100) and fail this.
      assertThat((double) shardPairs("separate-" + lang + "-en")).as(lang).isCloseTo(expected(lang, 5, 100), within(1.0));
      assertThat((double) shardPairs("separate-en-" + lang)).as(lang).isCloseTo(expected(lang, 5, 100), within(1.0));
    }
  }

  @Test
  void sameSeedSameFilesOtherSeedOtherPairs() throws IOException {
    String a = SparkTestSession.newFolder("t-a").toString();
    String b = SparkTestSession.newFolder("t-b").toString();
    String c = SparkTestSession.newFolder("t-c").toString();
    separate("5", "100", "11", a);
    separate("5", "100", "11", b);
    separate("5", "100", "12", c);
    for (String adapter : List.of("separate-de-en", "separate-gl-en")) {
      List<String> first = jsonLines(a + "/separate/jsonl/adapter_id=" + adapter);
      assertThat(first).isNotEmpty();
      assertThat(jsonLines(b + "/separate/jsonl/adapter_id=" + adapter)).isEqualTo(first);
    }
    // de is sampled down (64 -> ~36): another seed picks other pairs.
    assertThat(jsonLines(c + "/separate/jsonl/adapter_id=separate-de-en"))
        .isNotEqualTo(jsonLines(a + "/separate/jsonl/adapter_id=separate-de-en"));
    // gl has one pair: it is repeated to reach its share.
    assertThat(jsonLines(a + "/separate/jsonl/adapter_id=separate-gl-en")).hasSizeGreaterThan(10).containsOnly(
        "{\"translation\":{\"gl\":\"gl sentence 1\",\"en\":\"english sentence 1 for gl\"}}");
  }

  @Test
  void badTemperatureIsRefused() {
    for (String t : List.of("0", "-1")) {
      assertThatThrownBy(() -> separate(t, null, "1", SparkTestSession.newFolder("t-bad").toString()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Invalid value " + t + " for training.temperature: must be a number > 0");
    }
    assertThatThrownBy(() -> new BuildTrainingShardsJob(warehouse, RunContext.start("x"))
            .option(BuildTrainingShardsJob.TEMPERATURE, "2").option(BuildTrainingShardsJob.SAMPLE, "10").execute())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot combine training.sample with training.temperature/training.sample-total: choose one way of sampling");
  }
}

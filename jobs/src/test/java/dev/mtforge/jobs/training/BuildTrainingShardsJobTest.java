package dev.mtforge.jobs.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.testing.SparkTestSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Training shards from a small parallel_sentences table: 4 languages in 4 groups, 3 pairs each way. */
class BuildTrainingShardsJobTest {
  private static final String DB = "build_training_test";
  private static SparkSession spark;
  private static Warehouse warehouse;
  /** UTF-8 bytes of both sides of every training row: the byte-level tokenizer's token count. */
  private static long trainBytes;

  @BeforeAll
  static void fixture() {
    spark = SparkTestSession.get();
    warehouse = Warehouse.open(spark, SparkTestSession.newFolder("training").toString(), DB);
    List<Row> rows = new ArrayList<>();
    String[][] langs = {{"de", "1", "High"}, {"gl", "2", "Mid"}, {"fr", "4", "High"}, {"cs", "5", "Mid"}};
    for (String[] l : langs) {
      for (int i = 1; i <= 3; i++) {
        String xx = l[0] + " sentence number " + i;
        String en = "english sentence number " + i + " for " + l[0];
        List<Integer> groups = List.of(Integer.parseInt(l[1]));
        trainBytes += 2L * (xx.getBytes(StandardCharsets.UTF_8).length + en.getBytes(StandardCharsets.UTF_8).length);
        rows.add(row("train", i, l[0], "en", xx, en, "xx-en", groups, l[2]));
        rows.add(row("train", i, "en", l[0], en, xx, "en-xx", groups, l[2]));
      }
      rows.add(row("devtest", 1, l[0], "en", "test " + l[0], "test en", "xx-en", List.of(Integer.parseInt(l[1])), l[2]));
    }
    StructType schema = Tables.PARALLEL_SENTENCES.schema();
    warehouse.insertNew(Tables.PARALLEL_SENTENCES, spark.createDataFrame(rows, schema));
  }

  private static Row row(String split, int seg, String src, String tgt, String srcText, String tgtText,
      String direction, List<Integer> groups, String resource) {
    return RowFactory.create("fixture", split, null, seg, src, tgt, srcText, tgtText, null, direction, groups,
        resource, src + tgt + seg, "fixture.txt", null, "run-0", java.sql.Timestamp.valueOf("2026-11-24 00:00:00"),
        "fixture.txt");
  }

  private static List<String> rows(String sql) {
    return spark.sql(sql).collectAsList().stream().map(Row::toString).collect(Collectors.toList());
  }

  private static List<String> jsonLines(String folder) {
    try (Stream<Path> files = Files.list(Path.of(java.net.URI.create(folder)))) {
      List<String> lines = new ArrayList<>();
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList()) {
        lines.addAll(Files.readAllLines(file));
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void datWritesOneXxEnShardPerLanguageAndOneEnXxShardPerGroup() {
    BuildTrainingShardsJob.Result result = new BuildTrainingShardsJob(warehouse, RunContext.start("run-dat"))
        .option(BuildTrainingShardsJob.SAMPLE, "2").option(BuildTrainingShardsJob.SEED, "7").execute();
    assertThat(result.shards()).isEqualTo(8);
    assertThat(result.pairs()).isEqualTo(16);
    assertThat(rows("SELECT adapter_id, direction, group_id, languages, pairs, sample_size, seed FROM " + DB
        + ".training_shards WHERE strategy = 'dat' ORDER BY adapter_id"))
        .containsExactly(
            "[dat-en-xx-g1,en-xx,1,WrappedArray(de, en),2,2,7]",
            "[dat-en-xx-g2,en-xx,2,WrappedArray(en, gl),2,2,7]",
            "[dat-en-xx-g4,en-xx,4,WrappedArray(en, fr),2,2,7]",
            "[dat-en-xx-g5,en-xx,5,WrappedArray(cs, en),2,2,7]",
            "[dat-xx-en-cs,xx-en,5,WrappedArray(cs, en),2,2,7]",
            "[dat-xx-en-de,xx-en,1,WrappedArray(de, en),2,2,7]",
            "[dat-xx-en-fr,xx-en,4,WrappedArray(en, fr),2,2,7]",
            "[dat-xx-en-gl,xx-en,2,WrappedArray(en, gl),2,2,7]");
    String shard = rows("SELECT jsonl_path FROM " + DB + ".training_shards WHERE adapter_id = 'dat-xx-en-de'")
        .get(0).replaceAll("^\\[|\\]$", "");
    List<String> lines = jsonLines(shard);
    assertThat(lines).hasSize(2).allMatch(l -> l.matches(
        "\\{\"translation\":\\{\"de\":\"de sentence number \\d\",\"en\":\"english sentence number \\d for de\"}}"));

    BuildTrainingShardsJob.Result again = new BuildTrainingShardsJob(warehouse, RunContext.start("run-dat-2"))
        .option(BuildTrainingShardsJob.SAMPLE, "2").option(BuildTrainingShardsJob.SEED, "7").execute();
    assertThat(again.manifestChanged()).isZero();
    assertThat(jsonLines(shard)).isEqualTo(lines);
    assertThat(rows("SELECT collect_set(run_id) FROM " + DB + ".training_shards")).containsExactly("[WrappedArray(run-dat)]");
  }

  @Test
  void multilingualPutsEveryPairInOneShard() {
    BuildTrainingShardsJob.Result result = new BuildTrainingShardsJob(warehouse, RunContext.start("run-m"))
        .option(BuildTrainingShardsJob.STRATEGY, "multilingual")
        .option(BuildTrainingShardsJob.TOKENIZER,
            SparkTestSession.repoRoot().resolve("sample-data/models/tiny-llama/tokenizer.json").toString())
        .execute();
    assertThat(result).extracting(BuildTrainingShardsJob.Result::shards, BuildTrainingShardsJob.Result::pairs)
        .containsExactly(1L, 24L);
    assertThat(rows("SELECT adapter_id, direction, group_id, languages, whitespace_tokens, tokenizer_tokens FROM " + DB
        + ".training_shards WHERE strategy = 'multilingual'"))
        .containsExactly("[multilingual,all,null,WrappedArray(cs, de, en, fr, gl),240," + trainBytes + "]");
  }

  @Test
  void badOptionsFailBeforeSparkWork() {
    assertThatThrownBy(() -> new BuildTrainingShardsJob(warehouse, RunContext.start("x"))
            .option(BuildTrainingShardsJob.STRATEGY, "daft").execute())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Unknown strategy 'daft' for training.strategy; known: separate, group, multilingual, dat");
  }
}

package dev.mtforge.jobs.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.testing.SparkTestSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * build-training --code-switch on a small table (de and fr, three pairs each way) with a folder of
 * MUSE dictionaries that has malformed lines: the copies, what training_shards records, the report
 * of bad lines, and that a re-run with the same seed writes the same bytes.
 */
class CodeSwitchTrainingTest {
  private static final String DB = "code_switch_test";
  private static SparkSession spark;
  private static Warehouse warehouse;
  private static Path dictionaries;

  @BeforeAll
  static void fixture() throws IOException {
    spark = SparkTestSession.get();
    warehouse = Warehouse.open(spark, SparkTestSession.newFolder("code-switch").toString(), DB);
    List<Row> rows = new ArrayList<>();
    for (String[] l : new String[][] {{"de", "1"}, {"fr", "4"}}) {
      for (int i = 1; i <= 3; i++) {
        String xx = l[0] + " sentence number " + i;
        String en = "english sentence number " + i + " for " + l[0];
        List<Integer> groups = List.of(Integer.parseInt(l[1]));
        rows.add(row(i, l[0], "en", xx, en, "xx-en", groups));
        rows.add(row(i, "en", l[0], en, xx, "en-xx", groups));
      }
    }
    warehouse.insertNew(Tables.PARALLEL_SENTENCES, spark.createDataFrame(rows, Tables.PARALLEL_SENTENCES.schema()));
    dictionaries = SparkTestSession.newFolder("code-switch-dicts");
    Files.writeString(dictionaries.resolve("en-de.txt"), "sentence Satz\nnumber Nummer\nfor für\nenglish\n");
    Files.writeString(dictionaries.resolve("en-fr.txt"), "sentence phrase\n\nnumber numéro\n");
    Files.writeString(dictionaries.resolve("de-cs.txt"), "sentence věta\n");
    Files.writeString(dictionaries.resolve("README.md"), "MUSE ground-truth dictionaries\n");
  }

  private static Row row(int seg, String src, String tgt, String srcText, String tgtText, String direction,
      List<Integer> groups) {
    return RowFactory.create("fixture", "train", null, seg, src, tgt, srcText, tgtText, null, direction, groups,
        "High", src + tgt + seg, "fixture.txt", null, "run-0", java.sql.Timestamp.valueOf("2026-12-01 00:00:00"),
        "fixture.txt");
  }

  private BuildTrainingShardsJob job(String run, String ratio) {
    return new BuildTrainingShardsJob(warehouse, RunContext.start(run))
        .option(BuildTrainingShardsJob.STRATEGY, "dat")
        .option(BuildTrainingShardsJob.SEED, "5")
        .option(BuildTrainingShardsJob.CODE_SWITCH, dictionaries.toString())
        .option(BuildTrainingShardsJob.CODE_SWITCH_RATIO, ratio);
  }

  @Test
  void switchedCopiesKeepTheirOriginalAndTrainingShardsRecordsTheDictionaries() throws Exception {
    BuildTrainingShardsJob.Result result = job("cs-1", "1").execute();
    // Ratio 1 replaces every dictionary word: all 6 en-xx sources (en-de, en-fr dictionaries) and
    // the 3 German xx-en sources (de-cs dictionary); French sources have no dictionary.
    assertThat(result.augmentedPairs()).isEqualTo(9);
    assertThat(result.pairs()).isEqualTo(12 + 9);
    String folder = "file:" + dictionaries;
    assertThat(result.malformedDictionaryLines()).extracting(Object::toString).containsExactly(
        folder + "/en-de.txt:4: expected 2 fields (word, translation) separated by a space or a tab, found 1",
        folder + "/en-fr.txt:2: empty line; expected 'word translation'");

    List<String> de = jsonLines("dat-xx-en-de");
    assertThat(de).containsExactly(
        "{\"translation\":{\"de\":\"de sentence number 1\",\"en\":\"english sentence number 1 for de\"}}",
        "{\"translation\":{\"de\":\"de věta number 1\",\"en\":\"english sentence number 1 for de\"},"
            + "\"code_switch\":{\"original\":\"de sentence number 1\",\"replacements\":1}}",
        "{\"translation\":{\"de\":\"de sentence number 2\",\"en\":\"english sentence number 2 for de\"}}",
        "{\"translation\":{\"de\":\"de věta number 2\",\"en\":\"english sentence number 2 for de\"},"
            + "\"code_switch\":{\"original\":\"de sentence number 2\",\"replacements\":1}}",
        "{\"translation\":{\"de\":\"de sentence number 3\",\"en\":\"english sentence number 3 for de\"}}",
        "{\"translation\":{\"de\":\"de věta number 3\",\"en\":\"english sentence number 3 for de\"},"
            + "\"code_switch\":{\"original\":\"de sentence number 3\",\"replacements\":1}}");
    // English sources: sentence, number and for are replaced, each by German or French.
    List<String> enDe = jsonLines("dat-en-xx-g1");
    assertThat(enDe).hasSize(6);
    assertThat(enDe.get(1)).matches("\\{\"translation\":\\{\"en\":\"english (Satz|phrase) (Nummer|numéro) 1 für de\","
        + "\"de\":\"de sentence number 1\"},\"code_switch\":\\{\"original\":\"english sentence number 1 for de\","
        + "\"replacements\":3}}");
    assertThat(jsonLines("dat-xx-en-fr")).hasSize(3).noneMatch(l -> l.contains("code_switch"));

    assertThat(rows("SELECT adapter_id, pairs, augmented_pairs, code_switch_ratio FROM " + DB
        + ".training_shards ORDER BY adapter_id"))
        .containsExactly("[dat-en-xx-g1,6,3,1.0]", "[dat-en-xx-g4,6,3,1.0]", "[dat-xx-en-de,6,3,1.0]",
            "[dat-xx-en-fr,3,0,1.0]");
    assertThat(rows("SELECT d.file, d.sha256, d.entries, d.malformed_lines FROM " + DB + ".training_shards"
        + " LATERAL VIEW explode(code_switch_dictionaries) t AS d WHERE adapter_id = 'dat-xx-en-de'"))
        .containsExactly(
            "[" + folder + "/de-cs.txt," + sha256("de-cs.txt") + ",1,0]",
            "[" + folder + "/en-de.txt," + sha256("en-de.txt") + ",3,1]",
            "[" + folder + "/en-fr.txt," + sha256("en-fr.txt") + ",2,1]");
    Row parquet = spark.read().parquet(result.output() + "/parquet")
        .where("adapter_id = 'dat-xx-en-de' AND code_switch_replacements IS NOT NULL AND seg_id = 2")
        .select("translation", "code_switch_original", "code_switch_replacements").first();
    assertThat(parquet.getJavaMap(0).get("de")).isEqualTo("de věta number 2");
    assertThat(parquet.getString(1)).isEqualTo("de sentence number 2");
    assertThat(parquet.getInt(2)).isEqualTo(1);

    // Same seed: the same bytes, and training_shards does not change.
    BuildTrainingShardsJob.Result again = job("cs-2", "1").execute();
    assertThat(again.manifestChanged()).isZero();
    assertThat(jsonLines("dat-xx-en-de")).isEqualTo(de);
    assertThat(jsonLines("dat-en-xx-g1")).isEqualTo(enDe);

    // A lower ratio replaces some words: fewer switched copies, recorded with the new ratio.
    BuildTrainingShardsJob.Result half = job("cs-3", "0.4").execute();
    assertThat(half.augmentedPairs()).isBetween(1L, 8L);
    assertThat(rows("SELECT DISTINCT code_switch_ratio FROM " + DB + ".training_shards")).containsExactly("[0.4]");
  }

  @Test
  void optionsAndDictionaryFoldersAreCheckedBeforeAnyWrite() throws IOException {
    assertThatThrownBy(() -> new BuildTrainingShardsJob(warehouse, RunContext.start("x"))
            .option(BuildTrainingShardsJob.CODE_SWITCH, dictionaries.toString()).execute())
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Options training.code-switch and training.code-switch-ratio go together; got only training.code-switch");
    assertThatThrownBy(() -> job("x", "0").execute())
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Option training.code-switch-ratio must be a probability in (0, 1], got '0'");
    Path empty = SparkTestSession.newFolder("no-dicts");
    assertThatThrownBy(() -> job("x", "0.5").option(BuildTrainingShardsJob.CODE_SWITCH, empty.toString()).execute())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Cannot read code-switch dictionaries: " + empty + " holds no MUSE dictionary named"
            + " <src>-<tgt>.txt (such as en-de.txt)");
    Path misnamed = SparkTestSession.newFolder("misnamed-dicts");
    Files.writeString(misnamed.resolve("english-german.txt"), "a b\n");
    assertThatThrownBy(() -> job("x", "0.5").option(BuildTrainingShardsJob.CODE_SWITCH, misnamed.toString()).execute())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Cannot read file:" + misnamed + "/english-german.txt as a MUSE dictionary: expected a name like"
            + " <src>-<tgt>.txt such as en-de.txt");
  }

  private static String sha256(String file) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(dictionaries.resolve(file))));
  }

  private static List<String> rows(String sql) {
    return spark.sql(sql).collectAsList().stream().map(Row::toString).collect(Collectors.toList());
  }

  private static List<String> jsonLines(String adapter) {
    String folder = rows("SELECT jsonl_path FROM " + DB + ".training_shards WHERE adapter_id = '" + adapter + "'")
        .get(0).replaceAll("^\\[|\\]$", "");
    try (Stream<Path> files = Files.list(Path.of(java.net.URI.create(folder)))) {
      List<String> lines = new ArrayList<>();
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList()) {
        lines.addAll(Files.readAllLines(file, StandardCharsets.UTF_8));
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.mtforge.jobs.prepare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.testing.SparkTestSession;
import dev.mtforge.udfs.readers.SourceFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tokenizer fertility in data_stats with the tiny model's byte-level tokenizer: its token count of
 * a text is the text's UTF-8 byte count, so the expected figures are computed here from the
 * Flores sample files, independently of the job.
 */
class TokenizerFertilityTest {
  private static final Path FLORES = PrepareCorpusJobTest.SAMPLES.resolve("flores200");
  private static final Path TOKENIZER_DIR = SparkTestSession.repoRoot().resolve("sample-data/models/tiny-llama");
  private static final String DB = "fertility_test";
  private static SparkSession spark;
  private static Warehouse warehouse;

  @BeforeAll
  static void prepare() {
    spark = SparkTestSession.get();
    warehouse = Warehouse.open(spark, SparkTestSession.newFolder("fertility").toString(), DB);
    new PrepareCorpusJob(warehouse, LanguageRegistry.defaults(), RunContext.start("run-fertility"))
        .source(SourceFormat.FLORES200, FLORES.toString())
        .option(PrepareCorpusJob.TOKENIZER, TOKENIZER_DIR.toString())
        .execute();
  }

  /** {bytes, whitespace words, non-whitespace characters} of a sample file. */
  private static long[] measure(String file) throws IOException {
    long[] m = new long[3];
    for (String line : Files.readAllLines(FLORES.resolve(file), StandardCharsets.UTF_8)) {
      m[0] += line.getBytes(StandardCharsets.UTF_8).length;
      m[1] += java.util.Arrays.stream(line.split("\\s+")).filter(w -> !w.isEmpty()).count();
      m[2] += line.codePoints().filter(c -> !Character.isWhitespace(c)).count();
    }
    return m;
  }

  private static Row stats(String src, String tgt) {
    List<Row> rows = spark.sql("SELECT tokenizer, src_tokens, tgt_tokens, src_fertility, tgt_fertility FROM " + DB
        + ".data_stats WHERE dataset = 'flores200' AND split = 'devtest' AND src_lang = '" + src
        + "' AND tgt_lang = '" + tgt + "'").collectAsList();
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }

  @Test
  void fertilityIsTokensPerWordAndPerCharacterForChinese() throws IOException {
    long[] de = measure("deu_Latn.devtest");
    long[] en = measure("eng_Latn.devtest");
    long[] zh = measure("zho_Hans.devtest");
    String file = new org.apache.hadoop.fs.Path(TOKENIZER_DIR.resolve("tokenizer.json").toString()).toString();

    Row deEn = stats("de", "en");
    assertThat(deEn.getString(0)).isEqualTo(file);
    assertThat(deEn.getLong(1)).isEqualTo(de[0]);
    assertThat(deEn.getLong(2)).isEqualTo(en[0]);
    assertThat(deEn.getDouble(3)).isEqualTo((double) de[0] / de[1]);
    assertThat(deEn.getDouble(4)).isEqualTo((double) en[0] / en[1]);

    Row enZh = stats("en", "zh");
    assertThat(enZh.getLong(1)).isEqualTo(en[0]);
    assertThat(enZh.getLong(2)).isEqualTo(zh[0]);
    assertThat(enZh.getDouble(3)).isEqualTo((double) en[0] / en[1]);
    // zh has no spaces: per character, which is about 3 bytes each in UTF-8.
    assertThat(enZh.getDouble(4)).isEqualTo((double) zh[0] / zh[2]).isBetween(2.9, 3.0);
  }

  @Test
  void missingOrInvalidTokenizerIsRejectedInput() throws IOException {
    Path folder = SparkTestSession.newFolder("no-tokenizer");
    String missing = new org.apache.hadoop.fs.Path(folder.resolve("tokenizer.json").toString()).toString();
    assertThatThrownBy(() -> new PrepareCorpusJob(warehouse, LanguageRegistry.defaults(), RunContext.start("x"))
            .source(SourceFormat.FLORES200, FLORES.toString())
            .option(PrepareCorpusJob.TOKENIZER, folder.toString()).execute())
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Cannot load tokenizer " + missing + ": file not found");

    Path broken = folder.resolve("broken.json");
    Files.writeString(broken, "{\"model\": 42}");
    assertThatThrownBy(() -> new PrepareCorpusJob(warehouse, LanguageRegistry.defaults(), RunContext.start("x"))
            .source(SourceFormat.FLORES200, FLORES.toString())
            .option(PrepareCorpusJob.TOKENIZER, broken.toString()).execute())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Cannot load tokenizer " + broken + ": not a valid HF tokenizer.json (");
  }
}

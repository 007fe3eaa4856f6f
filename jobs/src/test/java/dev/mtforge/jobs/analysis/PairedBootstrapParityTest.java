package dev.mtforge.jobs.analysis;

import static dev.mtforge.jobs.analysis.AnalysisFixtures.REGISTRY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtforge.cli.MtforgeCli;
import dev.mtforge.cli.ScoreCommand;
import dev.mtforge.jobs.evaluate.EvaluateTranslationsJob;
import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.testing.SparkTestSession;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The p-values analyze writes equal those of {@code mtforge score --paired-bs} (sacreBLEU's paired
 * bootstrap, tested against sacreBLEU in ScoreCommandTest) run on the same segments written to
 * files in (doc_id, seg_id) order: synthetic references and two perturbed systems, translated rows
 * written in a shuffled order, scored by evaluate (BLEU, chrF++), compared by analyze.
 */
class PairedBootstrapParityTest {
  private static final String[] WORDS = ("the a house city river old new small green we they see go find"
      + " build open close river bridge market morning evening quickly slowly near far under over with without"
      + " because although people children teacher doctor train station ticket window door table letter story"
      + " music garden summer winter friend family road water bread coffee").split(" ");

  @Test
  void pValuesEqualScorePairedBsOnTheSameSegments() throws IOException {
    SparkSession spark = SparkTestSession.get();
    Warehouse warehouse = Warehouse.open(spark, SparkTestSession.newFolder("parity").toString(), "analysis_parity");
    Random random = new Random(20261202);
    List<Row> refs = new ArrayList<>();
    List<Row> hyps = new ArrayList<>();
    for (String[] pair : new String[][] {{"de", "en"}, {"en", "de"}}) {
      for (int i = 0; i < 40; i++) {
        // de-en in two documents (seg ids restart), en-de without documents
        String doc = pair[0].equals("de") ? (i < 20 ? "doc-b" : "doc-a") : null;
        int seg = pair[0].equals("de") ? i % 20 + 1 : i + 1;
        String ref = sentence(random);
        refs.add(RowFactory.create("parity", "test", doc, seg, pair[0], pair[1], "source " + i, ref, null,
            pair[1].equals("en") ? "xx-en" : "en-xx", null, null, "h" + pair[0] + i, null, null));
        hyps.add(translation("base", pair, doc, seg, perturb(ref, 0.35, random)));
        hyps.add(translation("sys", pair, doc, seg, perturb(ref, 0.2, random)));
      }
    }
    Collections.shuffle(hyps, random);
    RunContext setup = RunContext.start("setup");
    warehouse.insertNew(Tables.PARALLEL_SENTENCES,
        setup.stamp(spark.createDataFrame(refs, Tables.PARALLEL_SENTENCES.dataSchema()), "test"));
    warehouse.insertNew(Tables.TRANSLATIONS,
        setup.stamp(spark.createDataFrame(hyps, Tables.TRANSLATIONS.dataSchema()), "translate:test"));
    new EvaluateTranslationsJob(warehouse, REGISTRY, RunContext.start("eval"))
        .option(EvaluateTranslationsJob.METRICS, "bleu,chrf++")
        .option(EvaluateTranslationsJob.CONFIDENCE, "false")
        .execute();

    AnalyzeSystemsJob.Result result = new AnalyzeSystemsJob(warehouse, REGISTRY, RunContext.start("analyze"))
        .option(AnalyzeSystemsJob.BASELINE, "base")
        .option(AnalyzeSystemsJob.SYSTEMS, "sys")
        .execute();
    assertThat(result.metrics()).containsExactly("BLEU", "chrF2++");
    assertThat(result.pairs()).isEqualTo(4);

    Path dir = SparkTestSession.newFolder("parity-files");
    for (String[] pair : new String[][] {{"de", "en"}, {"en", "de"}}) {
      String where = " WHERE src_lang = '" + pair[0] + "' AND tgt_lang = '" + pair[1] + "'";
      Path ref = write(dir.resolve(pair[0] + pair[1] + ".ref"), spark.sql(
          "SELECT tgt_text FROM analysis_parity.parallel_sentences" + where + " ORDER BY doc_id ASC NULLS FIRST, seg_id"));
      Path base = write(dir.resolve(pair[0] + pair[1] + ".base"), spark.sql("SELECT hypothesis FROM"
          + " analysis_parity.translations" + where + " AND system_id = 'base' ORDER BY doc_id ASC NULLS FIRST, seg_id"));
      Path sys = write(dir.resolve(pair[0] + pair[1] + ".sys"), spark.sql("SELECT hypothesis FROM"
          + " analysis_parity.translations" + where + " AND system_id = 'sys' ORDER BY doc_id ASC NULLS FIRST, seg_id"));
      JsonNode score = score(ref.toString(), "-i", base.toString(), sys.toString(), "--paired-bs", "-m", "bleu", "chrf",
          "--chrf-word-order", "2", "-l", pair[0] + "-" + pair[1], "-f", "json");
      for (String metric : List.of("BLEU", "chrF2++")) {
        Row row = spark.sql("SELECT score, baseline_score, p_value FROM analysis_parity.analysis_deltas" + where
            + " AND scope = 'pair' AND metric = '" + metric + "'").first();
        JsonNode expected = score.get(1).get(metric);
        assertThat(row.getDouble(2)).as(pair[0] + "-" + pair[1] + " " + metric + " p-value")
            .isEqualTo(expected.get("p_value").asDouble());
        assertThat(row.getDouble(0)).as("system score").isEqualTo(expected.get("score").asDouble());
        assertThat(row.getDouble(1)).as("baseline score").isEqualTo(score.get(0).get(metric).get("score").asDouble());
        assertThat(row.getDouble(2)).as("a p-value, not a constant").isBetween(1.0 / 1001, 1.0);
      }
    }
    // the system scores are evaluate's too
    assertThat(spark.sql("SELECT count(*) FROM analysis_parity.analysis_deltas d JOIN analysis_parity.system_scores s"
        + " ON s.system_id = d.system_id AND s.scope = 'pair' AND s.src_lang = d.src_lang AND s.tgt_lang = d.tgt_lang"
        + " AND s.metric = d.metric WHERE d.scope = 'pair' AND s.score = d.score").first().getLong(0)).isEqualTo(4);
  }

  private static JsonNode score(String... args) throws IOException {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = MtforgeCli.commandLine(new ScoreCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute(args)).as(err.toString()).isZero();
    return new ObjectMapper().readTree(out.toString());
  }

  private static Path write(Path file, org.apache.spark.sql.Dataset<Row> lines) throws IOException {
    List<String> text = lines.collectAsList().stream().map(r -> r.getString(0)).toList();
    assertThat(text).hasSize(40);
    return Files.write(file, text);
  }

  private static Row translation(String system, String[] pair, String doc, int seg, String hypothesis) {
    return RowFactory.create(system, "parity", "test", pair[0], pair[1], pair[1].equals("en") ? "xx-en" : "en-xx",
        doc, seg, "source", hypothesis, null, "none", null, null, "test", "greedy:max64", null, null, null, null, null, null);
  }

  private static String sentence(Random random) {
    int n = 6 + random.nextInt(10);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < n; i++) {
      s.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
    }
    return s.append('.').toString();
  }

  /** Drops or replaces each word with probability {@code rate}. */
  private static String perturb(String sentence, double rate, Random random) {
    List<String> out = new ArrayList<>();
    for (String word : sentence.split(" ")) {
      double u = random.nextDouble();
      if (u < rate / 2) {
        continue;
      }
      out.add(u < rate ? WORDS[random.nextInt(WORDS.length)] : word);
    }
    return String.join(" ", out);
  }
}

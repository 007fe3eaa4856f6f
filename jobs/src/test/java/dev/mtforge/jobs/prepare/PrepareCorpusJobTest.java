package dev.mtforge.jobs.prepare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.testing.SparkTestSession;
import dev.mtforge.udfs.readers.SourceFormat;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class PrepareCorpusJobTest {
  private static final Path SAMPLES = SparkTestSession.repoRoot().resolve("sample-data/prepare");

  static PrepareCorpusJob allSamples(Warehouse warehouse, String runId) {
    PrepareCorpusJob job = new PrepareCorpusJob(warehouse, LanguageRegistry.defaults(), RunContext.start(runId));
    for (String[] s : new String[][] {
        {"flores200", "flores200"}, {"flores-plus", "flores-plus"}, {"ntrex128", "ntrex128"},
        {"wmt-txt", "wmt-txt"}, {"wmt-sgml", "wmt-sgml"}, {"wmt-xml", "wmt-xml"},
        {"alma-json", "alma-json"}, {"xalma-parquet", "xalma-parquet"}}) {
      job.source(SourceFormat.parse(s[0]), SAMPLES.resolve(s[1]).toString());
    }
    return job;
  }

  static List<String> rows(SparkSession spark, String sql) {
    return spark.sql(sql).collectAsList().stream().map(Row::toString).collect(Collectors.toList());
  }

  @Test
  void explore() {
    SparkSession spark = SparkTestSession.get();
    Warehouse warehouse = Warehouse.open(spark, SparkTestSession.newFolder("prep").toString(), "prep_explore");
    PrepareCorpusJob.Result result = allSamples(warehouse, "run-1").execute();
    System.out.println("RESULT " + result);
    rows(spark, "SELECT dataset, split, src_lang, tgt_lang, seg_id, reason, detail, src_text, tgt_text FROM prep_explore.rejected_pairs ORDER BY dataset, seg_id")
        .forEach(r -> System.out.println("REJ " + r));
    rows(spark, "SELECT dataset, split, direction, count(*) FROM prep_explore.parallel_sentences GROUP BY 1,2,3 ORDER BY 1,2,3")
        .forEach(r -> System.out.println("PS " + r));
    rows(spark, "SELECT * FROM prep_explore.parallel_sentences WHERE flags IS NOT NULL")
        .forEach(r -> System.out.println("FLAG " + r));
    rows(spark, "SELECT * FROM prep_explore.data_stats ORDER BY 1,2,3,4 LIMIT 5").forEach(r -> System.out.println("ST " + r));
    PrepareCorpusJob.Result again = allSamples(warehouse, "run-2").execute();
    System.out.println("AGAIN " + again);
  }
}

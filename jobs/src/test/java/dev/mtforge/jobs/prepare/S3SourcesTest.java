package dev.mtforge.jobs.prepare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.testing.S3ProxyServer;
import dev.mtforge.testing.SparkTestSession;
import dev.mtforge.udfs.readers.SourceFormat;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Readers over s3a:// against s3proxy: the Flores-200, WMT XML (multi-reference, system outputs)
 * and NTREX (CRLF) samples uploaded to a bucket give the same rows as the local folders.
 */
class S3SourcesTest {
  private static final List<SourceFormat> FORMATS =
      List.of(SourceFormat.FLORES200, SourceFormat.WMT_XML, SourceFormat.NTREX128);
  private static S3ProxyServer s3;

  @BeforeAll
  static void upload() throws Exception {
    s3 = S3ProxyServer.start(SparkTestSession.newFolder("s3proxy-sources"));
    s3.createBucket("raw");
    Configuration conf = SparkTestSession.get().sparkContext().hadoopConfiguration();
    s3.configure(conf);
    FileSystem fs = FileSystem.get(java.net.URI.create("s3a://raw/"), conf);
    for (SourceFormat format : FORMATS) {
      java.nio.file.Path folder = PrepareCorpusJobTest.SAMPLES.resolve(format.label());
      // the NTREX-128 sample has sub-folders, as the published repository does
      try (Stream<java.nio.file.Path> files = Files.walk(folder)) {
        for (java.nio.file.Path file : files.filter(Files::isRegularFile).toList()) {
          String key = folder.relativize(file).toString().replace('\\', '/');
          try (OutputStream out = fs.create(new Path("s3a://raw/samples/" + format.label() + "/" + key))) {
            Files.copy(file, out);
          }
        }
      }
    }
  }

  @AfterAll
  static void stop() {
    if (s3 != null) {
      s3.close();
    }
  }

  private static PrepareCorpusJob.Result prepare(Warehouse warehouse, String root) {
    PrepareCorpusJob job = new PrepareCorpusJob(warehouse, LanguageRegistry.defaults(), RunContext.start("s3-src"));
    FORMATS.forEach(f -> job.source(f, root + "/" + f.label()));
    return job.execute();
  }

  private static long differences(SparkSession spark, String table, String columns) {
    String a = "SELECT " + columns + " FROM s3_sources_local." + table;
    String b = "SELECT " + columns + " FROM s3_sources_s3." + table;
    return spark.sql("(" + a + " EXCEPT ALL " + b + ") UNION ALL (" + b + " EXCEPT ALL " + a + ")").count();
  }

  @Test
  void s3aSourcesGiveTheSameRowsAsLocalFolders() {
    SparkSession spark = SparkTestSession.get();
    Warehouse local = Warehouse.open(spark, SparkTestSession.newFolder("s3src-local").toString(), "s3_sources_local");
    Warehouse remote = Warehouse.open(spark, SparkTestSession.newFolder("s3src-remote").toString(), "s3_sources_s3");
    PrepareCorpusJob.Result fromLocal = prepare(local, PrepareCorpusJobTest.SAMPLES.toString());
    PrepareCorpusJob.Result fromS3 = prepare(remote, "s3a://raw/samples");

    // 20 lines x 6 languages (each with English) x 2 splits (Flores), 4 + 8 (XML), 8 x 3 reference languages (NTREX).
    assertThat(fromS3.rowsRead()).isEqualTo(fromLocal.rowsRead()).isEqualTo(20 * 6 * 2 + 12 + 8 * 3);
    assertThat(fromS3).usingRecursiveComparison().isEqualTo(fromLocal);
    String sentenceColumns = "dataset, split, doc_id, seg_id, src_lang, tgt_lang, src_text, tgt_text, extra_refs,"
        + " direction, group_ids, resource_level, pair_hash, flags";
    assertThat(spark.sql("SELECT count(*) FROM s3_sources_s3.parallel_sentences").first().getLong(0))
        .isEqualTo(fromLocal.sentencesInserted()).isPositive();
    assertThat(differences(spark, "parallel_sentences", sentenceColumns)).isZero();
    assertThat(differences(spark, "rejected_pairs", "dataset, split, doc_id, seg_id, src_text, tgt_text, reason, detail")).isZero();
    assertThat(differences(spark, "wmt_system_outputs", "system, dataset, split, doc_id, seg_id, source_text, hypothesis")).isZero();
    // NTREX lines lose their CR on S3 too.
    assertThat(spark.sql("SELECT count(*) FROM s3_sources_s3.parallel_sentences WHERE instr(src_text, chr(13)) > 0"
        + " OR instr(tgt_text, chr(13)) > 0").first().getLong(0)).isZero();
    assertThat(spark.sql("SELECT DISTINCT substring(source_file, 1, 18) FROM s3_sources_s3.parallel_sentences")
        .first().getString(0)).isEqualTo("s3a://raw/samples/");
  }
}

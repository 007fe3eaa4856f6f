package dev.mtforge.jobs.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.testing.S3ProxyServer;
import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.testing.SparkTestSession;
import dev.mtforge.udfs.inference.ModelPackage;
import dev.mtforge.udfs.spark.ModelPackageCopies;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The tiny model package and its adapters on s3a:// (s3proxy): same translations as from local disk. */
class TranslateS3Test {
  private static S3ProxyServer s3;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3ProxyServer.start(SparkTestSession.newFolder("s3proxy-translate"));
    s3.createBucket("models");
    Configuration conf = SparkTestSession.get().sparkContext().hadoopConfiguration();
    s3.configure(conf);
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path("s3a://models/");
    FileSystem fs = root.getFileSystem(conf);
    // The package's files, and the adapters in a folder of their own (as a registry would keep them).
    for (File f : TranslateTestSetJobTest.MODEL.toFile().listFiles(File::isFile)) {
      fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(f.toURI()), new org.apache.hadoop.fs.Path("s3a://models/tiny-llama/" + f.getName()));
    }
    for (String adapter : new String[] {"dat-de-en", "dat-fr-en", "dat-en-g1", "dat-en-g4"}) {
      for (File f : TranslateTestSetJobTest.MODEL.resolve("adapters/" + adapter).toFile().listFiles(File::isFile)) {
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(f.toURI()),
            new org.apache.hadoop.fs.Path("s3a://models/adapters/" + adapter + "/" + f.getName()));
      }
    }
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void packageAndAdaptersOnS3TranslateAsFromLocalDisk() throws Exception {
    Warehouse remote = TranslateTestSetJobTest.warehouseWithTestSet("translate-s3");
    TranslateTestSetJobTest.registerDatAdapters(remote, "s3a://models/adapters");
    Warehouse local = TranslateTestSetJobTest.warehouseWithTestSet("translate-local");
    TranslateTestSetJobTest.registerDatAdapters(local, TranslateTestSetJobTest.MODEL.resolve("adapters").toString());

    TranslateTestSetJob.Result fromS3 = TranslateTestSetJobTest.job(remote, "s3")
        .option(TranslateTestSetJob.MODEL, "s3a://models/tiny-llama").option(TranslateTestSetJob.COMMIT_SEGMENTS, "100")
        .execute();
    TranslateTestSetJobTest.job(local, "local").option(TranslateTestSetJob.COMMIT_SEGMENTS, "100").execute();
    assertThat(fromS3.segmentsTranslated()).isEqualTo(10);

    String query = "SELECT concat_ws('|', src_lang, tgt_lang, seg_id, adapter_id, raw_output, output_tokens) FROM %s.translations"
        + " ORDER BY src_lang, tgt_lang, seg_id";
    List<String> s3Rows = remote.spark().sql(String.format(query, "translate_s3")).collectAsList().stream().map(r -> r.getString(0)).toList();
    List<String> localRows = local.spark().sql(String.format(query, "translate_local")).collectAsList().stream().map(r -> r.getString(0)).toList();
    assertThat(s3Rows).hasSize(10).isEqualTo(localRows);
    assertThat(s3Rows).anyMatch(r -> r.startsWith("de|en|1|dat-de-en| Hause Haus is klein.\n|23"));

    // The local copy is complete and no temporary folder is left (the cache folder outlives test runs:
    // each run's upload has new modification times, hence its own copy).
    Path copy = ModelPackageCopies.localize("s3a://models/tiny-llama", remote.spark().sparkContext().hadoopConfiguration(),
        ModelPackageCopies.defaultRoot());
    assertThat(copy.resolve("model.onnx")).hasSameBinaryContentAs(TranslateTestSetJobTest.MODEL.resolve("model.onnx"));
    try (var copies = Files.list(ModelPackageCopies.defaultRoot())) {
      assertThat(copies.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
    }
    Row lineage = remote.spark().sql("SELECT DISTINCT source FROM translate_s3.translations").first();
    assertThat(lineage.getString(0)).isEqualTo("translate:s3a://models/tiny-llama");
  }

  @Test
  void driverReadsThePackageHeaderInPlaceWithoutCopyingTheGraph() throws Exception {
    Configuration conf = SparkTestSession.get().sparkContext().hadoopConfiguration();
    FileSystem fs = new org.apache.hadoop.fs.Path("s3a://models/").getFileSystem(conf);
    for (String name : new String[] {"mtforge-model.json", "generation_config.json", "tokenizer.json", "model.onnx",
        "greedy_search.onnx"}) {
      fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(TranslateTestSetJobTest.MODEL.resolve(name).toUri()),
          new org.apache.hadoop.fs.Path("s3a://models/header-only/" + name));
    }
    ModelPackage.Header header = ModelPackageCopies.header("s3a://models/header-only", conf);
    assertThat(header.manifest().name()).isEqualTo("tiny-llama");
    assertThat(header.generation().eosTokenId())
        .isEqualTo(ModelPackage.open(TranslateTestSetJobTest.MODEL).generation().eosTokenId());
    if (Files.isDirectory(ModelPackageCopies.defaultRoot())) {
      try (var copies = Files.list(ModelPackageCopies.defaultRoot())) {
        assertThat(copies.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("header-only-"));
      }
    }

    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(TranslateTestSetJobTest.MODEL.resolve("mtforge-model.json").toUri()),
        new org.apache.hadoop.fs.Path("s3a://models/no-graph/mtforge-model.json"));
    assertThatThrownBy(() -> ModelPackageCopies.header("s3a://models/no-graph", conf))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Model package s3a://models/no-graph: file 'model.onnx' named in mtforge-model.json is missing");
    assertThatThrownBy(() -> ModelPackageCopies.header("s3a://models/nothing-here", conf))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Model package s3a://models/nothing-here does not exist or is not a folder");
  }
}

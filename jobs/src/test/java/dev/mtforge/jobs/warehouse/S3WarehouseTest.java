package dev.mtforge.jobs.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.jobs.init.InitWarehouseJob;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.testing.S3ProxyServer;
import dev.mtforge.testing.SparkTestSession;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The warehouse on s3a:// against a real S3 protocol server (s3proxy) started by the test. */
class S3WarehouseTest {
  private static S3ProxyServer s3;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3ProxyServer.start(SparkTestSession.newFolder("s3proxy"));
    s3.createBucket("lake");
    s3.configure(SparkTestSession.get().sparkContext().hadoopConfiguration());
  }

  @AfterAll
  static void stopS3() {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void initWritesDeltaTablesToS3AndReRunsChangeNothing() {
    SparkSession spark = SparkTestSession.get();
    Warehouse warehouse = Warehouse.open(spark, "s3a://lake/mtforge", "s3test");
    LanguageRegistry registry = LanguageRegistry.defaults();

    InitWarehouseJob.Result first =
        new InitWarehouseJob(warehouse, registry, RunContext.start("s3-1")).execute();
    assertThat(first.createdTables()).hasSize(Tables.ALL.size());
    assertThat(first.languagesWritten()).isEqualTo(50);

    // A second process would find the tables by listing the bucket.
    Warehouse reopened = Warehouse.open(spark, "s3a://lake/mtforge/", "s3test");
    InitWarehouseJob.Result second =
        new InitWarehouseJob(reopened, registry, RunContext.start("s3-2")).execute();
    assertThat(second.createdTables()).isEmpty();
    assertThat(second.languagesWritten()).isZero();

    assertThat(reopened.tableNames()).contains("languages", "parallel_sentences", "merges");
    assertThat(spark.sql("SELECT count(*), min(run_id) FROM s3test.languages").first().toString())
        .isEqualTo("[50,s3-1]");
    assertThat(spark.sql("DESCRIBE DETAIL s3test.languages").first().getAs("location").toString())
        .isEqualTo("s3a://lake/mtforge/languages");
  }
}

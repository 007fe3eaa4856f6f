package dev.mtforge.jobs.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The kill harness's comparison finds each kind of damage it is there to find. */
class WarehouseComparisonTest {
  @Test
  void findsDuplicateLostAndExtraRowsAndFilesAReaderWouldPickUp() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path clean = SparkTestSession.newFolder("compare-clean");
    Warehouse warehouse = Warehouse.open(spark, clean.toString(), "compare_clean");
    List<Row> rows = List.of(
        RowFactory.create("a", "/x/a", "dat", "xx-en", "de", 1, 4, 8.0, List.of("q_proj"), "tiny", "s1"),
        RowFactory.create("b", "/x/b", "dat", "xx-en", "fr", 4, 4, 8.0, List.of("q_proj"), "tiny", "s2"));
    Dataset<Row> frame = spark.createDataFrame(rows, Tables.ADAPTERS.dataSchema());
    warehouse.insertNew(Tables.ADAPTERS, RunContext.start("clean").stamp(frame, "test"));
    Files.createDirectories(clean.resolve("reports"));
    Files.writeString(clean.resolve("reports/index.html"), "<html></html>");
    WarehouseComparison comparison = new WarehouseComparison(spark);

    Path same = SparkTestSession.newFolder("compare-same");
    KillHarness.copy(clean, same);
    Files.writeString(same.resolve("reports/.index.html.tmp"), "half"); // hidden: readers skip it
    WarehouseComparison.Result match = comparison.compare(clean, same);
    assertThat(match.differences()).isEmpty();
    assertThat(match.rows()).isEqualTo(2);

    Path damaged = SparkTestSession.newFolder("compare-damaged");
    KillHarness.copy(clean, damaged);
    String table = damaged.resolve("adapters").toString();
    // a second run id and a changed row: rows equal apart from lineage count once, so only 'b' differs
    RunContext.start("other").stamp(frame, "test").filter("adapter_id = 'a'")
        .write().format("delta").mode("append").save(table);
    spark.sql("UPDATE delta.`" + table + "` SET sha256 = 'changed' WHERE adapter_id = 'b'");
    Files.writeString(damaged.resolve("reports/chart.png"), "png");
    WarehouseComparison.Result result = comparison.compare(clean, damaged);
    assertThat(result.differences()).hasSize(3);
    assertThat(result.differences().get(0)).startsWith("table adapters: 1 rows of the clean run missing [[b,")
        .contains(", 2 rows not in it [[");
    assertThat(result.differences().get(1)).isEqualTo("table adapters: 1 keys [adapter_id] occur more than once");
    assertThat(result.differences().get(2)).startsWith("file reports/chart.png: 1 file(s) [")
        .endsWith("], the clean run 0 []");
    assertThat(result.orphanDataFiles()).isPositive(); // the UPDATE left the rewritten file behind

    // Given the warehouse both started from, a table neither committed to is not read; one with
    // another commit is, and shows the same damage.
    WarehouseComparison.Result untouched = comparison.compare(clean, same, clean);
    assertThat(untouched.differences()).isEmpty();
    assertThat(untouched.unchanged()).isEqualTo(1);
    assertThat(untouched.tables()).isZero();
    WarehouseComparison.Result written = comparison.compare(clean, damaged, clean);
    assertThat(written.unchanged()).isZero();
    assertThat(written.differences()).isEqualTo(result.differences());
  }
}

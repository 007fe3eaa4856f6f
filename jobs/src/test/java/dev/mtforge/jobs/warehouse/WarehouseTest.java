package dev.mtforge.jobs.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.schemas.tables.TableContract;
import dev.mtforge.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class WarehouseTest {
  private static final TableContract NOTES =
      TableContract.of(
          "wh_notes",
          "k STRING NOT NULL, doc STRING, n INT, tags MAP<STRING, STRING>",
          List.of(),
          List.of("k", "doc"),
          "Test table.");
  private final SparkSession spark = SparkTestSession.get();

  private Dataset<Row> rows(Object[]... values) {
    StructType schema =
        new StructType()
            .add("k", DataTypes.StringType)
            .add("doc", DataTypes.StringType)
            .add("n", DataTypes.IntegerType);
    // tags is derived from n, so that upserts of changed rows also change a map column.
    return spark.createDataFrame(
            java.util.Arrays.stream(values).map(RowFactory::create).toList(), schema)
        .withColumn("tags", org.apache.spark.sql.functions.expr("map('n', cast(n AS STRING))"));
  }

  @Test
  void insertNewIsIdempotentAndKeysMayBeNull() {
    Path dir = SparkTestSession.newFolder("wh");
    Warehouse warehouse = Warehouse.open(spark, dir.toString(), null);
    RunContext run = RunContext.start("run-1");
    Dataset<Row> batch =
        run.stamp(rows(new Object[] {"a", null, 1}, new Object[] {"b", "d1", 2}), "test");

    assertThat(warehouse.insertNew(NOTES, batch)).isEqualTo(2);
    // A re-run after a crash: same keys, nothing new. NULL doc_id matches NULL (null-safe key).
    assertThat(warehouse.insertNew(NOTES, batch)).isEqualTo(0);
    Dataset<Row> more = RunContext.start("run-2").stamp(rows(new Object[] {"a", null, 9},
        new Object[] {"c", null, 3}), "test");
    assertThat(warehouse.insertNew(NOTES, more)).isEqualTo(1);

    List<Row> stored =
        spark.sql("SELECT k, n, run_id FROM wh_notes ORDER BY k").collectAsList();
    assertThat(stored).extracting(Row::toString)
        .containsExactly("[a,1,run-1]", "[b,2,run-1]", "[c,3,run-2]");

    assertThat(warehouse.upsert(NOTES, more)).as("a changed (1 -> 9), c unchanged").isEqualTo(1);
    assertThat(spark.sql("SELECT n, run_id FROM wh_notes WHERE k = 'a'").first().toString())
        .isEqualTo("[9,run-2]");
    // Unchanged values are not rewritten: lineage still names the run that wrote them.
    assertThat(warehouse.upsert(
            NOTES, RunContext.start("run-3").stamp(rows(new Object[] {"a", null, 9}), "t")))
        .isZero();
    assertThat(spark.sql("SELECT run_id FROM wh_notes WHERE k = 'a'").first().getString(0))
        .isEqualTo("run-2");
    assertThat(spark.sql("SELECT count(*) FROM wh_notes").first().getLong(0)).isEqualTo(3);
  }

  @Test
  void openRegistersDeltaFoldersByName() {
    Path dir = SparkTestSession.newFolder("wh");
    // A table written by path only, as another process (or an older run) would leave it.
    rows(new Object[] {"x", "d", 7}).write().format("delta").save(dir.resolve("wh_found").toString());

    Warehouse warehouse = Warehouse.open(spark, dir.toString(), null);

    assertThat(warehouse.tableNames()).containsExactly("wh_found");
    assertThat(spark.sql("SELECT n FROM wh_found").first().getInt(0)).isEqualTo(7);
    assertThat(warehouse.location()).startsWith("file:/");
  }

  @Test
  void aSecondWarehouseInTheSameSessionGetsItsOwnTables() {
    Path first = SparkTestSession.newFolder("wh");
    Path second = SparkTestSession.newFolder("wh");
    RunContext run = RunContext.start("two");
    Warehouse.open(spark, first.toString(), null)
        .insertNew(NOTES, run.stamp(rows(new Object[] {"first", null, 1}), "t"));
    Warehouse other = Warehouse.open(spark, second.toString(), null);
    other.insertNew(NOTES, run.stamp(rows(new Object[] {"second", null, 2}), "t"));

    assertThat(spark.sql("SELECT k FROM wh_notes").collectAsList()).extracting(Row::toString)
        .containsExactly("[second]");
    Warehouse.open(spark, first.toString(), null);
    assertThat(spark.sql("SELECT k FROM wh_notes").collectAsList()).extracting(Row::toString)
        .containsExactly("[first]");
  }

  @Test
  void conformNamesTheTableAndColumn() {
    Dataset<Row> missing = rows(new Object[] {"a", null, 1}).drop("tags");
    assertThatThrownBy(() -> Warehouse.conform(NOTES, RunContext.start("r").stamp(missing, "s")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot write to table wh_notes: missing column 'tags'");
    Dataset<Row> extra = RunContext.start("r").stamp(rows(new Object[] {"a", null, 1}), "s")
        .withColumn("surprise", org.apache.spark.sql.functions.lit(1));
    assertThatThrownBy(() -> Warehouse.conform(NOTES, extra))
        .hasMessage(
            "Cannot write to table wh_notes: columns [surprise] are not in its contract; expected"
                + " [k, doc, n, tags, run_id, created_at, source]");
  }
}

package dev.mtforge.jobs.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.schemas.tables.TableContract;
import dev.mtforge.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** A table written under an older contract gets the nullable columns added since, in contract order. */
class ContractEvolutionTest {
  private static final TableContract V1 =
      TableContract.of("evolving", "k STRING NOT NULL, n INT", List.of(), List.of("k"), "Version 1.");
  private static final TableContract V2 =
      TableContract.of("evolving", "k STRING NOT NULL, tag STRING, n INT, stats ARRAY<STRUCT<f: STRING, c: BIGINT>>",
          List.of(), List.of("k"), "Version 2.");
  private static final TableContract V3 =
      TableContract.of("evolving", "k STRING NOT NULL, n INT, required STRING NOT NULL", List.of(), List.of("k"), "Bad.");
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void olderTablesGainTheNewNullableColumnsAndKeepTheirRows() {
    Path dir = SparkTestSession.newFolder("evolution");
    Warehouse old = Warehouse.open(spark, dir.toString(), "evolution_test");
    StructType v1 = new StructType().add("k", DataTypes.StringType).add("n", DataTypes.IntegerType);
    old.insertNew(V1, RunContext.start("r1").stamp(spark.createDataFrame(List.of(RowFactory.create("a", 1)), v1), "t"));

    Warehouse current = Warehouse.open(spark, dir.toString(), "evolution_test");
    StructType v2 = new StructType().add("k", DataTypes.StringType).add("tag", DataTypes.StringType)
        .add("n", DataTypes.IntegerType)
        .add("stats", DataTypes.createArrayType(new StructType().add("f", DataTypes.StringType).add("c", DataTypes.LongType)));
    current.insertNew(V2, RunContext.start("r2").stamp(spark.createDataFrame(
        List.of(RowFactory.create("b", "x", 2, List.of(RowFactory.create("f1", 3L)))), v2), "t"));
    assertThat(spark.table("evolution_test.evolving").columns())
        .containsExactly("k", "tag", "n", "stats", "run_id", "created_at", "source");
    assertThat(spark.sql("SELECT k, tag, n, stats FROM evolution_test.evolving ORDER BY k").collectAsList())
        .extracting(Row::toString)
        .containsExactly("[a,null,1,null]", "[b,x,2,WrappedArray([f1,3])]");

    assertThatThrownBy(() -> Warehouse.open(spark, dir.toString(), "evolution_test").ensure(V3))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Cannot open table evolving at file:" + dir + "/evolving: it lacks column 'required', which is"
            + " NOT NULL in its contract and cannot be added");
  }
}

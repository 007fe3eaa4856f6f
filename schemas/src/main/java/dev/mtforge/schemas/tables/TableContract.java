package dev.mtforge.schemas.tables;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What a result table holds: its columns, how it is partitioned, which columns identify a row
 * (the key a job MERGEs on, so that a re-run adds no duplicates), and a sentence on its meaning.
 *
 * <p>Every contract ends with the {@link Lineage} columns. Contracts are defined in {@link Tables};
 * a job never writes a column that is not in its table's contract.
 *
 * @param name plain table name, also the folder name under a warehouse
 * @param schema columns in order, lineage columns included
 * @param partitionColumns Delta partition columns (a subset of the schema)
 * @param keyColumns columns that identify one row (a subset of the schema)
 * @param doc what one row means
 */
public record TableContract(
    String name,
    StructType schema,
    List<String> partitionColumns,
    List<String> keyColumns,
    String doc)
    implements Serializable {

  public TableContract {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schema, "schema");
    partitionColumns = List.copyOf(partitionColumns);
    keyColumns = List.copyOf(keyColumns);
    for (String column : partitionColumns) {
      requireColumn(name, schema, column, "partition");
    }
    for (String column : keyColumns) {
      requireColumn(name, schema, column, "key");
    }
  }

  /**
   * Defines a table from a Spark DDL column list; the lineage columns are appended.
   *
   * <pre>{@code TableContract.of("adapters", "adapter_id STRING NOT NULL, path STRING", ...)}</pre>
   */
  public static TableContract of(
      String name, String columnsDdl, List<String> partitionColumns, List<String> keyColumns, String doc) {
    StructType columns = StructType.fromDDL(columnsDdl);
    StructType schema = columns;
    for (StructField lineage : Lineage.SCHEMA.fields()) {
      if (columns.getFieldIndex(lineage.name()).isDefined()) {
        throw new IllegalArgumentException(
            "Table " + name + " declares lineage column '" + lineage.name() + "' itself");
      }
      schema = schema.add(lineage);
    }
    return new TableContract(name, schema, partitionColumns, keyColumns, doc);
  }

  /** Column definitions as Spark SQL DDL, with comments off. */
  public String columnsDdl() {
    return schema.toDDL();
  }

  /** {@code CREATE TABLE IF NOT EXISTS ... USING delta [PARTITIONED BY ...] LOCATION ...}. */
  public String createTableSql(String qualifiedName, String location) {
    StringBuilder sql = new StringBuilder();
    sql.append("CREATE TABLE IF NOT EXISTS ")
        .append(qualifiedName)
        .append(" (")
        .append(columnsDdl())
        .append(") USING delta");
    if (!partitionColumns.isEmpty()) {
      sql.append(" PARTITIONED BY (").append(String.join(", ", partitionColumns)).append(")");
    }
    sql.append(" COMMENT ").append(SqlText.literal(doc));
    sql.append(" LOCATION ").append(SqlText.literal(location));
    return sql.toString();
  }

  /** The columns a job supplies: the schema without the lineage columns ({@code RunContext} adds them). */
  public StructType dataSchema() {
    StructType data = new StructType();
    for (StructField field : schema.fields()) {
      if (Lineage.SCHEMA.getFieldIndex(field.name()).isEmpty()) {
        data = data.add(field);
      }
    }
    return data;
  }

  /** Column names in schema order. */
  public List<String> columnNames() {
    List<String> names = new ArrayList<>();
    for (StructField field : schema.fields()) {
      names.add(field.name());
    }
    return names;
  }

  @Override
  public String toString() {
    return "table " + name;
  }

  private static void requireColumn(String table, StructType schema, String column, String role) {
    if (schema.getFieldIndex(column).isEmpty()) {
      throw new IllegalArgumentException(
          "Table " + table + ": " + role + " column '" + column + "' is not in the schema");
    }
  }
}

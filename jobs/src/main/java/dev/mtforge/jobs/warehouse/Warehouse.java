package dev.mtforge.jobs.warehouse;

import dev.mtforge.jobs.progress.JobProgress;
import dev.mtforge.schemas.tables.Lineage;
import dev.mtforge.schemas.tables.SqlText;
import dev.mtforge.schemas.tables.TableContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.SessionCatalog;
import scala.Option;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Delta tables of one warehouse: a folder ({@code ./warehouse}, {@code s3a://bucket/prefix})
 * with one sub-folder per table, named like the table.
 *
 * <p>Locally there is no metastore: {@link #open} registers every Delta folder it finds in the
 * session catalog, so SQL sees the tables by their plain names in any later process. On a cluster,
 * pass a database ({@code --database analytics.mtforge}); tables are then created in the
 * cluster's catalog (Unity Catalog, Glue, Hive) at the same locations, and persist there.
 *
 * <p>Writes go through {@link #insertNew} or {@link #upsert}: one Delta MERGE on the contract's key
 * columns, so a job that is re-run (after a crash or on purpose) adds no duplicate rows.
 */
public final class Warehouse {
  private static final Logger LOG = LoggerFactory.getLogger(Warehouse.class);
  private static final AtomicLong MERGE_VIEWS = new AtomicLong();

  private final SparkSession spark;
  private final String location;
  private final String database;
  private final Set<String> upToDate = ConcurrentHashMap.newKeySet();

  private Warehouse(SparkSession spark, String location, String database) {
    this.spark = spark;
    this.location = stripTrailingSlash(location);
    this.database = database;
  }

  /**
   * Opens a warehouse and registers the Delta tables already in it.
   *
   * @param location folder or URI of the warehouse
   * @param database catalog database for the tables, or null for the session's current one
   */
  public static Warehouse open(SparkSession spark, String location, String database) {
    Warehouse warehouse = new Warehouse(spark, qualify(spark, location), database);
    if (database != null) {
      spark.sql("CREATE DATABASE IF NOT EXISTS " + SqlText.qualified(database));
    }
    for (String table : warehouse.deltaFolders()) {
      warehouse.register(table);
    }
    return warehouse;
  }

  /** The warehouse URI, fully qualified ({@code file:/...} locally). */
  public String location() {
    return location;
  }

  /** The session this warehouse is open in. */
  public SparkSession spark() {
    return spark;
  }

  /** The name to use in SQL for a table: plain locally, {@code database.table} on a cluster. */
  public String qualifiedName(String table) {
    return database == null ? SqlText.identifier(table) : SqlText.qualified(database) + "." + SqlText.identifier(table);
  }

  /** The folder of a table. */
  public String tablePath(String table) {
    return location + "/" + table;
  }

  /**
   * How a lost CREATE TABLE race shows: Delta refusing a folder that holds files but no commit yet,
   * or the catalog refusing a name another thread of this session registered in between.
   */
  private static final List<String> CREATE_RACES = List.of("DELTA_CREATE_TABLE_WITH_NON_EMPTY_LOCATION",
      "TABLE_OR_VIEW_ALREADY_EXISTS", "DELTA_TABLE_ALREADY_EXISTS");

  /**
   * Creates the table of a contract if it does not exist yet (an empty Delta table). A table
   * written under an older contract gets the nullable columns the contract has added since (see
   * {@link #addMissingColumns}), once per table and warehouse object.
   */
  public void ensure(TableContract contract) {
    releaseIfElsewhere(contract.name());
    if (!exists(contract.name())) {
      LOG.info("Creating table {} at {}", contract.name(), tablePath(contract.name()));
    }
    String create = contract.createTableSql(qualifiedName(contract.name()), tablePath(contract.name()));
    // CREATE TABLE IF NOT EXISTS is idempotent: a writer that created the table first makes it a
    // no-op. One still creating it (its _delta_log there, no commit yet, or not yet in the catalog
    // when this one looked) makes Delta or the catalog refuse: the same race, so it is run again.
    ConcurrentCommits.retry(contract.name(), "create", () -> spark.sql(create),
        e -> CREATE_RACES.stream().anyMatch(String.valueOf(e.getMessage())::contains) && exists(contract.name()));
    if (upToDate.add(contract.name())) {
      addMissingColumns(contract);
    }
  }

  /**
   * Contracts only ever add nullable columns; a table created before one was added gets it with
   * {@code ALTER TABLE … ADD COLUMNS} (placed after its predecessor in the contract), so an
   * existing warehouse keeps working with a newer mtforge. Old rows read the new column as null.
   */
  private void addMissingColumns(TableContract contract) {
    StructType actual = spark.table(qualifiedName(contract.name())).schema();
    String previous = null;
    List<String> added = new ArrayList<>();
    for (StructField field : contract.schema().fields()) {
      if (actual.getFieldIndex(field.name()).isEmpty()) {
        if (!field.nullable()) {
          throw new IllegalStateException("Cannot open table " + contract.name() + " at " + tablePath(contract.name())
              + ": it lacks column '" + field.name() + "', which is NOT NULL in its contract and cannot be added");
        }
        String alter = "ALTER TABLE " + qualifiedName(contract.name()) + " ADD COLUMNS (`" + field.name() + "` "
            + field.dataType().sql() + (previous == null ? " FIRST" : " AFTER `" + previous + "`") + ")";
        // Another writer may add it at the same time: after a lost race the column may be there.
        ConcurrentCommits.retry(contract.name(), "add column " + field.name(), () ->
            spark.table(qualifiedName(contract.name())).schema().getFieldIndex(field.name()).isDefined()
                ? null : spark.sql(alter));
        added.add(field.name());
      }
      previous = field.name();
    }
    if (!added.isEmpty()) {
      LOG.info("Table {}: added columns {} of its current contract", contract.name(), added);
    }
  }

  /** True when the table's folder holds a Delta table. */
  public boolean exists(String table) {
    try {
      Path log = new Path(tablePath(table), "_delta_log");
      return log.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(log);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot check table " + tablePath(table), e);
    }
  }

  /** Reads a table, creating it empty first if needed. */
  public Dataset<Row> read(TableContract contract) {
    ensure(contract);
    return spark.table(qualifiedName(contract.name()));
  }

  /**
   * Reads a table at the version it has now (creating it empty first if needed). Later writes of
   * the same run do not change what the frame sees, so a frame cached on top of it stays a cache
   * hit after the run writes to this table; a plain {@link #read} is re-planned against the new
   * version and recomputes everything above it.
   */
  public Dataset<Row> readPinned(TableContract contract) {
    ensure(contract);
    String name = qualifiedName(contract.name());
    long version = spark.sql("DESCRIBE HISTORY " + name + " LIMIT 1").first().getAs("version");
    return spark.sql("SELECT * FROM " + name + " VERSION AS OF " + version);
  }

  /**
   * Inserts the rows whose key is not in the table yet and leaves existing rows as they are (one
   * Delta MERGE). Returns the number of rows inserted.
   */
  public long insertNew(TableContract contract, Dataset<Row> rows) {
    return merge(contract, rows, false, null);
  }

  /**
   * Inserts new rows and replaces the rows with the same key whose values changed (one Delta
   * MERGE), for derived tables that a re-run recomputes. Rows that are equal apart from lineage
   * are not rewritten and keep their original run id. Returns the rows inserted or changed.
   */
  public long upsert(TableContract contract, Dataset<Row> rows) {
    return merge(contract, rows, true, null);
  }

  /**
   * Makes a slice of the table hold exactly {@code rows}, in one MERGE: rows are inserted or
   * updated on the key as by {@link #upsert}, and rows of the slice whose key is not among them
   * are deleted. The slice is the rows whose columns hold one of the given values (every entry
   * must match), e.g. {@code Map.of("system_id", List.of("a", "b"))}. For derived tables whose
   * re-run must replace what the last run of the same inputs wrote. Returns rows inserted,
   * changed or deleted.
   */
  public long replaceSlice(TableContract contract, Dataset<Row> rows, Map<String, ? extends Collection<?>> slice) {
    if (slice.isEmpty()) {
      throw new IllegalArgumentException("Cannot replace a slice of table " + contract.name() + ": no slice given");
    }
    List<String> conditions = new ArrayList<>();
    for (Map.Entry<String, ? extends Collection<?>> e : slice.entrySet()) {
      if (!contract.columnNames().contains(e.getKey()) || e.getValue().isEmpty()) {
        throw new IllegalArgumentException(
            "Cannot replace a slice of table " + contract.name() + ": column '" + e.getKey() + "' with values "
                + e.getValue());
      }
      conditions.add("t.`" + e.getKey() + "` IN (" + e.getValue().stream()
          .map(v -> v instanceof Number ? v.toString() : SqlText.literal(v.toString()))
          .collect(Collectors.joining(", ")) + ")");
    }
    return merge(contract, rows, true, String.join(" AND ", conditions));
  }

  /** Plain names of the Delta tables in this warehouse. */
  public List<String> tableNames() {
    return deltaFolders();
  }

  private long merge(TableContract contract, Dataset<Row> rows, boolean replaceMatched, String deleteUnmatched) {
    ensure(contract);
    Dataset<Row> conformed = conform(contract, rows);
    // one view per MERGE: two jobs writing the same table from threads of one session (a notebook)
    // must not swap each other's source rows
    String view = "mtforge_merge_source_" + contract.name() + "_" + MERGE_VIEWS.incrementAndGet();
    conformed.createOrReplaceTempView(view);
    String on =
        contract.keyColumns().stream()
            .map(c -> "t.`" + c + "` <=> s.`" + c + "`")
            .collect(Collectors.joining(" AND "));
    StringBuilder sql = new StringBuilder();
    sql.append("MERGE INTO ").append(qualifiedName(contract.name())).append(" t USING ")
        .append(view).append(" s ON ").append(on);
    if (replaceMatched) {
      List<String> same = new ArrayList<>();
      for (StructField field : contract.schema().fields()) {
        if (Lineage.SCHEMA.getFieldIndex(field.name()).isEmpty()) {
          same.add(sameValue(field));
        }
      }
      String changed = String.join(" AND ", same);
      sql.append(" WHEN MATCHED AND NOT (").append(changed).append(") THEN UPDATE SET *");
    }
    sql.append(" WHEN NOT MATCHED THEN INSERT *");
    if (deleteUnmatched != null) {
      sql.append(" WHEN NOT MATCHED BY SOURCE AND ").append(deleteUnmatched).append(" THEN DELETE");
    }
    LOG.info("Merging into {}", contract.name());
    // Both MERGEs are idempotent (insert missing keys; rewrite only changed rows; delete the
    // caller's stale rows), so a commit that lost a race with another writer is simply run again
    // against the table's new version.
    Row metrics;
    String described = JobProgress.step(spark, "writing " + contract.name());
    try {
      metrics = ConcurrentCommits.retry(contract.name(), "merge", () -> spark.sql(sql.toString()).first());
    } finally {
      JobProgress.restore(spark, described);
      spark.catalog().dropTempView(view);
    }
    long inserted = metrics.getLong(metrics.fieldIndex("num_inserted_rows"));
    long updated = metrics.getLong(metrics.fieldIndex("num_updated_rows"));
    long deleted = metrics.getLong(metrics.fieldIndex("num_deleted_rows"));
    if (deleted > 0) {
      LOG.info("Wrote {}: {} rows inserted, {} updated, {} deleted", contract.name(), inserted, updated, deleted);
    } else {
      LOG.info("Wrote {}: {} rows inserted, {} updated", contract.name(), inserted, updated);
    }
    return inserted + updated + deleted;
  }

  /** Null-safe equality of a column in target and source; maps have no equality in Spark SQL. */
  private static String sameValue(StructField field) {
    String t = "t.`" + field.name() + "`";
    String src = "s.`" + field.name() + "`";
    if (field.dataType() instanceof MapType) {
      return "array_sort(map_entries(" + t + ")) <=> array_sort(map_entries(" + src + "))";
    }
    return t + " <=> " + src;
  }

  /**
   * Selects the contract's columns in order and casts them to the contract's types; a missing or
   * unexpected column is an error naming the table and column.
   */
  public static Dataset<Row> conform(TableContract contract, Dataset<Row> rows) {
    List<String> given = List.of(rows.columns());
    List<String> unexpected = new ArrayList<>(given);
    unexpected.removeAll(contract.columnNames());
    if (!unexpected.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot write to table " + contract.name() + ": columns " + unexpected
              + " are not in its contract; expected " + contract.columnNames());
    }
    List<Column> columns = new ArrayList<>();
    for (StructField field : contract.schema().fields()) {
      if (!given.contains(field.name())) {
        throw new IllegalArgumentException(
            "Cannot write to table " + contract.name() + ": missing column '" + field.name() + "'");
      }
      columns.add(functions.col(field.name()).cast(field.dataType()).as(field.name()));
    }
    return rows.select(columns.toArray(new Column[0]));
  }

  private void register(String table) {
    releaseIfElsewhere(table);
    spark.sql("CREATE TABLE IF NOT EXISTS " + qualifiedName(table) + " USING delta LOCATION "
        + SqlText.literal(tablePath(table)));
  }

  /**
   * A catalog entry with this name that points at another folder would make {@code CREATE TABLE
   * IF NOT EXISTS} a silent no-op and send reads and writes to the other warehouse. Locally (no
   * database) the entry is only a pointer we made, so it is re-pointed; in a cluster catalog it is
   * an error naming both locations.
   */
  private void releaseIfElsewhere(String table) {
    TableIdentifier id = new TableIdentifier(table, Option.apply(database));
    SessionCatalog catalog = spark.sessionState().catalog();
    if (!catalog.tableExists(id)) {
      return;
    }
    String registered;
    try {
      registered = new Path(catalog.getTableMetadata(id).location()).toString();
    } catch (AnalysisException dropped) { // removed between the two calls
      return;
    }
    String expected = tablePath(table);
    if (registered.equals(expected)) {
      return;
    }
    if (database != null) {
      throw new IllegalStateException(
          "Cannot open table " + database + "." + table + " in warehouse " + location
              + ": the catalog has it at " + registered + "; drop it or use another --database");
    }
    LOG.info("Re-pointing table {} from {} to {}", table, registered, expected);
    spark.sql("DROP TABLE " + qualifiedName(table));
  }

  private List<String> deltaFolders() {
    Path root = new Path(location);
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(root)) {
        return List.of();
      }
      List<String> tables = new ArrayList<>();
      for (FileStatus status : fs.listStatus(root)) {
        if (status.isDirectory() && fs.exists(new Path(status.getPath(), "_delta_log"))) {
          tables.add(status.getPath().getName());
        }
      }
      tables.sort(null);
      return tables;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list warehouse " + location, e);
    }
  }

  private static String qualify(SparkSession spark, String location) {
    Path path = new Path(stripTrailingSlash(location));
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      return fs.makeQualified(path).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open warehouse " + location, e);
    }
  }

  private static String stripTrailingSlash(String location) {
    return location.endsWith("/") && location.length() > 1
        ? location.substring(0, location.length() - 1)
        : location;
  }

  /** The database tables are registered in, if any. */
  public Optional<String> database() {
    return Optional.ofNullable(database);
  }
}

package dev.mtforge.jobs.reliability;

import dev.mtforge.schemas.tables.TableContract;
import dev.mtforge.schemas.tables.Tables;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;

/**
 * Compares a warehouse with the one a clean run produced: every Delta table must be readable, hold
 * the same rows (ignoring {@code run_id}, {@code created_at} and measured timings) and no two rows
 * with the same merge key; every file a reader would pick up outside the tables (training shards,
 * merged adapters, report pages and images) must exist in both with the same bytes.
 *
 * <p>Hidden files ({@code .name}, {@code _name}: what Spark, Hadoop and browsers skip) are not
 * compared; Delta data files that no commit references are counted, not compared, since Delta
 * readers never see them ({@code VACUUM} removes them).
 *
 * <p>Given the warehouse both runs started from, a table whose {@code _delta_log} is byte for
 * byte the starting one in both warehouses is the same table in both without reading it: neither
 * run committed to it, and a Delta table is what its log references. Most steps write two or
 * three of the seventeen tables, so this spares the kill harness most of its reading.
 */
public final class WarehouseComparison {
  /** Columns that differ between equal runs: lineage times and ids, measured latencies. */
  static final Set<String> IGNORED_COLUMNS = Set.of("run_id", "created_at");
  static final Map<String, Set<String>> VOLATILE_COLUMNS = Map.of("translations", Set.of("latency_ms"));

  private final SparkSession spark;

  public WarehouseComparison(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * The result of a comparison.
   *
   * @param differences one line per difference; empty when the warehouses match
   * @param tables tables compared row by row
   * @param unchanged tables neither warehouse committed to since the start (not read)
   * @param rows rows in the actual warehouse's tables compared row by row
   * @param orphanDataFiles Delta data files no commit of the actual warehouse references
   */
  public record Result(List<String> differences, int tables, int unchanged, long rows, int orphanDataFiles) {
    public boolean matches() {
      return differences.isEmpty();
    }
  }

  /** Compares {@code actual} with {@code expected} (both local warehouse folders). */
  public Result compare(Path expected, Path actual) {
    return compare(expected, actual, null);
  }

  /**
   * Compares {@code actual} with {@code expected}, both made from {@code start} (a local warehouse
   * folder, or null to read every table).
   */
  public Result compare(Path expected, Path actual, Path start) {
    List<String> differences = new ArrayList<>();
    Set<String> tables = new TreeSet<>(deltaTables(expected));
    Set<String> actualTables = deltaTables(actual);
    for (String table : actualTables) {
      if (!tables.contains(table)) {
        differences.add("table " + table + " exists but the clean run has none");
      }
    }
    long rows = 0;
    int orphans = 0;
    int unchanged = 0;
    for (String table : tables) {
      if (!actualTables.contains(table)) {
        differences.add("table " + table + " is missing");
        continue;
      }
      if (start != null && unchangedSince(start, table, expected, actual)) {
        unchanged++;
        continue;
      }
      Dataset<Row> want;
      Dataset<Row> got;
      try {
        want = spark.read().format("delta").load(expected.resolve(table).toString());
        got = spark.read().format("delta").load(actual.resolve(table).toString());
        rows += got.count();
      } catch (Exception e) { // Spark's AnalysisException is checked, thrown undeclared
        differences.add("table " + table + " cannot be read: " + e.getMessage());
        continue;
      }
      differences.addAll(compareRows(table, want, got));
      differences.addAll(duplicateKeys(table, got));
      orphans += orphanDataFiles(actual.resolve(table), got);
    }
    differences.addAll(compareFiles(expected, actual, tables));
    return new Result(differences, tables.size() - unchanged, unchanged, rows, orphans);
  }

  /** True when the table's log holds the same files with the same bytes in all three warehouses. */
  private static boolean unchangedSince(Path start, String table, Path expected, Path actual) {
    Map<String, String> log = logFiles(start.resolve(table));
    return !log.isEmpty() && log.equals(logFiles(expected.resolve(table))) && log.equals(logFiles(actual.resolve(table)));
  }

  /** Every file of a table's {@code _delta_log} (commits, checkpoints, checksums) with its SHA-256. */
  private static Map<String, String> logFiles(Path table) {
    Map<String, String> files = new TreeMap<>();
    Path log = table.resolve("_delta_log");
    if (!Files.isDirectory(log)) {
      return files;
    }
    try (Stream<Path> walk = Files.walk(log)) {
      for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        files.put(log.relativize(file).toString(), sha256(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + log, e);
    }
    return files;
  }

  private List<String> compareRows(String table, Dataset<Row> want, Dataset<Row> got) {
    Set<String> skip = new TreeSet<>(IGNORED_COLUMNS);
    skip.addAll(VOLATILE_COLUMNS.getOrDefault(table, Set.of()));
    List<String> wantColumns = comparable(want, skip);
    List<String> gotColumns = comparable(got, skip);
    if (!wantColumns.equals(gotColumns)) {
      return List.of("table " + table + " has columns " + gotColumns + ", the clean run " + wantColumns);
    }
    Dataset<Row> w = comparableRows(want, skip);
    Dataset<Row> g = comparableRows(got, skip);
    long missing = w.exceptAll(g).count();
    long extra = g.exceptAll(w).count();
    if (missing == 0 && extra == 0) {
      return List.of();
    }
    List<String> example = g.exceptAll(w).limit(1).collectAsList().stream().map(Row::toString).toList();
    List<String> lost = w.exceptAll(g).limit(1).collectAsList().stream().map(Row::toString).toList();
    return List.of("table " + table + ": " + missing + " rows of the clean run missing " + lost + ", "
        + extra + " rows not in it " + example);
  }

  private static List<String> comparable(Dataset<Row> frame, Set<String> skip) {
    return Arrays.stream(frame.columns()).filter(c -> !skip.contains(c)).sorted().toList();
  }

  /** Maps have no equality in Spark SQL: compare them as sorted entry arrays. */
  private static Dataset<Row> comparableRows(Dataset<Row> frame, Set<String> skip) {
    List<Column> columns = new ArrayList<>();
    for (String name : comparable(frame, skip)) {
      StructField field = frame.schema().apply(name);
      Column column = functions.col("`" + name + "`");
      columns.add(field.dataType() instanceof MapType
          ? functions.array_sort(functions.map_entries(column)).as(name)
          : column);
    }
    return frame.select(columns.toArray(new Column[0]));
  }

  private static List<String> duplicateKeys(String table, Dataset<Row> got) {
    TableContract contract;
    try {
      contract = Tables.byName(table);
    } catch (IllegalArgumentException unknown) {
      return List.of("table " + table + " has no contract");
    }
    Column[] key = contract.keyColumns().stream().map(c -> functions.col("`" + c + "`")).toArray(Column[]::new);
    long duplicated = got.groupBy(key).count().filter(functions.col("count").gt(1)).count();
    return duplicated == 0 ? List.of()
        : List.of("table " + table + ": " + duplicated + " keys " + contract.keyColumns() + " occur more than once");
  }

  private static int orphanDataFiles(Path table, Dataset<Row> got) {
    Set<String> referenced = new TreeSet<>();
    for (String file : got.inputFiles()) {
      referenced.add(Path.of(java.net.URI.create(file)).toString());
    }
    try (Stream<Path> files = Files.walk(table)) {
      return (int) files.filter(Files::isRegularFile)
          .filter(p -> !table.relativize(p).toString().startsWith("_delta_log"))
          .filter(p -> !hidden(table.relativize(p)))
          .filter(p -> !referenced.contains(p.toString()))
          .count();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + table, e);
    }
  }

  private List<String> compareFiles(Path expected, Path actual, Set<String> tables) {
    Map<String, List<String>> want = visibleFiles(expected, tables);
    Map<String, List<String>> got = visibleFiles(actual, tables);
    List<String> differences = new ArrayList<>();
    Set<String> names = new TreeSet<>(want.keySet());
    names.addAll(got.keySet());
    for (String name : names) {
      List<String> w = want.getOrDefault(name, List.of());
      List<String> g = got.getOrDefault(name, List.of());
      if (!w.equals(g)) {
        differences.add("file " + name + ": " + g.size() + " file(s) " + shortHashes(g) + ", the clean run "
            + w.size() + " " + shortHashes(w));
      }
    }
    return differences;
  }

  private static List<String> shortHashes(List<String> hashes) {
    return hashes.stream().map(h -> h.substring(0, 12)).toList();
  }

  /**
   * Files outside the tables that a reader would pick up, by path relative to the warehouse with
   * Spark's random part-file ids removed, each with the sorted SHA-256 of its copies.
   */
  static Map<String, List<String>> visibleFiles(Path root, Set<String> tables) {
    Map<String, List<String>> files = new TreeMap<>();
    if (!Files.isDirectory(root)) {
      return files;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        Path relative = root.relativize(file);
        if (tables.contains(relative.getName(0).toString()) || hidden(relative)
            || relative.getName(0).toString().equals("spark-warehouse")) {
          continue;
        }
        String name = relative.toString().replaceAll("part-(\\d+)-[0-9a-f-]{36}", "part-$1");
        files.computeIfAbsent(name, k -> new ArrayList<>()).add(sha256(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + root, e);
    }
    files.values().forEach(list -> list.sort(null));
    return files;
  }

  /** Hadoop's and Spark's hidden-file rule, applied to every path element. */
  static boolean hidden(Path relative) {
    for (Path part : relative) {
      String name = part.toString();
      if (name.startsWith(".") || name.startsWith("_")) {
        return true;
      }
    }
    return false;
  }

  /** Plain names of the Delta tables (folders with a {@code _delta_log}) of a local warehouse. */
  public static Set<String> deltaTables(Path root) {
    Set<String> tables = new TreeSet<>();
    if (!Files.isDirectory(root)) {
      return tables;
    }
    try (Stream<Path> children = Files.list(root)) {
      children.filter(p -> Files.isDirectory(p.resolve("_delta_log")))
          .forEach(p -> tables.add(p.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + root, e);
    }
    return tables;
  }

  private static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

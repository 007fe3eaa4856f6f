package dev.mtforge.testing;

import dev.mtforge.udfs.spark.SparkProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of a test JVM: {@code local[2]}, the repository's {@code local} profile
 * (Delta on), and a warehouse in a temporary folder. Created on first use and stopped when the JVM
 * exits, so every test class of a module shares it (Surefire reuses one fork per module).
 *
 * <pre>{@code SparkSession spark = SparkTestSession.get();}</pre>
 */
public final class SparkTestSession {
  /**
   * Test tables hold a few rows: Spark's code generation costs more than it saves on them (Janino
   * compiles, then the JIT compiles the new classes of every query). Interpreted evaluation gives
   * the same rows; the demo in {@code .ci/run} and the standalone-cluster test keep the generated
   * code of the {@code local} and cluster profiles. Measured in docs/PERFORMANCE.md ("Test suite").
   */
  public static final Map<String, String> SMALL_DATA_SETTINGS = Map.of(
      "spark.sql.codegen.wholeStage", "false",
      "spark.sql.codegen.factoryMode", "NO_CODEGEN");

  private static volatile SparkSession session;
  private static Path root;

  private SparkTestSession() {}

  public static SparkSession get() {
    if (session == null) {
      synchronized (SparkTestSession.class) {
        if (session == null) {
          session = create();
        }
      }
    }
    return session;
  }

  /** A fresh empty folder under the session's temporary root (one per test that writes). */
  public static Path newFolder(String prefix) {
    get();
    try {
      return Files.createTempDirectory(root, prefix);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The repository root (set by Surefire), for reading conf/ and sample-data/ in tests. */
  public static Path repoRoot() {
    String dir = System.getProperty("mtforge.repo.root");
    Path path = dir != null ? Path.of(dir) : Path.of("..").toAbsolutePath().normalize();
    return path;
  }

  private static SparkSession create() {
    try {
      root = Files.createTempDirectory("mtforge-test-");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    SparkProfile profile = SparkProfile.load(SparkProfile.LOCAL, repoRoot().resolve("conf"));
    SparkSession.Builder builder = SparkSession.builder().master("local[2]").appName("mtforge-tests");
    profile.settings().forEach(builder::config);
    builder.config("spark.sql.warehouse.dir", root.resolve("spark-warehouse").toString());
    builder.config("spark.sql.shuffle.partitions", "2");
    SMALL_DATA_SETTINGS.forEach(builder::config);
    SparkSession spark = builder.getOrCreate();
    Runtime.getRuntime().addShutdownHook(new Thread(spark::stop, "stop-test-spark"));
    return spark;
  }
}

package dev.mtforge.jobs.config;

import dev.mtforge.schemas.InvalidOptionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.SparkConf;

/**
 * Job settings from a config file ({@code conf/mtforge.properties} by default, {@code --conf FILE}
 * otherwise) and the Spark conf. Keys use dots for hierarchy and dashes inside a word
 * ({@code inference.batch-size}).
 *
 * <p>A setting resolves as: CLI flag (the caller checks it first), then this file, then the Spark
 * conf key {@code spark.mtforge.<key>} (so {@code spark-submit --conf spark.mtforge.x=y} works),
 * then the default given by the caller.
 */
public final class JobConfig {
  /** Prefix of mtforge keys inside a Spark conf. */
  public static final String SPARK_PREFIX = "spark.mtforge.";
  /** File name of the default job config inside a conf folder. */
  public static final String DEFAULT_FILE = "mtforge.properties";

  private final String origin;
  private final Map<String, String> file;
  private final SparkConf sparkConf;

  private JobConfig(String origin, Map<String, String> file, SparkConf sparkConf) {
    this.origin = origin;
    this.file = Collections.unmodifiableMap(new TreeMap<>(file));
    this.sparkConf = sparkConf;
  }

  /** An empty config: only Spark conf and defaults apply. */
  public static JobConfig empty(SparkConf sparkConf) {
    return new JobConfig("defaults", Map.of(), sparkConf);
  }

  /** Reads a properties file; a missing file is an error naming it. */
  public static JobConfig load(Path file, SparkConf sparkConf) {
    if (!Files.isRegularFile(file)) {
      throw new InvalidOptionException("Job config file not found: " + file);
    }
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return new JobConfig(file.toString(), read(reader), sparkConf);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read job config " + file, e);
    }
  }

  /** The default config packaged in the jar (a copy of conf/mtforge.properties). */
  public static JobConfig packaged(SparkConf sparkConf) {
    String resource = "mtforge/conf/" + DEFAULT_FILE;
    try (InputStream in = JobConfig.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        return empty(sparkConf);
      }
      return new JobConfig(
          "classpath:" + resource,
          read(new java.io.InputStreamReader(in, StandardCharsets.UTF_8)),
          sparkConf);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + resource, e);
    }
  }

  /** The value of a key from the file, else the Spark conf; empty values count as absent. */
  public Optional<String> get(String key) {
    String value = file.get(key);
    if (value == null || value.isBlank()) {
      value = sparkConf == null ? null : sparkConf.get(SPARK_PREFIX + key, null);
    }
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  /** The value of a key, or the default. */
  public String get(String key, String defaultValue) {
    return get(key).orElse(defaultValue);
  }

  /** Every key set in the file. */
  public Set<String> keys() {
    return file.keySet();
  }

  /** Where the file settings came from, for logs. */
  public String origin() {
    return origin;
  }

  private static Map<String, String> read(Reader reader) throws IOException {
    Properties properties = new Properties();
    properties.load(reader);
    Map<String, String> map = new TreeMap<>();
    properties.stringPropertyNames().forEach(k -> map.put(k, properties.getProperty(k)));
    return map;
  }
}

package dev.mtforge.udfs.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A named set of Spark settings from {@code conf/spark/<name>.properties} (spark-defaults.conf
 * format: {@code key value}). The same files serve {@code bin/mtforge --profile}, the test
 * SparkSession and {@code spark-submit --properties-file}.
 *
 * <p>A profile name resolves to a file in the given conf folder if it exists there, else to the
 * copy packaged in the jar under {@code mtforge/conf/spark/}; a path ending in
 * {@code .properties} is read as is.
 */
public record SparkProfile(String name, Map<String, String> settings) {
  public static final String LOCAL = "local";
  private static final String CLASSPATH_DIR = "mtforge/conf/spark/";

  public SparkProfile {
    settings = Collections.unmodifiableMap(new TreeMap<>(settings));
  }

  /** Resolves a profile by name (or path), looking in {@code confDir} first, then the jar. */
  public static SparkProfile load(String nameOrPath, Path confDir) {
    if (nameOrPath.endsWith(".properties")) {
      return read(nameOrPath, Path.of(nameOrPath));
    }
    if (confDir != null) {
      Path file = confDir.resolve("spark").resolve(nameOrPath + ".properties");
      if (Files.isRegularFile(file)) {
        return read(nameOrPath, file);
      }
    }
    String resource = CLASSPATH_DIR + nameOrPath + ".properties";
    try (InputStream in = SparkProfile.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException(
            "Unknown Spark profile '" + nameOrPath + "'; known: local, databricks, emr, or a path"
                + " to a .properties file");
      }
      return new SparkProfile(nameOrPath, parse(new java.io.InputStreamReader(in, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read Spark profile " + resource, e);
    }
  }

  private static SparkProfile read(String name, Path file) {
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return new SparkProfile(name, parse(reader));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read Spark profile " + file, e);
    }
  }

  // java.util.Properties accepts the whitespace separator of spark-defaults.conf.
  private static Map<String, String> parse(Reader reader) throws IOException {
    java.util.Properties properties = new java.util.Properties();
    properties.load(reader);
    Map<String, String> settings = new TreeMap<>();
    properties.stringPropertyNames().forEach(key -> settings.put(key, properties.getProperty(key).trim()));
    return settings;
  }
}

package dev.mtforge.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Spark installation laid out like a Spark distribution ({@code jars/}, {@code conf/}) by the
 * build from Maven Central, and the JVMs it starts: daemons ({@code Master}, {@code Worker}) and
 * {@code SparkSubmit}, each with what {@code bin/spark-class} would give it (class path
 * {@code conf/:jars/*}, {@code SPARK_HOME}, Java 17 module flags).
 */
final class SparkHome {
  private final Path home;
  private final List<String> jvmFlags;

  SparkHome(Path home, String jvmFlags) {
    this.home = home;
    this.jvmFlags = Arrays.stream(jvmFlags.trim().split("\\s+")).filter(f -> !f.isEmpty()).toList();
    if (!Files.isDirectory(home.resolve("jars"))) {
      throw new IllegalStateException("No Spark jars in " + home.resolve("jars") + " (run the test through Maven)");
    }
  }

  Path conf() {
    return home.resolve("conf");
  }

  /** Starts a long-running Spark class (master, worker) with its output in {@code log}. */
  Process daemon(String mainClass, Path log, Map<String, String> env, String... args) throws IOException {
    List<String> command = java("-Xmx256m");
    command.add(mainClass);
    command.addAll(List.of(args));
    return start(command, log, env);
  }

  /**
   * Runs {@code org.apache.spark.deploy.SparkSubmit} (what {@code spark-submit} runs) and waits
   * for it; returns its exit code, or fails after {@code timeout}.
   */
  int submit(List<String> args, String driverMemory, Path log, Duration timeout) throws IOException, InterruptedException {
    return await(startSubmit(args, driverMemory, log), log, timeout);
  }

  /** Starts {@code SparkSubmit} without waiting; {@link #await} it. */
  Process startSubmit(List<String> args, String driverMemory, Path log) throws IOException {
    List<String> command = java("-Xmx" + driverMemory);
    command.add("org.apache.spark.deploy.SparkSubmit");
    command.addAll(args);
    Files.writeString(log, String.join(" ", command) + System.lineSeparator());
    return start(command, log, Map.of());
  }

  /** Waits for a process (SparkSubmit, bin/mtforge) and returns its exit code, or fails after {@code timeout}. */
  static int await(Process process, Path log, Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      StandaloneCluster.stop(process);
      throw new IllegalStateException("The process did not finish within " + timeout + "; log: " + log);
    }
    return process.exitValue();
  }

  private List<String> java(String heap) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add(heap);
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(conf() + java.io.File.pathSeparator + home.resolve("jars").resolve("*"));
    return command;
  }

  private Process start(List<String> command, Path log, Map<String, String> env) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> environment = builder.environment();
    environment.put("SPARK_HOME", home.toString());
    // The launcher that builds executor command lines looks for a Scala build directory otherwise.
    environment.put("SPARK_SCALA_VERSION", "2.12");
    environment.put("SPARK_LOCAL_IP", "127.0.0.1");
    environment.remove("SPARK_CONF_DIR");
    environment.putAll(env);
    return builder.start();
  }
}

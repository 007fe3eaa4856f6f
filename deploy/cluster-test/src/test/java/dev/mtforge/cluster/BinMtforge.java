package dev.mtforge.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The README's launcher, {@code bin/mtforge} of the checkout, run in a working folder of its own
 * (its default warehouse, {@code ./warehouse}, lands there) with the JVM options a user may set in
 * {@code MTFORGE_JAVA_OPTS}; output and log lines go to one file per command.
 */
final class BinMtforge {
  private final Path script;
  private final Path workDir;
  private final String javaOpts;

  BinMtforge(Path repo, Path workDir, String javaOpts) {
    this.script = repo.resolve("bin/mtforge").toAbsolutePath();
    this.workDir = workDir;
    this.javaOpts = javaOpts;
  }

  /** Starts {@code bin/mtforge ARGS} without waiting; {@link SparkHome#await} it. */
  Process start(Path log, String... args) throws IOException {
    Files.createDirectories(workDir);
    List<String> command = new ArrayList<>(List.of("bash", script.toString()));
    command.addAll(List.of(args));
    Files.writeString(log, String.join(" ", command) + System.lineSeparator());
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("MTFORGE_JAVA_OPTS", javaOpts);
    return builder.start();
  }

  /** Runs {@code bin/mtforge ARGS} and returns its exit code, or fails after {@code timeout}. */
  int run(Path log, Duration timeout, String... args) throws IOException, InterruptedException {
    return SparkHome.await(start(log, args), log, timeout);
  }
}

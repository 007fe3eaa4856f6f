package dev.mtforge.jobs.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Starts the real mtforge CLI ({@code dev.mtforge.cli.MtforgeCli}) in a child JVM, the way
 * {@code bin/mtforge} does (the build's Java 17 flags, {@code -Dmtforge.home}, log4j to stderr),
 * with this JVM's class path, and kills it with SIGKILL at a {@link KillPoint}.
 *
 * <p>The child runs C1-only ({@code -XX:TieredStopAtLevel=1}): a short-lived Spark driver spends
 * half its CPU in the C2 compiler, and the flag changes no result.
 */
public final class ChildCli {
  private static final int TAIL_LINES = 40;

  private final Path home;
  private final String classPath;
  private final List<String> jvmFlags;
  private final List<String> sparkSettings;

  /**
   * @param home the mtforge installation (its {@code conf/} and {@code jobs/target/launcher/jvm.options})
   * @param classPath class path holding mtforge and the Spark/Delta jars
   */
  public ChildCli(Path home, String classPath) {
    this(home, classPath, readJvmFlags(home), List.of());
  }

  private ChildCli(Path home, String classPath, List<String> jvmFlags, List<String> sparkSettings) {
    this.home = home;
    this.classPath = classPath;
    this.jvmFlags = jvmFlags;
    this.sparkSettings = sparkSettings;
  }

  private static List<String> readJvmFlags(Path home) {
    try {
      String flags = Files.readString(home.resolve("jobs/target/launcher/jvm.options")).trim();
      return Arrays.asList(flags.split("\\s+"));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the JVM flags of the build; run mvn package first", e);
    }
  }

  /**
   * The same child CLI with Spark settings passed as {@code spark.*} system properties, which the
   * CLI's {@code SparkConf} reads and puts before its profile's (a test's small-data settings).
   */
  public ChildCli withSparkSettings(Map<String, String> settings) {
    List<String> flags = new ArrayList<>(sparkSettings);
    settings.forEach((key, value) -> {
      if (!key.startsWith("spark.")) {
        throw new IllegalArgumentException("Not a Spark setting: " + key);
      }
      flags.add("-D" + key + "=" + value);
    });
    return new ChildCli(home, classPath, jvmFlags, List.copyOf(flags));
  }

  /** A child CLI on this JVM's own class path. */
  public static ChildCli ofThisJvm(Path home) {
    // absolute entries: the child runs in another working directory
    String classPath = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .map(entry -> Path.of(entry).toAbsolutePath().toString())
        .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    return new ChildCli(home, classPath);
  }

  /**
   * What happened to one child run.
   *
   * @param killed true when the child was killed at the kill point (false: it ended first)
   * @param millis milliseconds from start to the kill or the exit
   * @param exitCode the child's exit code (137 after SIGKILL)
   * @param tail the last stderr lines, for failure messages
   */
  public record Outcome(boolean killed, long millis, int exitCode, String tail) {}

  /** Runs a command to its end (no kill) and returns how it ended. */
  public Outcome run(List<String> args, Path workDir, Path log, Duration timeout) {
    return run(args, workDir, log, null, timeout);
  }

  /**
   * Runs a command and kills it at {@code point}; if the point is not reached before the child
   * exits, the outcome says {@code killed = false}.
   */
  public Outcome run(List<String> args, Path workDir, Path log, KillPoint point, Duration timeout) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx2g");
    command.add("-XX:TieredStopAtLevel=1");
    command.addAll(jvmFlags);
    command.addAll(sparkSettings);
    command.add("-Dmtforge.home=" + home);
    command.add("-Dai.djl.offline=true");
    command.add("-Dlog4j2.configurationFile=" + home.resolve("conf/log4j2.properties"));
    command.add("-cp");
    command.add(classPath);
    command.add("dev.mtforge.cli.MtforgeCli");
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    builder.environment().putIfAbsent("DJL_CACHE_DIR", workDir.resolve("djl-cache").toString());
    long started = System.nanoTime();
    Process process;
    try {
      Files.createDirectories(workDir);
      Files.createDirectories(log.toAbsolutePath().getParent());
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the mtforge CLI in " + workDir, e);
    }
    Watcher watcher = new Watcher(process, point, started, log);
    Thread thread = new Thread(watcher, "child-cli-stderr");
    thread.setDaemon(true);
    thread.start();
    try {
      if (point != null && point.anchor() == null) {
        if (!process.waitFor(point.delayMillis(), TimeUnit.MILLISECONDS)) {
          watcher.kill();
        }
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor();
        throw new IllegalStateException("mtforge " + args.get(0) + " did not end within " + timeout
            + "; last lines:\n" + watcher.tail());
      }
      thread.join(10_000);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running mtforge " + args.get(0), e);
    }
    long millis = watcher.killedAt >= 0 ? watcher.killedAt : (System.nanoTime() - started) / 1_000_000;
    return new Outcome(watcher.killedAt >= 0, millis, process.exitValue(), watcher.tail());
  }

  /** Reads the child's stderr to a log file, counts anchor lines and kills at the point. */
  private static final class Watcher implements Runnable {
    private final Process process;
    private final Pattern anchor;
    private final KillPoint point;
    private final long started;
    private final Path log;
    private final Deque<String> tail = new ArrayDeque<>();
    private volatile long killedAt = -1;

    Watcher(Process process, KillPoint point, long started, Path log) {
      this.process = process;
      this.point = point;
      this.anchor = point == null ? null : point.pattern();
      this.started = started;
      this.log = log;
    }

    synchronized void kill() {
      if (killedAt < 0 && process.isAlive()) {
        killedAt = (System.nanoTime() - started) / 1_000_000;
        process.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no finally block runs
      }
    }

    synchronized String tail() {
      return String.join("\n", tail);
    }

    @Override
    public void run() {
      int seen = 0;
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
           Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
        String line;
        while ((line = in.readLine()) != null) {
          out.write(line);
          out.write('\n');
          synchronized (this) {
            tail.addLast(line);
            if (tail.size() > TAIL_LINES) {
              tail.removeFirst();
            }
          }
          if (anchor != null && anchor.matcher(line).find() && ++seen == point.occurrence()) {
            out.write("== kill point " + point + " reached\n");
            out.flush();
            if (point.delayMillis() > 0) {
              Thread.sleep(point.delayMillis());
            }
            kill();
          }
        }
      } catch (IOException e) {
        // the pipe closes when the child dies; nothing more to read
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}

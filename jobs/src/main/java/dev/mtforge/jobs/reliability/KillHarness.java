package dev.mtforge.jobs.reliability;

import dev.mtforge.cli.MtforgeCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills writing jobs with SIGKILL and checks that re-running them gives what a clean run gives.
 *
 * <p>{@link #runCleanChain} runs every step in this JVM (the real CLI, joining this JVM's
 * SparkSession) in one warehouse folder and keeps a copy of the warehouse after each step. {@link
 * #kill} then restores the copy from before a step into the same folder, runs the step's command
 * in a child JVM ({@link ChildCli}) killed at a {@link KillPoint}, re-runs the same command here to
 * completion, and compares the warehouse with the clean copy after the step ({@link
 * WarehouseComparison}). The folder is always the same path, because paths are part of the rows
 * (shard and adapter paths) and of merge ids.
 */
public final class KillHarness {
  private static final Logger LOG = LoggerFactory.getLogger(KillHarness.class);
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final SparkSession spark;
  private final Path home;
  private final Path work;
  private final Path warehouse;
  private final ChildCli child;
  private final Duration childTimeout;
  private final Map<String, Path> before = new LinkedHashMap<>();
  private final Map<String, Path> after = new LinkedHashMap<>();
  private final Map<String, Long> cleanMillis = new LinkedHashMap<>();

  /**
   * @param spark the session the clean runs and re-runs join
   * @param home the mtforge installation (conf/, sample-data/)
   * @param work an empty folder for the warehouse, its copies and the child logs
   */
  public KillHarness(SparkSession spark, Path home, Path work, ChildCli child, Duration childTimeout) {
    this.spark = spark;
    this.home = home;
    this.work = work;
    this.warehouse = work.resolve("warehouse");
    this.child = child;
    this.childTimeout = childTimeout;
  }

  /**
   * One kill and its re-run.
   *
   * @param step the command
   * @param point where it was to be killed
   * @param outcome how the child ended (killed or not)
   * @param comparison the warehouse after the re-run against the clean run's
   */
  public record KillResult(PipelineStep step, KillPoint point, ChildCli.Outcome outcome,
      WarehouseComparison.Result comparison) {
    /** The kill happened and the re-run's warehouse matches the clean one. */
    public boolean survived() {
      return outcome.killed() && comparison.matches();
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s killed at %s (%s after %d ms): %s", step, point,
          outcome.killed() ? "killed" : "not killed, exit " + outcome.exitCode(), outcome.millis(),
          comparison.matches() ? "matches the clean run" : String.join("; ", comparison.differences()));
    }
  }

  /** Runs the steps in order in this JVM, keeping a copy of the warehouse before and after each. */
  public void runCleanChain(List<PipelineStep> steps) {
    delete(warehouse);
    for (PipelineStep step : steps) {
      Path snapshotBefore = work.resolve("clean").resolve(before.size() + "-before-" + step.name());
      copy(warehouse, snapshotBefore);
      before.put(step.name(), snapshotBefore);
      long started = System.nanoTime();
      runHere(step, "clean");
      cleanMillis.put(step.name(), (System.nanoTime() - started) / 1_000_000);
      Path snapshotAfter = work.resolve("clean").resolve(after.size() + "-after-" + step.name());
      copy(warehouse, snapshotAfter);
      after.put(step.name(), snapshotAfter);
    }
  }

  /** Milliseconds each step took in the clean chain (in this JVM). */
  public Map<String, Long> cleanMillis() {
    return cleanMillis;
  }

  /** Runs the step to its end in a child JVM from the clean state before it; returns its duration. */
  public ChildCli.Outcome runChildToEnd(PipelineStep step) {
    restore(step);
    Path log = work.resolve("logs").resolve(step.name() + "-clean-child.log");
    return child.run(commandLine(step, "clean"), work, log, childTimeout);
  }

  /** Kills the step at a point, re-runs it here and compares with the clean run. */
  public KillResult kill(PipelineStep step, KillPoint point) {
    restore(step);
    Path log = work.resolve("logs").resolve(step.name() + "-" + System.nanoTime() + ".log");
    ChildCli.Outcome outcome = child.run(commandLine(step, "retry"), work, log, point, childTimeout);
    DeltaLog.clearCache(); // the child wrote the tables behind this JVM's back
    runHere(step, "retry");
    WarehouseComparison.Result comparison = new WarehouseComparison(spark)
        .compare(after.get(step.name()), warehouse, before.get(step.name()));
    KillResult result = new KillResult(step, point, outcome, comparison);
    LOG.info("Kill harness: {}", result);
    return result;
  }

  private void restore(PipelineStep step) {
    Path snapshot = before.get(step.name());
    if (snapshot == null) {
      throw new IllegalStateException("No clean run of " + step + "; call runCleanChain first");
    }
    delete(warehouse);
    copy(snapshot, warehouse);
    DeltaLog.clearCache();
  }

  private List<String> commandLine(PipelineStep step, String run) {
    String database = "mtforge_kill_" + DATABASES.incrementAndGet();
    return step.commandLine(warehouse, home.resolve("sample-data"), step.name() + "-" + run, database);
  }

  /** Runs the step's command line in this JVM (the CLI joins the active SparkSession). */
  private void runHere(PipelineStep step, String run) {
    SparkSession.setActiveSession(spark);
    SparkSession.setDefaultSession(spark);
    StringWriter err = new StringWriter();
    List<String> args = commandLine(step, run);
    // as bin/mtforge and the child do: conf/ of the installation (the registry's path is a row value)
    String previousHome = System.setProperty("mtforge.home", home.toString());
    int code;
    try {
      code = MtforgeCli.commandLine(new MtforgeCli()).setOut(new PrintWriter(new StringWriter()))
          .setErr(new PrintWriter(err)).execute(args.toArray(new String[0]));
    } finally {
      if (previousHome == null) {
        System.clearProperty("mtforge.home");
      } else {
        System.setProperty("mtforge.home", previousHome);
      }
    }
    if (code != 0) {
      throw new IllegalStateException("mtforge " + String.join(" ", args) + " exited " + code + ": " + err);
    }
  }

  static void copy(Path from, Path to) {
    try {
      Files.createDirectories(to);
      if (!Files.exists(from)) {
        return;
      }
      Files.walkFileTree(from, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
          Files.createDirectories(to.resolve(from.relativize(dir).toString()));
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot copy " + from + " to " + to, e);
    }
  }

  static void delete(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(paths.toList());
      java.util.Collections.reverse(all);
      for (Path p : all) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + dir, e);
    }
  }
}

package dev.mtforge.jobs.reliability;

import dev.mtforge.udfs.spark.SparkProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.sql.SparkSession;

/**
 * Kill campaign (a benchmark-style main, not a test): for every writing command, one clean child
 * run measures how long the command takes in a fresh JVM, then {@code kills} child runs are killed
 * at seeded random times spread uniformly over that duration (JVM start, reads, Delta commits, file
 * writes, exit), each re-run and compared with the clean run. Prints per command the kills made
 * and survived; the figures are in docs/RELIABILITY.md.
 *
 * <pre>{@code java -cp <mtforge.jar:provided jars> dev.mtforge.jobs.reliability.KillCampaign <work-dir> <kills-per-command> <seed> [command...]}</pre>
 *
 * Run it from the repository root (it reads conf/, sample-data/ and the build's JVM flags).
 */
public final class KillCampaign {
  private KillCampaign() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]).toAbsolutePath();
    int kills = Integer.parseInt(args[1]);
    long seed = Long.parseLong(args[2]);
    List<String> only = List.of(args).subList(3, args.length);
    Path home = Path.of(System.getProperty("mtforge.home", ".")).toAbsolutePath().normalize();
    KillHarness.delete(work);
    Files.createDirectories(work);

    SparkSession.Builder builder = SparkSession.builder().master("local[2]").appName("mtforge kill campaign");
    SparkProfile.load(SparkProfile.LOCAL, home.resolve("conf")).settings().forEach(builder::config);
    builder.config("spark.sql.warehouse.dir", work.resolve("spark-warehouse").toString());
    SparkSession spark = builder.getOrCreate();

    List<PipelineStep> steps = PipelineSteps.all();
    int last = steps.size() - 1;
    while (!only.isEmpty() && last > 0 && !only.contains(steps.get(last).name())) {
      last--;
    }
    KillHarness harness = new KillHarness(spark, home, work, ChildCli.ofThisJvm(home), Duration.ofMinutes(15));
    harness.runCleanChain(steps.subList(0, last + 1));

    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, "%-18s %8s %8s %8s %8s %10s %8s", "command", "child-ms", "tried",
        "killed", "survived", "ended-first", "orphans"));
    List<String> failures = new ArrayList<>();
    Random random = new Random(seed);
    for (PipelineStep step : steps.subList(0, last + 1)) {
      if (!only.isEmpty() && !only.contains(step.name())) {
        continue;
      }
      ChildCli.Outcome clean = harness.runChildToEnd(step);
      if (clean.exitCode() != 0) {
        throw new IllegalStateException("clean child run of " + step + " exited " + clean.exitCode() + ":\n" + clean.tail());
      }
      int killed = 0;
      int survived = 0;
      int orphans = 0;
      for (int i = 0; i < kills; i++) {
        KillPoint point = KillPoint.afterStart((long) (random.nextDouble() * clean.millis()));
        KillHarness.KillResult result = harness.kill(step, point);
        orphans = Math.max(orphans, result.comparison().orphanDataFiles());
        if (!result.outcome().killed()) {
          if (!result.comparison().matches()) {
            failures.add(result.toString());
          }
          continue;
        }
        killed++;
        if (result.survived()) {
          survived++;
        } else {
          failures.add(result.toString());
        }
      }
      String line = String.format(Locale.ROOT, "%-18s %8d %8d %8d %8d %10d %8d", step.name(), clean.millis(), kills,
          killed, survived, kills - killed, orphans);
      lines.add(line);
      System.out.println(line);
    }
    System.out.println();
    lines.forEach(System.out::println);
    failures.forEach(f -> System.out.println("FAILED: " + f));
    spark.stop();
    System.exit(failures.isEmpty() ? 0 : 1);
  }
}

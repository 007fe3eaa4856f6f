package dev.mtforge.udfs.reliability;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;

/**
 * Fixed-time fuzzing campaign over every {@link HostileInputs} target (not a test; figures go to
 * docs/RELIABILITY.md):
 *
 * <pre>{@code java -cp ... dev.mtforge.udfs.reliability.HostileInputCampaign <seconds-per-target> <seed> <out-dir> [target...]}</pre>
 *
 * Prints per target the inputs run, how many ended in a result, in InvalidInputException, and
 * problems; each problem input is written to {@code <out-dir>/<target>-<n>.bin}.
 */
public final class HostileInputCampaign {
  private HostileInputCampaign() {}

  public static void main(String[] args) throws Exception {
    long seconds = Long.parseLong(args[0]);
    long seed = Long.parseLong(args[1]);
    Path out = Path.of(args[2]);
    List<String> only = List.of(args).subList(3, args.length);
    Files.createDirectories(out);
    Path repo = Path.of(System.getProperty("mtforge.repo.root", "."));
    System.out.printf(Locale.ROOT, "%-20s %9s %9s %9s %9s %9s%n", "target", "inputs", "results", "rejected",
        "problems", "inputs/s");
    for (HostileInputs.Target target : HostileInputs.all(repo)) {
      if (!only.isEmpty() && !only.contains(target.name())) {
        continue;
      }
      Random random = new Random(seed ^ target.name().hashCode());
      ExecutorService executor = HostileInputs.executor();
      long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      long inputs = 0;
      long results = 0;
      long rejected = 0;
      List<String> problems = new ArrayList<>();
      long started = System.nanoTime();
      while (System.nanoTime() < end) {
        byte[] input = Mutator.mutate(target.seeds(), random);
        HostileInputs.Verdict verdict = HostileInputs.check(executor, target, input, Duration.ofSeconds(10));
        inputs++;
        if (verdict.ok()) {
          if (verdict.thrown() == null) {
            results++;
          } else {
            rejected++;
          }
        } else {
          String key = verdict.problem().replaceAll("[0-9]+", "N");
          if (problems.stream().noneMatch(p -> p.replaceAll("[0-9]+", "N").equals(key))) {
            Files.write(out.resolve(target.name() + "-" + problems.size() + ".bin"), input);
            System.out.println("  problem: " + verdict.problem());
          }
          problems.add(verdict.problem());
          if (verdict.thrown() instanceof java.util.concurrent.TimeoutException) {
            executor.shutdownNow();
            executor = HostileInputs.executor(); // the hung thread keeps running; start a new one
          }
        }
      }
      executor.shutdownNow();
      double rate = inputs / ((System.nanoTime() - started) / 1e9);
      System.out.printf(Locale.ROOT, "%-20s %9d %9d %9d %9d %9.0f%n", target.name(), inputs, results, rejected,
          problems.size(), rate);
    }
  }
}

package dev.mtforge.udfs.metrics.comet.bench;

import dev.mtforge.udfs.metrics.TextFiles;
import dev.mtforge.udfs.metrics.comet.CometModel;
import dev.mtforge.udfs.metrics.comet.CometScorer;
import dev.mtforge.udfs.tokenize.PythonText;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (not a test): COMET scoring of the benchmark segments that bench/comet_bench_setup.py
 * writes, with the package export_comet.py makes of its model; bench/comet-vs-torch.sh runs it
 * beside the torch baseline.
 *
 * <pre>
 * java -cp ... dev.mtforge.udfs.metrics.comet.bench.CometBench /tmp/mtforge-comet-bench [package] [threads]
 *     [tokenBudget] [maxRows] [limit] [shared]
 * </pre>
 *
 * {@code package} is a folder under the data folder ({@code package}: layers above the last
 * weighted one cut; {@code package-full}: every layer), {@code limit} scores only the first N
 * segments (0: all), {@code shared} 0 skips the four-system run.
 *
 * Prints two JSON lines: one system (sys0) scored alone (segments per CPU second of the scoring
 * thread, padding waste; scores written to java-sys0.txt), then four systems scored in one call
 * (encoder passes against the 3 × 4 × segments COMET's predict runs).
 */
public final class CometBench {
  private CometBench() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/mtforge-comet-bench");
    String pkg = args.length > 1 ? args[1] : "package";
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    int budget = args.length > 3 ? Integer.parseInt(args[3]) : CometScorer.TOKEN_BUDGET_DEFAULT;
    int rows = args.length > 4 ? Integer.parseInt(args[4]) : CometScorer.MAX_ROWS_DEFAULT;
    limit = args.length > 5 ? Integer.parseInt(args[5]) : 0;
    boolean fourSystems = args.length <= 6 || !args[6].equals("0");
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    List<String> src = read(dir, "src");
    List<String> ref = read(dir, "ref");
    try (CometModel model = CometModel.loadWarm(CometModel.spec(dir.resolve(pkg).toString()).withThreads(threads))) {
      List<CometScorer.Segment> one = segments(src, read(dir, "sys0"), ref);
      CometScorer scorer = new CometScorer(model, budget, rows);
      long cpu0 = mx.getCurrentThreadCpuTime();
      long proc0 = processCpu(os);
      long wall0 = System.nanoTime();
      float[] scores = scorer.score(one);
      double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
      double proc = (processCpu(os) - proc0) / 1e9;
      double wall = (System.nanoTime() - wall0) / 1e9;
      StringBuilder lines = new StringBuilder();
      double sum = 0;
      for (float s : scores) {
        lines.append((double) s).append('\n');
        sum += s;
      }
      Files.writeString(dir.resolve("java-" + pkg + "-sys0.txt"), lines);
      CometScorer.Stats st = scorer.stats();
      System.out.printf(Locale.ROOT, "{\"tool\": \"mtforge ORT %s\", \"threads\": %d, \"budget\": %d, \"segments\": %d,"
              + " \"cpu_s\": %.2f, \"process_cpu_s\": %.2f, \"wall_s\": %.2f, \"segments_per_cpu_s\": %.2f,"
              + " \"padding_waste\": %.4f, \"encoder_batches\": %d, \"system_score\": %s}%n", pkg, threads, budget,
          one.size(), cpu, proc, wall, one.size() / cpu, st.paddingWaste(), st.batches(), sum / scores.length);
      if (!fourSystems) {
        return;
      }

      List<CometScorer.Segment> four = new ArrayList<>();
      for (int k = 0; k < 4; k++) {
        four.addAll(segments(src, read(dir, "sys" + k), ref));
      }
      CometScorer shared = new CometScorer(model, budget, rows);
      cpu0 = mx.getCurrentThreadCpuTime();
      shared.score(four);
      cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
      CometScorer.Stats s4 = shared.stats();
      System.out.printf(Locale.ROOT, "{\"systems\": 4, \"segments\": %d, \"encoder_passes\": %d,"
              + " \"passes_without_sharing\": %d, \"cpu_s\": %.2f, \"segments_per_cpu_s\": %.2f,"
              + " \"padding_waste\": %.4f}%n", four.size(), s4.encoded(), 3L * four.size(), cpu, four.size() / cpu,
          s4.paddingWaste());
    }
  }

  /** The JVM's CPU time (all threads: ORT's included, were it to use more than the caller). */
  private static long processCpu(java.lang.management.OperatingSystemMXBean os) {
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
  }

  private static List<CometScorer.Segment> segments(List<String> src, List<String> mt, List<String> ref) {
    List<CometScorer.Segment> out = new ArrayList<>();
    for (int i = 0; i < src.size(); i++) {
      out.add(new CometScorer.Segment(src.get(i), mt.get(i), ref.get(i)));
    }
    return out;
  }

  private static int limit;

  private static List<String> read(Path dir, String name) {
    List<String> lines = new ArrayList<>();
    for (String line : TextFiles.readLines(dir.resolve(name + ".txt"))) {
      lines.add(PythonText.strip(line));
    }
    return limit > 0 ? lines.subList(0, Math.min(limit, lines.size())) : lines;
  }
}

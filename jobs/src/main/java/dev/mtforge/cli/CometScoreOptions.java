package dev.mtforge.cli;

import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.udfs.metrics.Comet;
import dev.mtforge.udfs.metrics.Metric;
import dev.mtforge.udfs.metrics.TextFiles;
import dev.mtforge.udfs.metrics.comet.CometManifest;
import dev.mtforge.udfs.metrics.comet.CometModel;
import dev.mtforge.udfs.metrics.comet.CometPackage;
import dev.mtforge.udfs.metrics.comet.CometScorer;
import dev.mtforge.udfs.tokenize.PythonText;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code mtforge score}'s COMET flags and the scoring of files with a COMET package: every
 * system at once, in windows of segments, so each source and reference line is encoded once for
 * all systems. Texts are stripped at both ends, as {@code comet-score} reads them.
 */
final class CometScoreOptions {
  /** Segments scored together (all systems of each): bounds the embeddings held in memory. */
  private static final int WINDOW = 2048;

  @Option(names = "--source", paramLabel = "SRC",
      description = "Source file, one segment per line (COMET metrics).")
  Path source;

  @Option(names = "--comet-model", paramLabel = "<pkg>",
      description = "COMET package (deploy/export/export_comet.py) for -m comet, and for -m cometkiwi unless"
          + " --cometkiwi-model is given.")
  Path model;

  @Option(names = "--cometkiwi-model", paramLabel = "<pkg>",
      description = "Reference-free COMET package for -m cometkiwi, when -m comet uses another one.")
  Path kiwiModel;

  @Option(names = "--comet-batch-tokens", paramLabel = "<n>", defaultValue = "8192",
      description = "Padded tokens per COMET encoder batch (default: ${DEFAULT-VALUE}).")
  int batchTokens;

  @Option(names = "--comet-threads", paramLabel = "<n>", defaultValue = "0",
      description = "ONNX Runtime threads for COMET; 0 = all cores (default: ${DEFAULT-VALUE}).")
  int threads;

  static boolean isComet(String metric) {
    return metric.equalsIgnoreCase("comet") || metric.equalsIgnoreCase("cometkiwi");
  }

  /** The metric of {@code -m comet} or {@code -m cometkiwi}: its package's manifest, checked. */
  Comet metric(CommandSpec spec, String name) {
    boolean kiwi = name.equalsIgnoreCase("cometkiwi");
    Path pkg = kiwi && kiwiModel != null ? kiwiModel : model;
    if (pkg == null) {
      throw new ParameterException(spec.commandLine(), "Metric '" + name.toLowerCase(java.util.Locale.ROOT)
          + "' needs --comet-model <pkg> (export one with deploy/export/export_comet.py)");
    }
    if (source == null) {
      throw new ParameterException(spec.commandLine(), "Metric '" + name.toLowerCase(java.util.Locale.ROOT)
          + "' needs --source SRC");
    }
    if (batchTokens < 1 || threads < 0) {
      throw new ParameterException(spec.commandLine(), "--comet-batch-tokens must be >= 1 and --comet-threads >= 0");
    }
    CometManifest manifest = CometPackage.open(pkg).manifest();
    if (manifest.unified() != kiwi) {
      throw new ParameterException(spec.commandLine(), "Metric '" + name.toLowerCase(java.util.Locale.ROOT)
          + "' needs a " + (kiwi ? "reference-free (unified_metric)" : "reference-based (regression_metric)")
          + " COMET package; " + pkg + " is " + manifest.modelClass() + " (use -m " + (kiwi ? "comet" : "cometkiwi") + ")");
    }
    return new Comet(manifest);
  }

  /** Where a metric's package is (what {@link #metric} opened). */
  private Path packageOf(Comet metric) {
    return metric.manifest().unified() && kiwiModel != null ? kiwiModel : model;
  }

  /**
   * Segment statistics of every system for each COMET metric, keyed by the system's hypothesis
   * list (identity): what {@code ScoreCommand} looks up instead of {@code segmentStats}.
   *
   * @param refs per segment, its references (COMET uses the first)
   */
  Map<Metric, Map<List<String>, List<long[]>>> score(CommandSpec spec, List<Comet> metrics, List<String> names,
      List<List<String>> systems, List<List<String>> refs) {
    List<String> sources = TextFiles.readLines(source);
    int n = systems.get(0).size();
    if (sources.size() != n) {
      throw new InvalidInputException(
          "Cannot score " + names.get(0) + ": it has " + n + " lines but source " + source + " has " + sources.size(),
          source.toString(), null);
    }
    Map<Metric, Map<List<String>, List<long[]>>> out = new IdentityHashMap<>();
    for (Comet metric : metrics) {
      boolean needsRef = metric.manifest().needsReference();
      if (needsRef && (refs.isEmpty() || refs.get(0).isEmpty())) {
        throw new ParameterException(spec.commandLine(), "COMET model " + packageOf(metric) + " ("
            + metric.manifest().modelClass() + ") needs references: give REF files");
      }
      Map<List<String>, List<long[]>> bySystem = new IdentityHashMap<>();
      List<List<long[]>> stats = new ArrayList<>();
      for (List<String> ignored : systems) {
        stats.add(new ArrayList<>(n));
      }
      try (CometModel model = CometModel.load(CometModel.spec(packageOf(metric).toString()).withThreads(threads))) {
        CometScorer scorer = new CometScorer(model, batchTokens, CometScorer.MAX_ROWS_DEFAULT);
        for (int from = 0; from < n; from += WINDOW) {
          int to = Math.min(n, from + WINDOW);
          List<CometScorer.Segment> segments = new ArrayList<>();
          for (List<String> system : systems) {
            for (int i = from; i < to; i++) {
              String ref = needsRef ? PythonText.strip(refs.get(i).get(0)) : null;
              segments.add(new CometScorer.Segment(PythonText.strip(sources.get(i)), PythonText.strip(system.get(i)), ref));
            }
          }
          float[] scores = scorer.score(segments);
          int k = 0;
          for (List<long[]> s : stats) {
            for (int i = from; i < to; i++) {
              s.add(Comet.stats(scores[k++]));
            }
          }
        }
      }
      for (int s = 0; s < systems.size(); s++) {
        bySystem.put(systems.get(s), stats.get(s));
      }
      out.put(metric, bySystem);
    }
    return out;
  }
}

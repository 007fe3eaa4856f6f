package dev.mtforge.cli;

import dev.mtforge.udfs.tensor.merge.MergeOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The merge flags shared by {@code merge} and {@code merge-groups}; each maps to a {@code merge.*} key. */
public final class MergeOptionsMixin {
  @Option(names = "--method", paramLabel = "<method>",
      description = "linear, ties, dare_linear, dare_ties, magnitude_prune, cat, svd, ties_svd, dare_linear_svd,"
          + " dare_ties_svd, magnitude_prune_svd (merge.method). Default: ties.")
  String method;

  @Option(names = "--preset", paramLabel = "<preset>",
      description = "peft, mergekit or ties-paper: sets every semantic option as that implementation does"
          + " (merge.preset). Default: peft.")
  String preset;

  @Option(names = "--density", paramLabel = "<d>",
      description = "Fraction of each task vector kept by pruning, in (0, 1] (merge.density). Default: 0.2.")
  String density;

  @Option(names = "--weights", paramLabel = "<w1,w2,...>",
      description = "Per-input weights, in input order (merge.weights). Default: 1 each.")
  String weights;

  @Option(names = "--lambda", paramLabel = "<l>", description = "Scale of the merged task vector (merge.lambda). Default: 1.")
  String lambda;

  @Option(names = "--seed", paramLabel = "<n>", description = "DARE seed (merge.seed). Default: 0.")
  String seed;

  @Option(names = "--svd-rank", paramLabel = "<r>",
      description = "Rank of the _svd re-factoring (merge.svd-rank). Default: the largest input rank.")
  String svdRank;

  @Option(names = {"-O", "--merge-option"}, paramLabel = "<key=value>",
      description = "Any merge.* option, e.g. -O merge.sign-vote=weighted -O merge.topk-scope=model.")
  Map<String, String> extra = new LinkedHashMap<>();

  /** The {@code merge.*} options given on the command line. */
  public Map<String, String> options() {
    Map<String, String> options = new LinkedHashMap<>(extra);
    put(options, MergeOptions.METHOD, method);
    put(options, MergeOptions.PRESET, preset);
    put(options, MergeOptions.DENSITY, density);
    put(options, MergeOptions.WEIGHTS, weights);
    put(options, MergeOptions.LAMBDA, lambda);
    put(options, MergeOptions.SEED, seed);
    put(options, MergeOptions.SVD_RANK, svdRank);
    return options;
  }

  private static void put(Map<String, String> options, String key, String value) {
    if (value != null) {
      options.put(key, value);
    }
  }
}

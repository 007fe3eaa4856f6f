package dev.mtforge.udfs.tensor.merge;

import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.schemas.OptionValues;
import dev.mtforge.udfs.tensor.safetensors.DType;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Every semantic choice of a merge. The public implementations differ in each of them (see
 * BRIEF.md § Merging); a {@link Preset} sets them all the way one implementation does, and single
 * options override the preset. Built on the driver by {@link #parse}; a plain serializable value
 * on executors.
 *
 * @param method how task vectors combine
 * @param preset the preset the defaults came from
 * @param density fraction of each task vector kept by pruning (TIES' k, DARE's keep probability)
 * @param weights per-input weights, in input order (empty = 1 for every input)
 * @param lambda final scale of the merged task vector
 * @param seed DARE's seed; each tensor's random mask depends on (seed, tensor name, input, element)
 * @param topkScope over what magnitudes are ranked: each tensor, or the whole model per input
 * @param keepCount how many values magnitude pruning keeps
 * @param signVote whether the sign election sees weighted or unweighted values
 * @param signMethod elect by total mass or by count of signs
 * @param divideBy the disjoint mean's divisor
 * @param signTie elected sign where the vote is exactly 0
 * @param dareRescale how DARE rescales the kept values
 * @param loraMode merge LoRA A and B separately, or the full update ΔW (forced for _svd methods)
 * @param svdRank rank of the re-factored update (0 = the largest input rank)
 * @param outputDtype dtype of the written tensors (null = the first input's)
 */
public record MergeOptions(
    MergeMethod method,
    Preset preset,
    double density,
    List<Double> weights,
    double lambda,
    long seed,
    TopkScope topkScope,
    KeepCount keepCount,
    SignVote signVote,
    SignMethod signMethod,
    DivideBy divideBy,
    SignTie signTie,
    DareRescale dareRescale,
    LoraMode loraMode,
    int svdRank,
    DType outputDtype)
    implements Serializable {

  /** Merge method ({@code ties}, {@code dare_ties_svd}, …). Default: ties. */
  public static final String METHOD = "merge.method";
  public static final String METHOD_DEFAULT = "ties";
  /** Preset setting every other option: peft, mergekit, ties-paper. Default: peft. */
  public static final String PRESET = "merge.preset";
  public static final String PRESET_DEFAULT = "peft";
  /** Fraction kept by pruning, in (0, 1]. Default: 0.2, the TIES paper's k = 20%. */
  public static final String DENSITY = "merge.density";
  public static final double DENSITY_DEFAULT = 0.2;
  /** Comma-separated per-input weights. Default: 1 each. */
  public static final String WEIGHTS = "merge.weights";
  /** Scale λ of the merged task vector. Default: 1. */
  public static final String LAMBDA = "merge.lambda";
  public static final double LAMBDA_DEFAULT = 1.0;
  /** DARE seed. Default: 0. */
  public static final String SEED = "merge.seed";
  /** {@code tensor} or {@code model}. Default: the preset's. */
  public static final String TOPK_SCOPE = "merge.topk-scope";
  /** {@code floor} (PEFT, mergekit: top ⌊density·n⌋) or {@code kthvalue} (TIES code: ⌊density·n⌋+1). */
  public static final String KEEP_COUNT = "merge.keep-count";
  /** {@code unweighted} (PEFT, TIES code) or {@code weighted} (mergekit). */
  public static final String SIGN_VOTE = "merge.sign-vote";
  /** {@code total} (sum of values) or {@code frequency} (sum of signs). */
  public static final String SIGN_METHOD = "merge.sign-method";
  /** {@code count} (PEFT, TIES code) or {@code weights} (mergekit). */
  public static final String DIVIDE_BY = "merge.divide-by";
  /** {@code positive} (PEFT, mergekit: vote ≥ 0 → +) or {@code negative}. */
  public static final String SIGN_TIE = "merge.sign-tie";
  /** {@code inverse-density} (1/p), {@code l1} (keep the block's L1 norm) or {@code none}. */
  public static final String DARE_RESCALE = "merge.dare-rescale";
  /** {@code factors} (A and B separately, PEFT) or {@code delta} (ΔW = s·B·A, then SVD). */
  public static final String LORA_MODE = "merge.lora-mode";
  /** Rank of the SVD re-factoring; 0 = the largest input rank. */
  public static final String SVD_RANK = "merge.svd-rank";
  /** Output dtype F32, F16, BF16; default: the first input's. */
  public static final String OUTPUT_DTYPE = "merge.output-dtype";

  /** The keys {@link #parse} accepts. */
  public static final Set<String> VALID_OPTIONS = Set.of(
      METHOD, PRESET, DENSITY, WEIGHTS, LAMBDA, SEED, TOPK_SCOPE, KEEP_COUNT, SIGN_VOTE, SIGN_METHOD,
      DIVIDE_BY, SIGN_TIE, DARE_RESCALE, LORA_MODE, SVD_RANK, OUTPUT_DTYPE);

  public enum TopkScope { TENSOR, MODEL }

  public enum KeepCount { FLOOR, KTHVALUE }

  public enum SignVote { UNWEIGHTED, WEIGHTED }

  public enum SignMethod { TOTAL, FREQUENCY }

  public enum DivideBy { COUNT, WEIGHTS }

  public enum SignTie { POSITIVE, NEGATIVE }

  public enum DareRescale { INVERSE_DENSITY, L1, NONE }

  public enum LoraMode { FACTORS, DELTA }

  /** Defaults for every semantic option, as one implementation has them. */
  public enum Preset {
    /** PEFT's {@code add_weighted_adapter}: per-tensor top-k, unweighted vote, divide by count, A and B apart. */
    PEFT(TopkScope.TENSOR, KeepCount.FLOOR, SignVote.UNWEIGHTED, DivideBy.COUNT, LoraMode.FACTORS),
    /** mergekit: per-tensor top-k, weighted vote, divide by summed weights, full updates. */
    MERGEKIT(TopkScope.TENSOR, KeepCount.FLOOR, SignVote.WEIGHTED, DivideBy.WEIGHTS, LoraMode.DELTA),
    /** The TIES paper's code: top-k over the whole model per task (kthvalue), elect by mass, disjoint mean. */
    TIES_PAPER(TopkScope.MODEL, KeepCount.KTHVALUE, SignVote.UNWEIGHTED, DivideBy.COUNT, LoraMode.DELTA);

    final TopkScope topkScope;
    final KeepCount keepCount;
    final SignVote signVote;
    final DivideBy divideBy;
    final LoraMode loraMode;

    Preset(TopkScope scope, KeepCount keep, SignVote vote, DivideBy divide, LoraMode mode) {
      this.topkScope = scope;
      this.keepCount = keep;
      this.signVote = vote;
      this.divideBy = divide;
      this.loraMode = mode;
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public MergeOptions {
    weights = List.copyOf(weights);
    if (!(density > 0 && density <= 1)) {
      throw new InvalidOptionException("Option " + DENSITY + " must be in (0, 1], got " + density);
    }
    if (!Double.isFinite(lambda)) {
      throw new InvalidOptionException("Option " + LAMBDA + " must be finite, got " + lambda);
    }
    if (svdRank < 0) {
      throw new InvalidOptionException("Option " + SVD_RANK + " must be >= 0, got " + svdRank);
    }
    if (method.svd()) {
      loraMode = LoraMode.DELTA;
    }
  }

  /** Defaults of a preset for a method. */
  public static MergeOptions of(MergeMethod method, Preset preset) {
    return new MergeOptions(method, preset, DENSITY_DEFAULT, List.of(), LAMBDA_DEFAULT, 0, preset.topkScope,
        preset.keepCount, preset.signVote, SignMethod.TOTAL, preset.divideBy, SignTie.POSITIVE,
        DareRescale.INVERSE_DENSITY, method == MergeMethod.CAT ? LoraMode.FACTORS : preset.loraMode, 0, null);
  }

  /**
   * Options from {@code merge.*} keys: the preset first, then each key over it. Unknown keys and
   * bad values fail here, before any tensor is read.
   */
  public static MergeOptions parse(Map<String, String> options) {
    for (String key : options.keySet()) {
      if (!VALID_OPTIONS.contains(key)) {
        throw new InvalidOptionException("Unknown merge option '" + key + "'; known: "
            + VALID_OPTIONS.stream().sorted().collect(Collectors.joining(", ")));
      }
    }
    MergeMethod method = MergeMethod.parse(options.getOrDefault(METHOD, METHOD_DEFAULT));
    Preset preset = enumValue(Preset.class, PRESET, options.getOrDefault(PRESET, PRESET_DEFAULT));
    MergeOptions d = of(method, preset);
    return new MergeOptions(
        method,
        preset,
        OptionValues.number(options, DENSITY, d.density),
        options.containsKey(WEIGHTS) ? weights(options.get(WEIGHTS)) : List.of(),
        OptionValues.number(options, LAMBDA, d.lambda),
        OptionValues.integer(options, SEED, 0),
        enumOr(options, TopkScope.class, TOPK_SCOPE, d.topkScope),
        enumOr(options, KeepCount.class, KEEP_COUNT, d.keepCount),
        enumOr(options, SignVote.class, SIGN_VOTE, d.signVote),
        enumOr(options, SignMethod.class, SIGN_METHOD, d.signMethod),
        enumOr(options, DivideBy.class, DIVIDE_BY, d.divideBy),
        enumOr(options, SignTie.class, SIGN_TIE, d.signTie),
        enumOr(options, DareRescale.class, DARE_RESCALE, d.dareRescale),
        enumOr(options, LoraMode.class, LORA_MODE, d.loraMode),
        OptionValues.nonNegativeInt(options, SVD_RANK, 0),
        options.containsKey(OUTPUT_DTYPE) ? enumValue(DType.class, OUTPUT_DTYPE, options.get(OUTPUT_DTYPE)) : null);
  }

  /** Every option as {@code merge.*} key → value, for the merges table and the merged config. */
  public Map<String, String> describe() {
    Map<String, String> map = new TreeMap<>();
    map.put(METHOD, method.label());
    map.put(PRESET, preset.label());
    map.put(DENSITY, Double.toString(density));
    if (!weights.isEmpty()) {
      map.put(WEIGHTS, weights.stream().map(String::valueOf).collect(Collectors.joining(",")));
    }
    map.put(LAMBDA, Double.toString(lambda));
    map.put(SEED, Long.toString(seed));
    map.put(TOPK_SCOPE, label(topkScope));
    map.put(KEEP_COUNT, label(keepCount));
    map.put(SIGN_VOTE, label(signVote));
    map.put(SIGN_METHOD, label(signMethod));
    map.put(DIVIDE_BY, label(divideBy));
    map.put(SIGN_TIE, label(signTie));
    map.put(DARE_RESCALE, label(dareRescale));
    map.put(LORA_MODE, label(loraMode));
    map.put(SVD_RANK, Integer.toString(svdRank));
    if (outputDtype != null) {
      map.put(OUTPUT_DTYPE, outputDtype.name());
    }
    return map;
  }

  /** The weight of input {@code i} of {@code n}; fails when the weights list does not fit n. */
  public double[] weightsFor(int inputs) {
    if (!weights.isEmpty() && weights.size() != inputs) {
      throw new InvalidOptionException("Option " + WEIGHTS + " has " + weights.size() + " weights for "
          + inputs + " inputs");
    }
    double[] w = new double[inputs];
    for (int i = 0; i < inputs; i++) {
      w[i] = weights.isEmpty() ? 1.0 : weights.get(i);
    }
    return w;
  }

  /** A copy with other weights. */
  public MergeOptions withWeights(List<Double> newWeights) {
    return new MergeOptions(method, preset, density, newWeights, lambda, seed, topkScope, keepCount, signVote,
        signMethod, divideBy, signTie, dareRescale, loraMode, svdRank, outputDtype);
  }

  /** A copy with another method (the preset's other choices kept). */
  public MergeOptions withMethod(MergeMethod newMethod) {
    return new MergeOptions(newMethod, preset, density, weights, lambda, seed, topkScope, keepCount, signVote,
        signMethod, divideBy, signTie, dareRescale, loraMode, svdRank, outputDtype);
  }

  static String label(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static List<Double> weights(String value) {
    List<Double> list = new ArrayList<>();
    for (String part : value.split(",")) {
      try {
        list.add(Double.parseDouble(part.trim()));
      } catch (NumberFormatException e) {
        throw new InvalidOptionException("Option " + WEIGHTS + " must be comma-separated numbers, got '" + value + "'");
      }
    }
    return list;
  }

  private static <E extends Enum<E>> E enumOr(Map<String, String> options, Class<E> type, String key, E fallback) {
    String value = options.get(key);
    return value == null ? fallback : enumValue(type, key, value);
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String key, String value) {
    String wanted = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equals(wanted)) {
        return constant;
      }
    }
    throw new InvalidOptionException("Unknown value '" + value + "' for option " + key + "; known: "
        + Arrays.stream(type.getEnumConstants()).map(e -> type == DType.class ? e.name() : label(e))
            .collect(Collectors.joining(", ")));
  }

  /** Ordered map helper for callers building option maps. */
  public static Map<String, String> options(String... keyValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return map;
  }
}

package dev.mtforge.udfs.tensor.merge;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How task vectors are combined. The names are PEFT's {@code combination_type}s; an {@code _svd}
 * form merges the full update {@code ΔW = s·B·A} per LoRA module and factors the result back to
 * rank r with a truncated SVD, where the plain form merges A and B separately.
 */
public enum MergeMethod {
  /** Weighted sum (task arithmetic). */
  LINEAR(Pruning.NONE, false, false),
  /** Trim to the top-density magnitudes, elect a sign per element, disjoint mean. */
  TIES(Pruning.MAGNITUDE, true, false),
  /** Random drop with rescale (DARE), then weighted sum. */
  DARE_LINEAR(Pruning.RANDOM, false, false),
  /** Random drop with rescale (DARE), then TIES' sign election and disjoint mean. */
  DARE_TIES(Pruning.RANDOM, true, false),
  /** Trim to the top-density magnitudes, then weighted sum. */
  MAGNITUDE_PRUNE(Pruning.MAGNITUDE, false, false),
  /** LoRA only: stack the inputs' ranks (A rows, B columns); merged r = sum of the r's. */
  CAT(Pruning.NONE, false, false),
  /** LINEAR on ΔW, then SVD. */
  SVD(Pruning.NONE, false, true),
  TIES_SVD(Pruning.MAGNITUDE, true, true),
  DARE_LINEAR_SVD(Pruning.RANDOM, false, true),
  DARE_TIES_SVD(Pruning.RANDOM, true, true),
  MAGNITUDE_PRUNE_SVD(Pruning.MAGNITUDE, false, true);

  /** What trims each task vector before combining. */
  public enum Pruning { NONE, MAGNITUDE, RANDOM }

  private final Pruning pruning;
  private final boolean electsSign;
  private final boolean svd;

  MergeMethod(Pruning pruning, boolean electsSign, boolean svd) {
    this.pruning = pruning;
    this.electsSign = electsSign;
    this.svd = svd;
  }

  public Pruning pruning() {
    return pruning;
  }

  /** True for the TIES family (sign election + disjoint mean). */
  public boolean electsSign() {
    return electsSign;
  }

  /** True for the forms that merge ΔW and re-factor it. */
  public boolean svd() {
    return svd;
  }

  /** The name users type: {@code ties}, {@code dare_ties_svd}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a user-typed name; IllegalArgumentException lists the known ones. */
  public static MergeMethod parse(String name) {
    for (MergeMethod method : values()) {
      if (method.label().equals(name.trim().toLowerCase(Locale.ROOT).replace('-', '_'))) {
        return method;
      }
    }
    throw new IllegalArgumentException("Unknown merge method '" + name + "' for option " + MergeOptions.METHOD
        + "; known: " + Arrays.stream(values()).map(MergeMethod::label).collect(Collectors.joining(", ")));
  }
}

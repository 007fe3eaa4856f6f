package dev.mtforge.udfs.metrics;

import dev.mtforge.udfs.metrics.comet.CometManifest;
import java.util.List;
import java.util.Objects;

/**
 * COMET as a {@link Metric}: the aggregation and signature of segment scores that a
 * {@code CometScorer} computed (a neural model scores whole batches with their sources, so
 * {@link #segmentStats} is not how COMET statistics are made; see {@link #stats(float)}).
 *
 * <p>The corpus score is COMET's system score, the plain mean of the segment scores, printed as
 * COMET prints it (0.8654, not ×100). A segment's statistics are {@code [round(score·2³²), 1]}:
 * integers, so Spark's sums and the mean do not depend on partitioning. COMET's scores are
 * float32, which 2³² represents exactly from 2⁻⁹ up (and to within 2⁻³³ below), so the mean is
 * the correctly rounded mean of the segment scores. Bootstrap resampling (confidence intervals,
 * paired tests) reuses sacreBLEU's procedure on these scores, summed in float32 like its
 * statistics.
 *
 * <p>The signature names what produced the numbers: {@code nrefs:1|model:wmt22-comet-da|
 * class:regression_metric|mix:sparsemax|dtype:float32|version:mtforge-0.1.0+comet-2.2.7}
 * ({@code nrefs:0} for a reference-free model; COMET scores against one reference).
 */
public final class Comet implements Metric {
  private static final long serialVersionUID = 1L;
  /** Fixed-point scale of the segment score in the statistics. */
  static final double SCALE = 4294967296.0;

  private final CometManifest manifest;

  public Comet(CometManifest manifest) {
    this.manifest = Objects.requireNonNull(manifest, "manifest");
  }

  /** {@code COMET} for a reference-based model, {@code CometKiwi} for a reference-free one. */
  @Override
  public String name() {
    return manifest.unified() ? "CometKiwi" : "COMET";
  }

  public CometManifest manifest() {
    return manifest;
  }

  @Override
  public int statsSize() {
    return 2;
  }

  /** A segment's statistics from its score. */
  public static long[] stats(float score) {
    if (!Float.isFinite(score)) {
      throw new IllegalArgumentException("COMET score is not finite: " + score);
    }
    return new long[] {Math.round(score * SCALE), 1};
  }

  /** The segment score its statistics hold (exact for |score| ≥ 2⁻⁹). */
  public static double segmentScore(long[] stats) {
    return stats[0] / SCALE;
  }

  /**
   * Not supported: COMET scores batches with the model and needs the source; use
   * {@code CometScorer} and {@link #stats(float)}.
   */
  @Override
  public long[] segmentStats(String hypothesis, List<String> references) {
    throw new UnsupportedOperationException(
        "COMET scores batches of (source, translation, reference) with its model: use CometScorer");
  }

  @Override
  public Score score(long[] stats) {
    if (stats[1] <= 0) {
      throw new IllegalArgumentException("COMET statistics of no segment");
    }
    return Score.of(name(), stats[0] / SCALE / stats[1]);
  }

  /** The signature; {@code numRefs} is ignored: COMET uses one reference, or none (unified). */
  @Override
  public Signature signature(int numRefs) {
    return new Signature(
        manifest.needsReference() ? 1 : 0,
        List.of(
            new String[] {"model", manifest.name(), "m"},
            new String[] {"class", manifest.modelClass(), "cls"},
            new String[] {"mix", "mix".equals(manifest.layerMix().layer())
                ? manifest.layerMix().transformation() : "layer" + manifest.layerMix().layer(), "mix"},
            new String[] {"dtype", manifest.dtype(), "dt"}),
        "mtforge-" + Signature.mtforgeVersion() + "+comet-" + manifest.cometCompat());
  }

  /** The mean of float32-summed resampled scores. */
  @Override
  public double bootstrapScore(float[] totals) {
    return totals[0] / totals[1];
  }

  @Override
  public float[] bootstrapStats(long[] stats) {
    return new float[] {(float) segmentScore(stats), stats[1]};
  }

  @Override
  public boolean bootstrapScoresAreFloat32() {
    return true;
  }
}

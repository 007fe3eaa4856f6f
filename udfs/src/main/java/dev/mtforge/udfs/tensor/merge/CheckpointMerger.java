package dev.mtforge.udfs.tensor.merge;

import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.udfs.tensor.merge.AdapterMergePlan.NamedAdapter;
import dev.mtforge.udfs.tensor.merge.MergeMethod.Pruning;
import dev.mtforge.udfs.tensor.merge.MergeOptions.KeepCount;
import dev.mtforge.udfs.tensor.merge.MergeOptions.TopkScope;
import dev.mtforge.udfs.tensor.safetensors.DType;
import dev.mtforge.udfs.tensor.safetensors.SafetensorsCheckpoint;
import dev.mtforge.udfs.tensor.safetensors.ShardedCheckpointWriter;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import dev.mtforge.udfs.tensor.safetensors.TensorSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Full-weight merges (mergekit's way): task vectors {@code τᵢ = θᵢ − θ_base} per tensor, merged,
 * added back to the base, written as a sharded checkpoint with an index. Everything streams in
 * row blocks of at most {@code blockElements} values per input, so memory is
 * {@code (inputs + 2) × blockElements} floats whatever the model size; per-tensor top-k takes two
 * extra histogram passes over the tensor's blocks, whole-model top-k two passes over the model.
 */
public final class CheckpointMerger {
  private CheckpointMerger() {}

  /**
   * What a merge did.
   *
   * @param outputDir folder of the merged checkpoint
   * @param shards shard file names
   * @param tensorStats per tensor: kept fraction and sign-conflict rate
   */
  public record Result(String outputDir, List<String> shards, Map<String, MergeKernel.Stats> tensorStats) {}

  /** Merges {@code models} against {@code base} into {@code outDir}. */
  public static Result merge(
      TensorFiles files, String base, List<NamedAdapter> models, String outDir, MergeOptions options,
      int blockElements, long maxShardBytes) {
    if (models.size() < 2) {
      throw MergeErrors.tooFewInputs(models.size());
    }
    if (options.method() == MergeMethod.CAT || options.method().svd()) {
      throw new IllegalArgumentException("Method " + options.method().label()
          + " applies to LoRA adapters only; full-weight merges take linear, ties, dare_linear, dare_ties or"
          + " magnitude_prune");
    }
    double[] weights = options.weightsFor(models.size());
    float[] w = new float[weights.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) weights[i];
    }
    List<SafetensorsCheckpoint> opened = new ArrayList<>();
    try (SafetensorsCheckpoint baseModel = SafetensorsCheckpoint.open(files, base)) {
      for (NamedAdapter model : models) {
        opened.add(SafetensorsCheckpoint.open(files, model.dir()));
      }
      List<TensorSpec> specs = new ArrayList<>();
      for (TensorSpec spec : baseModel.specs()) {
        for (int i = 0; i < models.size(); i++) {
          SafetensorsCheckpoint model = opened.get(i);
          if (!model.contains(spec.name())) {
            throw new InvalidInputException("Cannot merge model '" + models.get(i).id() + "': tensor " + spec.name()
                + " is missing (present in the base " + base + ")", models.get(i).dir(), null);
          }
          TensorSpec other = model.spec(spec.name());
          if (!other.sameShape(spec)) {
            throw new InvalidInputException("Cannot merge model '" + models.get(i).id() + "': tensor " + spec.name()
                + " has shape " + other.shapeString() + ", expected " + spec.shapeString() + " (from the base "
                + base + ")", models.get(i).dir(), null);
          }
        }
        specs.add(options.outputDtype() != null ? spec.withDtype(options.outputDtype()) : spec);
      }
      boolean magnitude = options.method().pruning() == Pruning.MAGNITUDE && options.density() < 1;
      float[] modelThresholds = magnitude && options.topkScope() == TopkScope.MODEL
          ? modelThresholds(baseModel, opened, specs, options, blockElements) : null;
      Map<String, MergeKernel.Stats> stats = new LinkedHashMap<>();
      ShardedCheckpointWriter writer = ShardedCheckpointWriter.create(files, outDir, specs, maxShardBytes,
          Map.of("format", "pt"));
      try (writer) {
        for (TensorSpec spec : specs) {
          stats.put(spec.name(), mergeTensor(baseModel, opened, spec, options, w, blockElements, magnitude,
              modelThresholds, writer));
        }
      }
      return new Result(outDir, writer.shardNames(), stats);
    } finally {
      opened.forEach(SafetensorsCheckpoint::close);
    }
  }

  private static MergeKernel.Stats mergeTensor(
      SafetensorsCheckpoint base, List<SafetensorsCheckpoint> models, TensorSpec spec, MergeOptions options,
      float[] weights, int blockElements, boolean magnitude, float[] modelThresholds, ShardedCheckpointWriter writer) {
    int n = models.size();
    long rows = spec.rows();
    long rowElements = Math.max(1, spec.rowElements());
    long rowsPerBlock = Math.max(1, blockElements / rowElements);
    MagnitudeSelect.Selection[] cuts = new MagnitudeSelect.Selection[n];
    long[] tiesLeft = new long[n];
    if (magnitude) {
      for (int i = 0; i < n; i++) {
        cuts[i] = modelThresholds != null
            ? new MagnitudeSelect.Selection(modelThresholds[i], Long.MAX_VALUE)
            : tensorCut(base, models.get(i), spec, options, rowsPerBlock);
        tiesLeft[i] = cuts[i].ties();
      }
    }
    MergeKernel.Stats stats = new MergeKernel.Stats();
    for (long row = 0; row < rows; row += rowsPerBlock) {
      long count = Math.min(rowsPerBlock, rows - row);
      float[] baseBlock = read(base, spec, row, count);
      float[][] deltas = new float[n][];
      for (int i = 0; i < n; i++) {
        deltas[i] = taskVector(models.get(i), base, spec, row, count, baseBlock);
        int length = deltas[i].length;
        stats.total += length;
        if (magnitude) {
          // A running tie quota keeps exactly the whole tensor's top k across blocks.
          MagnitudeSelect.Selection cut = new MagnitudeSelect.Selection(cuts[i].threshold(), tiesLeft[i]);
          long ties = countTies(deltas[i], cut.threshold());
          stats.kept += MergeKernel.pruneMagnitude(deltas[i], 0, length, cut);
          if (tiesLeft[i] != Long.MAX_VALUE) {
            tiesLeft[i] = Math.max(0, tiesLeft[i] - ties);
          }
        } else if (options.method().pruning() == Pruning.RANDOM && options.density() < 1) {
          stats.kept += MergeKernel.pruneRandom(deltas[i], 0, length, row * rowElements, options.density(),
              options.dareRescale(), options.seed(), spec.name(), i);
        } else {
          for (float v : deltas[i]) {
            stats.kept += v != 0f ? 1 : 0;
          }
        }
      }
      float[] merged = new float[baseBlock.length];
      MergeKernel.combine(deltas, 0, merged.length, weights, options.method().electsSign(), options.signVote(),
          options.signMethod(), options.divideBy(), options.signTie(), (float) options.lambda(), merged, 0, stats);
      for (int j = 0; j < merged.length; j++) {
        merged[j] += baseBlock[j];
      }
      writer.append(spec.name(), merged, 0, merged.length);
    }
    return stats;
  }

  private static long countTies(float[] values, float threshold) {
    long ties = 0;
    for (float v : values) {
      if (Math.abs(v) == threshold) {
        ties++;
      }
    }
    return ties;
  }

  private static MagnitudeSelect.Selection tensorCut(
      SafetensorsCheckpoint base, SafetensorsCheckpoint model, TensorSpec spec, MergeOptions options, long rowsPerBlock) {
    long n = spec.elements();
    long k = MagnitudeSelect.keepRank(n, options.density(), options.keepCount());
    if (k == 0) {
      return new MagnitudeSelect.Selection(Float.POSITIVE_INFINITY, 0);
    }
    long[] high = MagnitudeSelect.newHighHistogram();
    for (long row = 0; row < spec.rows(); row += rowsPerBlock) {
      long count = Math.min(rowsPerBlock, spec.rows() - row);
      float[] delta = taskVector(model, base, spec, row, count, read(base, spec, row, count));
      MagnitudeSelect.addHigh(high, delta, 0, delta.length);
    }
    MagnitudeSelect.Bucket bucket = MagnitudeSelect.locate(high, k);
    long[] low = MagnitudeSelect.newLowHistogram();
    for (long row = 0; row < spec.rows(); row += rowsPerBlock) {
      long count = Math.min(rowsPerBlock, spec.rows() - row);
      float[] delta = taskVector(model, base, spec, row, count, read(base, spec, row, count));
      MagnitudeSelect.addLow(low, delta, 0, delta.length, bucket.bucket());
    }
    float threshold = MagnitudeSelect.value(bucket, low);
    if (options.keepCount() == KeepCount.KTHVALUE) {
      return new MagnitudeSelect.Selection(threshold, Long.MAX_VALUE);
    }
    long above = k - bucket.rankInBucket();
    int lowBits = Float.floatToRawIntBits(threshold) & 0xffff;
    for (int b = low.length - 1; b > lowBits; b--) {
      above += low[b];
    }
    return new MagnitudeSelect.Selection(threshold, k - above);
  }

  private static float[] modelThresholds(
      SafetensorsCheckpoint base, List<SafetensorsCheckpoint> models, List<TensorSpec> specs, MergeOptions options,
      int blockElements) {
    long total = 0;
    for (TensorSpec spec : specs) {
      total += spec.elements();
    }
    float[] thresholds = new float[models.size()];
    for (int i = 0; i < models.size(); i++) {
      long k = MagnitudeSelect.keepRank(total, options.density(), options.keepCount());
      if (k == 0) {
        thresholds[i] = Float.POSITIVE_INFINITY;
        continue;
      }
      long[] high = MagnitudeSelect.newHighHistogram();
      forEachBlock(base, models.get(i), specs, blockElements, d -> MagnitudeSelect.addHigh(high, d, 0, d.length));
      MagnitudeSelect.Bucket bucket = MagnitudeSelect.locate(high, k);
      long[] low = MagnitudeSelect.newLowHistogram();
      forEachBlock(base, models.get(i), specs, blockElements,
          d -> MagnitudeSelect.addLow(low, d, 0, d.length, bucket.bucket()));
      thresholds[i] = MagnitudeSelect.value(bucket, low);
    }
    return thresholds;
  }

  private static void forEachBlock(
      SafetensorsCheckpoint base, SafetensorsCheckpoint model, List<TensorSpec> specs, int blockElements,
      java.util.function.Consumer<float[]> action) {
    for (TensorSpec spec : specs) {
      long rowsPerBlock = Math.max(1, blockElements / Math.max(1, spec.rowElements()));
      for (long row = 0; row < spec.rows(); row += rowsPerBlock) {
        long count = Math.min(rowsPerBlock, spec.rows() - row);
        action.accept(taskVector(model, base, spec, row, count, read(base, spec, row, count)));
      }
    }
  }

  private static float[] read(SafetensorsCheckpoint checkpoint, TensorSpec spec, long row, long count) {
    return spec.rank() == 0 ? checkpoint.readFloats(spec.name()) : checkpoint.readRows(spec.name(), row, count);
  }

  private static float[] taskVector(
      SafetensorsCheckpoint model, SafetensorsCheckpoint base, TensorSpec spec, long row, long count, float[] baseBlock) {
    float[] values = read(model, spec, row, count);
    for (int j = 0; j < values.length; j++) {
      values[j] -= baseBlock[j];
    }
    return values;
  }
}

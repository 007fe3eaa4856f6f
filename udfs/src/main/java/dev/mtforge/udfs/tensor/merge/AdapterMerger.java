package dev.mtforge.udfs.tensor.merge;

import dev.mtforge.udfs.tensor.merge.AdapterMergePlan.ModuleTask;
import dev.mtforge.udfs.tensor.merge.AdapterMergePlan.NamedAdapter;
import dev.mtforge.udfs.tensor.peft.PeftAdapter;
import dev.mtforge.udfs.tensor.safetensors.SafetensorsCheckpoint;
import dev.mtforge.udfs.tensor.safetensors.SafetensorsWriter;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges LoRA adapters on one machine, module by module: peak memory is one module of every input
 * plus its merged result, whatever the model size. The Spark job runs the same plan with one task
 * per module; both produce the same bytes.
 *
 * <pre>{@code
 * MergeOptions options = MergeOptions.parse(Map.of("merge.method", "ties", "merge.density", "0.2"));
 * AdapterMerger.Result r = AdapterMerger.merge(TensorFiles.local(), inputs, "out/group-1", options);
 * }</pre>
 */
public final class AdapterMerger {
  private AdapterMerger() {}

  /**
   * What a merge did.
   *
   * @param outputDir folder of the merged adapter
   * @param rank the merged config's r
   * @param tensorStats per module: kept fraction and sign-conflict rate
   */
  public record Result(String outputDir, int rank, Map<String, MergeKernel.Stats> tensorStats) {
    /** Kept fraction over all modules. */
    public double keptFraction() {
      MergeKernel.Stats all = new MergeKernel.Stats();
      tensorStats.values().forEach(all::add);
      return all.keptFraction();
    }

    /** Sign-conflict rate over all modules. */
    public double signConflictRate() {
      MergeKernel.Stats all = new MergeKernel.Stats();
      tensorStats.values().forEach(all::add);
      return all.signConflictRate();
    }
  }

  /** Validates, plans and merges; writes {@code outDir/adapter_config.json} and the weights. */
  public static Result merge(TensorFiles files, List<NamedAdapter> inputs, String outDir, MergeOptions options) {
    AdapterMergePlan plan = AdapterMergePlan.create(files, inputs, options);
    return run(files, plan, outDir);
  }

  /** Runs a plan locally. */
  public static Result run(TensorFiles files, AdapterMergePlan plan, String outDir) {
    List<SafetensorsCheckpoint> opened = plan.openInputs(files);
    try {
      if (plan.needsModelThresholds()) {
        plan = plan.withThresholds(modelThresholds(plan, opened));
      }
      Map<String, MergeKernel.Stats> stats = new LinkedHashMap<>();
      try (SafetensorsWriter writer = SafetensorsWriter.create(
          files, files.resolve(outDir, PeftAdapter.WEIGHTS_FILE), plan.outputSpecs(), plan.outputMetadata())) {
        // Modules are merged a batch at a time on all cores and written in order; memory is
        // one batch of modules. Reads are positional, so the open files are shared by threads.
        List<ModuleTask> tasks = plan.modules();
        int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), tasks.size()));
        AdapterMergePlan finalPlan = plan;
        for (int from = 0; from < tasks.size(); from += threads) {
          List<ModuleTask> batch = tasks.subList(from, Math.min(tasks.size(), from + threads));
          List<LoraMerge.Result> results = batch.size() == 1
              ? List.of(finalPlan.mergeModule(opened, batch.get(0)))
              : batch.parallelStream().map(task -> finalPlan.mergeModule(opened, task)).toList();
          for (int i = 0; i < batch.size(); i++) {
            ModuleTask task = batch.get(i);
            writer.write(task.module() + ".lora_A.weight", results.get(i).a());
            writer.write(task.module() + ".lora_B.weight", results.get(i).b());
            stats.put(task.module(), results.get(i).stats());
          }
        }
      }
      plan.writeConfig(files, outDir);
      return new Result(outDir, plan.outputRank(), stats);
    } finally {
      opened.forEach(SafetensorsCheckpoint::close);
    }
  }

  /** Each input's exact whole-model magnitude threshold: two histogram passes over its modules. */
  static float[] modelThresholds(AdapterMergePlan plan, List<SafetensorsCheckpoint> opened) {
    float[] thresholds = new float[opened.size()];
    for (int i = 0; i < opened.size(); i++) {
      long k = MagnitudeSelect.keepRank(plan.rankedValues(i), plan.options().density(), plan.options().keepCount());
      if (k == 0) {
        thresholds[i] = Float.POSITIVE_INFINITY;
        continue;
      }
      long[] high = MagnitudeSelect.newHighHistogram();
      for (ModuleTask task : plan.modules()) {
        for (float[] block : plan.rankedBlocks(opened.get(i), task, i)) {
          MagnitudeSelect.addHigh(high, block, 0, block.length);
        }
      }
      MagnitudeSelect.Bucket bucket = MagnitudeSelect.locate(high, k);
      long[] low = MagnitudeSelect.newLowHistogram();
      for (ModuleTask task : plan.modules()) {
        for (float[] block : plan.rankedBlocks(opened.get(i), task, i)) {
          MagnitudeSelect.addLow(low, block, 0, block.length, bucket.bucket());
        }
      }
      thresholds[i] = MagnitudeSelect.value(bucket, low);
    }
    return thresholds;
  }
}

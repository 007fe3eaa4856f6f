package dev.mtforge.udfs.tensor.merge;

import dev.mtforge.udfs.tensor.merge.AdapterMergePlan.ModuleTask;
import dev.mtforge.udfs.tensor.merge.AdapterMergePlan.NamedAdapter;
import dev.mtforge.udfs.tensor.peft.PeftAdapter;
import dev.mtforge.udfs.tensor.safetensors.SafetensorsCheckpoint;
import dev.mtforge.udfs.tensor.safetensors.SafetensorsWriter;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
  /** Merged modules that may wait to be written, per core: bounds memory, evens out module sizes. */
  private static final int MODULES_PER_THREAD = 4;

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
        // Modules are merged on all cores and written in order by this thread while the next
        // ones merge; at most a window of merged modules waits, which bounds memory (the inputs
        // go through per-thread buffers). Reads are positional, so the open files are shared by
        // threads. Own threads, not the common pool: its workers drop their thread-locals (the
        // buffers) after every task.
        List<ModuleTask> tasks = plan.modules();
        int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), tasks.size()));
        int window = MODULES_PER_THREAD * threads;
        AdapterMergePlan finalPlan = plan;
        ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
          Thread thread = new Thread(runnable, "mtforge-merge");
          thread.setDaemon(true);
          return thread;
        });
        try {
          List<Future<LoraMerge.Result>> pending = new ArrayList<>();
          for (int i = 0; i < tasks.size(); i++) {
            ModuleTask task = tasks.get(i);
            pending.add(pool.submit(() -> finalPlan.mergeModule(opened, task)));
            if (i + 1 >= window || i + 1 == tasks.size()) {
              // write the oldest module(s) once the window is full, or all at the end
              int writeUpTo = i + 1 == tasks.size() ? tasks.size() : i + 1 - window + 1;
              for (int j = stats.size(); j < writeUpTo; j++) {
                LoraMerge.Result result = await(pending.get(j));
                pending.set(j, null);
                ModuleTask done = tasks.get(j);
                writer.write(done.module() + ".lora_A.weight", result.a());
                writer.write(done.module() + ".lora_B.weight", result.b());
                stats.put(done.module(), result.stats());
              }
            }
          }
        } finally {
          pool.shutdownNow();
        }
      }
      plan.writeConfig(files, outDir);
      return new Result(outDir, plan.outputRank(), stats);
    } finally {
      opened.forEach(SafetensorsCheckpoint::close);
    }
  }

  private static LoraMerge.Result await(Future<LoraMerge.Result> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while merging", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
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

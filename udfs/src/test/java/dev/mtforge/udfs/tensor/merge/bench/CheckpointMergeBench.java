package dev.mtforge.udfs.tensor.merge.bench;

import dev.mtforge.udfs.tensor.merge.AdapterMergePlan.NamedAdapter;
import dev.mtforge.udfs.tensor.merge.CheckpointMerger;
import dev.mtforge.udfs.tensor.merge.MergeOptions;
import dev.mtforge.udfs.tensor.safetensors.DType;
import dev.mtforge.udfs.tensor.safetensors.SafetensorsCheckpoint;
import dev.mtforge.udfs.tensor.safetensors.ShardedCheckpointWriter;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import dev.mtforge.udfs.tensor.safetensors.TensorSpec;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Benchmark (not a test): a full-weight TIES merge (mergekit preset) of 3 models against a base,
 * each model {@code tensors} × [8192, 4096] F32 (128 MiB per tensor), run under a heap smaller than
 * one model to show the row-block streaming.
 *
 * <pre>
 * java -Xmx256m -cp ... dev.mtforge.udfs.tensor.merge.bench.CheckpointMergeBench /tmp/ckpt-bench 8
 * </pre>
 */
public final class CheckpointMergeBench {
  public static void main(String[] args) {
    Path root = Path.of(args.length > 0 ? args[0] : "/tmp/mtforge-ckpt-bench");
    int tensors = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    List<TensorSpec> specs = new ArrayList<>();
    for (int t = 0; t < tensors; t++) {
      specs.add(TensorSpec.of("layers." + t + ".weight", DType.F32, 8192, 4096));
    }
    long genStart = System.nanoTime();
    List<NamedAdapter> models = new ArrayList<>();
    for (int m = 0; m <= 3; m++) {
      Path dir = root.resolve(m == 0 ? "base" : "model-" + m);
      if (!Files.exists(dir)) {
        generate(dir, specs, m);
      }
      if (m > 0) {
        models.add(new NamedAdapter("model-" + m, dir.toString()));
      }
    }
    System.out.printf(Locale.ROOT, "inputs ready in %.1f s (%d MiB per model)%n", (System.nanoTime() - genStart) / 1e9,
        tensors * 128);
    System.gc();
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    long start = System.nanoTime();
    CheckpointMerger.Result result = CheckpointMerger.merge(TensorFiles.local(), root.resolve("base").toString(), models,
        root.resolve("merged").toString(), MergeOptions.parse(Map.of(MergeOptions.METHOD, "ties",
            MergeOptions.PRESET, "mergekit", MergeOptions.DENSITY, "0.2")), 1 << 22, 1L << 30);
    double seconds = (System.nanoTime() - start) / 1e9;
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf(Locale.ROOT, "merged 3 models of %d MiB against a base in %.1f s into %d shards; peak heap %d MiB"
        + " (max %d MiB)%n", tensors * 128, seconds, result.shards().size(), peak >> 20,
        Runtime.getRuntime().maxMemory() >> 20);
    try (SafetensorsCheckpoint merged = SafetensorsCheckpoint.open(TensorFiles.local(), root.resolve("merged").toString())) {
      System.out.println("merged checkpoint: " + merged.names().size() + " tensors");
    }
  }

  private static void generate(Path dir, List<TensorSpec> specs, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] rows = new float[256 * 4096];
    try (ShardedCheckpointWriter writer = ShardedCheckpointWriter.create(TensorFiles.local(), dir.toString(), specs,
        1L << 30, Map.of("format", "pt"))) {
      for (TensorSpec spec : specs) {
        for (int block = 0; block < 8192 / 256; block++) {
          for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) (random.nextDouble() - 0.5) * 0.02f;
          }
          writer.append(spec.name(), rows, 0, rows.length);
        }
      }
    }
  }
}

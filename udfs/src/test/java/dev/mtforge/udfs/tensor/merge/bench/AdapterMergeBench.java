package dev.mtforge.udfs.tensor.merge.bench;

import dev.mtforge.udfs.tensor.merge.AdapterMergePlan.NamedAdapter;
import dev.mtforge.udfs.tensor.merge.AdapterMerger;
import dev.mtforge.udfs.tensor.merge.MergeOptions;
import dev.mtforge.udfs.tensor.peft.PeftAdapter;
import dev.mtforge.udfs.tensor.safetensors.DType;
import dev.mtforge.udfs.tensor.safetensors.SafetensorsWriter;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import dev.mtforge.udfs.tensor.safetensors.TensorSpec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Benchmark (not a test): merges N adapters of LLaMA-2-13B shape (r 16 on q,k,v,o,gate,up,down,
 * 40 layers, 62.6M parameters each, F32) with AdapterMerger and prints wall time and peak heap.
 *
 * <pre>
 * java -Xmx2g -cp ... dev.mtforge.udfs.tensor.merge.bench.AdapterMergeBench /tmp/bench13b 8 40 ties 0.2
 * </pre>
 * Adapters are generated into the folder on first use (seeded random values).
 */
public final class AdapterMergeBench {
  private static final int HIDDEN = 5120;
  private static final int INTERMEDIATE = 13824;
  private static final int RANK = 16;

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : "/tmp/mtforge-bench-13b");
    int adapters = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int layers = args.length > 2 ? Integer.parseInt(args[2]) : 40;
    String method = args.length > 3 ? args[3] : "ties";
    String density = args.length > 4 ? args[4] : "0.2";
    List<NamedAdapter> inputs = new ArrayList<>();
    long genStart = System.nanoTime();
    for (int i = 0; i < adapters; i++) {
      Path dir = root.resolve("adapter-" + i);
      if (!Files.exists(dir.resolve(PeftAdapter.WEIGHTS_FILE))) {
        generate(dir, layers, 1000 + i);
      }
      inputs.add(new NamedAdapter("adapter-" + i, dir.toString()));
    }
    System.out.printf(Locale.ROOT, "inputs ready in %.1f s%n", (System.nanoTime() - genStart) / 1e9);
    resetPeaks();
    long start = System.nanoTime();
    AdapterMerger.Result result = AdapterMerger.merge(TensorFiles.local(), inputs, root.resolve("merged").toString(),
        MergeOptions.parse(Map.of(MergeOptions.METHOD, method, MergeOptions.DENSITY, density)));
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "merged %d adapters x %d layers (%s, density %s): %d modules in %.2f s;"
            + " kept %.3f, conflicts %.3f; peak heap %.0f MiB (max %d MiB)%n",
        adapters, layers, method, density, result.tensorStats().size(), seconds, result.keptFraction(),
        result.signConflictRate(), peakHeapMiB(), Runtime.getRuntime().maxMemory() >> 20);
  }

  static void generate(Path dir, int layers, long seed) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(PeftAdapter.CONFIG_FILE), "{\"peft_type\":\"LORA\",\"r\":16,\"lora_alpha\":32,"
        + "\"target_modules\":[\"q_proj\",\"k_proj\",\"v_proj\",\"o_proj\",\"gate_proj\",\"up_proj\",\"down_proj\"]}");
    Map<String, int[]> shapes = new LinkedHashMap<>(); // module: out, in
    shapes.put("self_attn.q_proj", new int[] {HIDDEN, HIDDEN});
    shapes.put("self_attn.k_proj", new int[] {HIDDEN, HIDDEN});
    shapes.put("self_attn.v_proj", new int[] {HIDDEN, HIDDEN});
    shapes.put("self_attn.o_proj", new int[] {HIDDEN, HIDDEN});
    shapes.put("mlp.gate_proj", new int[] {INTERMEDIATE, HIDDEN});
    shapes.put("mlp.up_proj", new int[] {INTERMEDIATE, HIDDEN});
    shapes.put("mlp.down_proj", new int[] {HIDDEN, INTERMEDIATE});
    List<TensorSpec> specs = new ArrayList<>();
    for (int layer = 0; layer < layers; layer++) {
      for (Map.Entry<String, int[]> m : shapes.entrySet()) {
        String prefix = "base_model.model.model.layers." + layer + "." + m.getKey();
        specs.add(TensorSpec.of(prefix + ".lora_A.weight", DType.F32, RANK, m.getValue()[1]));
        specs.add(TensorSpec.of(prefix + ".lora_B.weight", DType.F32, m.getValue()[0], RANK));
      }
    }
    SplittableRandom random = new SplittableRandom(seed);
    try (SafetensorsWriter out = SafetensorsWriter.create(TensorFiles.local(),
        dir.resolve(PeftAdapter.WEIGHTS_FILE).toString(), specs, Map.of("format", "pt"))) {
      for (TensorSpec spec : specs) {
        float[] values = new float[(int) spec.elements()];
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) (random.nextDouble() - 0.5) * 0.02f;
        }
        out.write(spec.name(), values);
      }
    }
  }

  private static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
  }

  private static double peakHeapMiB() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak / (1024.0 * 1024.0);
  }
}

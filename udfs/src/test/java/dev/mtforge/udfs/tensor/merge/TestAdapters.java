package dev.mtforge.udfs.tensor.merge;

import dev.mtforge.udfs.tensor.peft.PeftAdapter;
import dev.mtforge.udfs.tensor.safetensors.DType;
import dev.mtforge.udfs.tensor.safetensors.SafetensorsWriter;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import dev.mtforge.udfs.tensor.safetensors.TensorSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Writes small random PEFT adapters for tests: module name → {rank, in, out}. */
final class TestAdapters {
  private TestAdapters() {}

  static Path write(Path dir, int r, double alpha, Map<String, int[]> modules, long seed) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(PeftAdapter.CONFIG_FILE),
          "{\"peft_type\":\"LORA\",\"r\":" + r + ",\"lora_alpha\":" + alpha + ",\"target_modules\":[\"q_proj\"]}");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<TensorSpec> specs = new ArrayList<>();
    for (Map.Entry<String, int[]> m : modules.entrySet()) {
      int[] s = m.getValue();
      specs.add(TensorSpec.of(m.getKey() + ".lora_A.weight", DType.F32, s[0], s[1]));
      specs.add(TensorSpec.of(m.getKey() + ".lora_B.weight", DType.F32, s[2], s[0]));
    }
    SplittableRandom random = new SplittableRandom(seed);
    try (SafetensorsWriter out = SafetensorsWriter.create(TensorFiles.local(),
        dir.resolve(PeftAdapter.WEIGHTS_FILE).toString(), specs, Map.of("format", "pt"))) {
      for (TensorSpec spec : specs) {
        out.write(spec.name(), random(random, (int) spec.elements()));
      }
    }
    return dir;
  }

  static float[] random(SplittableRandom random, int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return values;
  }
}

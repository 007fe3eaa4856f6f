package dev.mtforge.udfs.tensor.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.udfs.tensor.merge.AdapterMergePlan.NamedAdapter;
import dev.mtforge.udfs.tensor.safetensors.DType;
import dev.mtforge.udfs.tensor.safetensors.SafetensorsCheckpoint;
import dev.mtforge.udfs.tensor.safetensors.ShardedCheckpointWriter;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import dev.mtforge.udfs.tensor.safetensors.TensorSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CheckpointMergerTest {
  @TempDir Path dir;

  private static final TensorFiles FILES = TensorFiles.local();
  private static final List<TensorSpec> SPECS = List.of(
      TensorSpec.of("embed.weight", DType.F32, 10, 6),
      TensorSpec.of("layers.0.mlp.weight", DType.F32, 12, 10),
      TensorSpec.of("norm.weight", DType.F32, 6));

  private Path model(String name, long seed, long shardBytes) {
    Path out = dir.resolve(name);
    SplittableRandom random = new SplittableRandom(seed);
    try (ShardedCheckpointWriter writer = ShardedCheckpointWriter.create(FILES, out.toString(), SPECS, shardBytes, Map.of())) {
      for (TensorSpec spec : SPECS) {
        writer.write(spec.name(), TestAdapters.random(random, (int) spec.elements()));
      }
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"ties", "dare_ties", "magnitude_prune", "linear"})
  void rowBlocksGiveTheWholeTensorMergeBitForBit(String method) {
    Path base = model("base", 1, 1 << 20);
    List<NamedAdapter> models = List.of(
        new NamedAdapter("m1", model("m1", 2, 300).toString()), // sharded with an index
        new NamedAdapter("m2", model("m2", 3, 1 << 20).toString()),
        new NamedAdapter("m3", model("m3", 4, 1 << 20).toString()));
    MergeOptions options = MergeOptions.parse(Map.of(MergeOptions.METHOD, method, MergeOptions.PRESET, "mergekit",
        MergeOptions.DENSITY, "0.3", MergeOptions.WEIGHTS, "0.5,1,0.8", MergeOptions.LAMBDA, "1.2"));
    CheckpointMerger.Result small = CheckpointMerger.merge(FILES, base.toString(), models,
        dir.resolve("out-small").toString(), options, 7, 200);
    assertThat(small.shards()).hasSizeGreaterThan(1);
    CheckpointMerger.merge(FILES, base.toString(), models, dir.resolve("out-big").toString(), options, 1 << 20, 1 << 20);
    try (SafetensorsCheckpoint a = SafetensorsCheckpoint.open(FILES, dir.resolve("out-small").toString());
        SafetensorsCheckpoint b = SafetensorsCheckpoint.open(FILES, dir.resolve("out-big").toString());
        SafetensorsCheckpoint baseModel = SafetensorsCheckpoint.open(FILES, base.toString())) {
      for (TensorSpec spec : SPECS) {
        float[] merged = a.readFloats(spec.name());
        assertThat(merged).as(spec.name()).containsExactly(b.readFloats(spec.name()));
        if (!method.startsWith("dare")) {
          // Whole-tensor reference: task vectors merged in memory, plus the base.
          float[] baseValues = baseModel.readFloats(spec.name());
          float[][] deltas = new float[3][];
          for (int i = 0; i < 3; i++) {
            try (SafetensorsCheckpoint m = SafetensorsCheckpoint.open(FILES, models.get(i).dir())) {
              deltas[i] = m.readFloats(spec.name());
            }
            for (int j = 0; j < baseValues.length; j++) {
              deltas[i][j] -= baseValues[j];
            }
          }
          float[] expected = LoraMerge.mergeTensor(spec.name(), deltas, new float[] {0.5f, 1f, 0.8f}, options, null,
              new MergeKernel.Stats());
          for (int j = 0; j < expected.length; j++) {
            expected[j] += baseValues[j];
          }
          assertThat(merged).as(spec.name()).containsExactly(expected);
        }
      }
    }
  }

  @Test
  void shapeMismatchAgainstTheBase() {
    Path base = model("base", 1, 1 << 20);
    Path other = dir.resolve("other");
    List<TensorSpec> specs = List.of(TensorSpec.of("embed.weight", DType.F32, 10, 7),
        SPECS.get(1), SPECS.get(2));
    try (ShardedCheckpointWriter writer = ShardedCheckpointWriter.create(FILES, other.toString(), specs, 1 << 20, Map.of())) {
      for (TensorSpec spec : specs) {
        writer.write(spec.name(), new float[(int) spec.elements()]);
      }
    }
    assertThatThrownBy(() -> CheckpointMerger.merge(FILES, base.toString(),
        List.of(new NamedAdapter("m1", model("m1", 2, 1 << 20).toString()), new NamedAdapter("other", other.toString())),
        dir.resolve("out").toString(), MergeOptions.parse(Map.of()), 64, 1 << 20))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Cannot merge model 'other': tensor embed.weight has shape [10, 7], expected [10, 6] (from the base "
            + base + ")");
  }
}

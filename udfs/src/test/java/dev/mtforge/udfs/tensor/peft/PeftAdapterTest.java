package dev.mtforge.udfs.tensor.peft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.udfs.tensor.safetensors.DType;
import dev.mtforge.udfs.tensor.safetensors.SafetensorsWriter;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import dev.mtforge.udfs.tensor.safetensors.TensorSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeftAdapterTest {
  @TempDir Path dir;

  private static final String Q = "base_model.model.model.layers.0.self_attn.q_proj";
  private static final String V = "base_model.model.model.layers.0.self_attn.v_proj";

  @Test
  void loadsModulesWithPatternsAndRsloraScaling() throws IOException {
    Path adapter = adapter("a", "{\"peft_type\":\"LORA\",\"r\":4,\"lora_alpha\":8,\"use_rslora\":true,"
        + "\"target_modules\":[\"v_proj\",\"q_proj\"],\"rank_pattern\":{\"v_proj\":2},"
        + "\"alpha_pattern\":{\"layers.0.self_attn.v_proj\":3}}", Map.of(Q, 4, V, 2));
    try (PeftAdapter peft = PeftAdapter.load(TensorFiles.local(), adapter.toString())) {
      assertThat(peft.config().targetModules()).containsExactly("q_proj", "v_proj");
      assertThat(peft.modules()).containsExactly(
          new LoraModule(Q, 4, 8, 6, 8 / Math.sqrt(4)),
          new LoraModule(V, 2, 8, 6, 3 / Math.sqrt(2)));
      assertThat(peft.loraA(peft.module(Q))).hasSize(32).startsWith(0f, 1f, 2f);
      assertThat(peft.loraB(peft.module(V))).hasSize(12);
      assertThat(peft.otherTensors()).isEmpty();
    }
  }

  @Test
  void plainScalingIsAlphaOverR() throws IOException {
    Path adapter = adapter("b", "{\"r\":4,\"lora_alpha\":16,\"target_modules\":\"q_proj\"}", Map.of(Q, 4));
    try (PeftAdapter peft = PeftAdapter.load(TensorFiles.local(), adapter.toString())) {
      assertThat(peft.config().targetModulesRegex()).isEqualTo("q_proj");
      assertThat(peft.module(Q).scaling()).isEqualTo(4.0);
    }
  }

  @Test
  void rankDisagreeingWithConfigIsRejected() throws IOException {
    Path adapter = adapter("c", "{\"r\":8,\"lora_alpha\":16}", Map.of(Q, 4));
    String weights = adapter.resolve(PeftAdapter.WEIGHTS_FILE).toString();
    assertThatThrownBy(() -> PeftAdapter.load(TensorFiles.local(), adapter.toString()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(weights + ": module '" + Q + "': lora_A [4, 8] has rank 4 but adapter_config.json says r = 8");
  }

  @Test
  void missingConfigAndBadJsonAreRejected() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    String config = empty.resolve(PeftAdapter.CONFIG_FILE).toString();
    assertThatThrownBy(() -> PeftAdapter.load(TensorFiles.local(), empty.toString()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(config + ": adapter config not found");
    Files.writeString(Path.of(config), "{\"r\": \"four\"}");
    assertThatThrownBy(() -> PeftAdapter.load(TensorFiles.local(), empty.toString()))
        .hasMessage(config + ": missing or non-integer 'r'");
  }

  /** Writes an adapter whose modules have A [r, 8] and B [6, r] filled with 0, 1, 2, ... */
  private Path adapter(String name, String config, Map<String, Integer> ranks) throws IOException {
    Path folder = Files.createDirectories(dir.resolve(name));
    Files.writeString(folder.resolve(PeftAdapter.CONFIG_FILE), config);
    List<TensorSpec> specs = new ArrayList<>();
    for (String module : ranks.keySet().stream().sorted().toList()) {
      specs.add(TensorSpec.of(module + ".lora_A.weight", DType.F32, ranks.get(module), 8));
      specs.add(TensorSpec.of(module + ".lora_B.weight", DType.F32, 6, ranks.get(module)));
    }
    try (SafetensorsWriter out = SafetensorsWriter.create(
        TensorFiles.local(), folder.resolve(PeftAdapter.WEIGHTS_FILE).toString(), specs, Map.of("format", "pt"))) {
      for (TensorSpec spec : specs) {
        float[] values = new float[(int) spec.elements()];
        for (int i = 0; i < values.length; i++) {
          values[i] = i;
        }
        out.write(spec.name(), values);
      }
    }
    return folder;
  }
}

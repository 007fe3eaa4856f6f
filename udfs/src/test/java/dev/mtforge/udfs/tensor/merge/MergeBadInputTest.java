package dev.mtforge.udfs.tensor.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.udfs.tensor.merge.AdapterMergePlan.NamedAdapter;
import dev.mtforge.udfs.tensor.peft.PeftAdapter;
import dev.mtforge.udfs.tensor.safetensors.SafetensorsException;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MergeBadInputTest {
  @TempDir Path dir;

  private static final String Q = "base_model.model.model.layers.0.self_attn.q_proj";
  private static final String V = "base_model.model.model.layers.0.self_attn.v_proj";

  private Path adapter(String name, int r, Map<String, int[]> modules) {
    return TestAdapters.write(dir.resolve(name), r, 2 * r, new TreeMap<>(modules), name.hashCode());
  }

  private void merge(String method, Path... adapters) {
    List<NamedAdapter> inputs = java.util.Arrays.stream(adapters)
        .map(p -> new NamedAdapter(p.getFileName().toString(), p.toString())).toList();
    AdapterMerger.merge(TensorFiles.local(), inputs, dir.resolve("out").toString(),
        MergeOptions.parse(Map.of(MergeOptions.METHOD, method)));
  }

  @Test
  void rankMismatch() {
    Path a = adapter("fr", 8, Map.of(Q, new int[] {8, 16, 16}));
    Path b = adapter("de", 4, Map.of(Q, new int[] {4, 16, 16}));
    assertThatThrownBy(() -> merge("ties", a, b))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Cannot merge adapter 'de': module " + Q + " has rank 4, expected 8 (from 'fr'); ties merges"
            + " A and B separately and needs equal ranks (use cat or an _svd method)");
    merge("ties_svd", a, b); // the ΔW forms accept different ranks
    assertThat(dir.resolve("out").resolve(PeftAdapter.WEIGHTS_FILE)).exists();
  }

  @Test
  void missingModule() {
    Path a = adapter("fr", 4, Map.of(Q, new int[] {4, 16, 16}, V, new int[] {4, 16, 8}));
    Path b = adapter("de", 4, Map.of(Q, new int[] {4, 16, 16}));
    assertThatThrownBy(() -> merge("ties", a, b))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Cannot merge adapter 'de': module " + V + " is missing (present in 'fr')");
    assertThatThrownBy(() -> merge("ties", b, a))
        .hasMessage("Cannot merge adapter 'fr': module " + V + " is not in 'de'");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void shapeMismatch() {
    Path a = adapter("fr", 4, Map.of(Q, new int[] {4, 16, 16}));
    Path b = adapter("de", 4, Map.of(Q, new int[] {4, 32, 16}));
    assertThatThrownBy(() -> merge("linear", a, b))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Cannot merge adapter 'de': tensor " + Q + ".lora_A.weight has shape [4, 32], expected [4, 16]"
            + " (from 'fr')");
    Path c = adapter("it", 4, Map.of(Q, new int[] {4, 16, 8}));
    assertThatThrownBy(() -> merge("linear", a, c))
        .hasMessage("Cannot merge adapter 'it': tensor " + Q + ".lora_B.weight has shape [8, 4], expected [16, 4]"
            + " (from 'fr')");
  }

  @Test
  void corruptHeader() throws IOException {
    Path a = adapter("fr", 4, Map.of(Q, new int[] {4, 16, 16}));
    Path b = adapter("de", 4, Map.of(Q, new int[] {4, 16, 16}));
    Path weights = b.resolve(PeftAdapter.WEIGHTS_FILE);
    byte[] bytes = Files.readAllBytes(weights);
    bytes[8] = '#'; // the header's opening brace
    Files.write(weights, bytes);
    assertThatThrownBy(() -> merge("ties", a, b))
        .isInstanceOf(SafetensorsException.class)
        .hasMessageStartingWith(weights + ": header is not valid JSON: ");
    Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length - 4));
    assertThatThrownBy(() -> merge("ties", a, b))
        .isInstanceOf(SafetensorsException.class)
        .hasMessageStartingWith(weights + ": ");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void truncatedDataIsCaughtBeforeReading() throws IOException {
    Path a = adapter("fr", 4, Map.of(Q, new int[] {4, 16, 16}));
    Path b = adapter("de", 4, Map.of(Q, new int[] {4, 16, 16}));
    Path weights = b.resolve(PeftAdapter.WEIGHTS_FILE);
    byte[] bytes = Files.readAllBytes(weights);
    Files.write(weights, java.util.Arrays.copyOf(bytes, bytes.length - 4));
    assertThatThrownBy(() -> merge("ties", a, b))
        .isInstanceOf(SafetensorsException.class)
        .hasMessage(weights + ": tensor '" + Q + ".lora_B.weight': data_offsets [256, 512] end outside the data"
            + " region (508 bytes)");
  }

  @Test
  void optionErrors() {
    assertThatThrownBy(() -> MergeOptions.parse(Map.of("merge.densty", "0.2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Unknown merge option 'merge.densty'; known: merge.dare-rescale, merge.density, merge.divide-by,"
            + " merge.keep-count, merge.lambda, merge.lora-mode, merge.method, merge.output-dtype, merge.preset,"
            + " merge.seed, merge.sign-method, merge.sign-tie, merge.sign-vote, merge.svd-rank, merge.topk-scope,"
            + " merge.weights");
    assertThatThrownBy(() -> MergeOptions.parse(Map.of(MergeOptions.METHOD, "tie")))
        .hasMessage("Unknown merge method 'tie' for option merge.method; known: linear, ties, dare_linear, dare_ties,"
            + " magnitude_prune, cat, svd, ties_svd, dare_linear_svd, dare_ties_svd, magnitude_prune_svd");
    assertThatThrownBy(() -> MergeOptions.parse(Map.of(MergeOptions.DENSITY, "1.5")))
        .hasMessage("Option merge.density must be in (0, 1], got 1.5");
    assertThatThrownBy(() -> MergeOptions.parse(Map.of(MergeOptions.PRESET, "hf")))
        .hasMessage("Unknown value 'hf' for option merge.preset; known: peft, mergekit, ties-paper");
    Path a = adapter("fr", 4, Map.of(Q, new int[] {4, 16, 16}));
    Path b = adapter("de", 4, Map.of(Q, new int[] {4, 16, 16}));
    assertThatThrownBy(() -> AdapterMerger.merge(TensorFiles.local(),
        List.of(new NamedAdapter("fr", a.toString()), new NamedAdapter("de", b.toString())), dir.toString(),
        MergeOptions.parse(Map.of(MergeOptions.WEIGHTS, "1,2,3"))))
        .hasMessage("Option merge.weights has 3 weights for 2 inputs");
  }
}

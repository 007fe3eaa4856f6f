package dev.mtforge.udfs.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.udfs.tensor.safetensors.DType;
import dev.mtforge.udfs.tensor.safetensors.SafetensorsWriter;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import dev.mtforge.udfs.tensor.safetensors.TensorSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The graph's LoRA inputs: each distinct adapter once, ranks concatenated, a mask per row. */
class LoraBatchTest {
  /** One layer, one target 3 -> 2 features. */
  private static final ModelManifest MANIFEST = manifest(List.of(new ModelManifest.LoraTarget("self_attn.q_proj", 3, 2)));

  static ModelManifest manifest(List<ModelManifest.LoraTarget> targets) {
    return new ModelManifest("m", "model.onnx", null, null, "tokenizer.json", "generation_config.json", ModelDtype.FLOAT32,
        10, 1, 1, 2, "input_ids", "attention_mask", "position_ids", "beam_idx", "top_k", "pk", "pv", "top_logprobs",
        "top_ids", "prk", "prv", "a", "b", "lora_mask", "lora_scale", "base_model.model.model.layers.{layer}.{module}",
        targets);
  }

  private static LoraAdapter adapter(String id, int rank, float scale, float first) {
    float[] a = new float[rank * 3];
    float[] b = new float[2 * rank];
    for (int i = 0; i < a.length; i++) {
      a[i] = first + i;
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = -(first + i);
    }
    String key = LoraAdapter.key(0, "self_attn.q_proj");
    return new LoraAdapter(id, rank, scale, Map.of(key, a), Map.of(key, b));
  }

  private static float[] floats(ByteBuffer buffer, int count) {
    float[] out = new float[count];
    for (int i = 0; i < count; i++) {
      out[i] = buffer.getFloat(i * 4);
    }
    return out;
  }

  @Test
  void distinctAdaptersEnterOnceWhateverTheRowCount() {
    LoraAdapter x = adapter("x", 1, 2f, 1f);
    LoraAdapter y = adapter("y", 2, 0.5f, 10f);
    LoraBatch batch = new LoraBatch(MANIFEST, Arrays.asList(y, null, x, y));
    assertThat(batch.adapters()).containsExactly(y, x);
    assertThat(batch.rank()).isEqualTo(3);
    assertThat(batch.scales()).containsExactly(0.5f, 0f, 2f, 0.5f);
    // columns 0-1: y, column 2: x
    assertThat(batch.mask()).containsExactly(1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0);
    ByteBuffer a = ByteBuffer.allocateDirect((int) batch.bytesA(0, ModelDtype.FLOAT32)).order(ByteOrder.nativeOrder());
    batch.writeA(0, 0, ModelDtype.FLOAT32, a);
    assertThat(floats(a, 9)).containsExactly(10, 11, 12, 13, 14, 15, 1, 2, 3); // y's [2, 3], then x's [1, 3]
    ByteBuffer b = ByteBuffer.allocateDirect((int) batch.bytesB(0, ModelDtype.FLOAT32)).order(ByteOrder.nativeOrder());
    batch.writeB(0, 0, ModelDtype.FLOAT32, b);
    assertThat(floats(b, 6)).containsExactly(-10, -11, -1, -12, -13, -2); // [out 2, R 3]: y's B row, x's B row

    // Beam expansion repeats rows; the factor inputs are the same adapters, so the same bytes.
    LoraBatch beams = batch.repeatEach(5);
    assertThat(beams.rows()).isEqualTo(20);
    assertThat(beams.adapters()).containsExactly(y, x);
    assertThat(beams.bytesA(0, ModelDtype.FLOAT32)).isEqualTo(batch.bytesA(0, ModelDtype.FLOAT32));

    LoraBatch base = LoraBatch.none(MANIFEST, 4);
    assertThat(base.rank()).isEqualTo(1);
    assertThat(base.mask()).containsOnly(0f);
    assertThat(base.scales()).containsOnly(0f);
  }

  @Test
  void halfPrecisionFactorsAreRoundedToNearestEven() {
    LoraAdapter x = adapter("x", 1, 1f, 1f);
    LoraBatch batch = new LoraBatch(MANIFEST, List.of(x));
    ByteBuffer a = ByteBuffer.allocateDirect((int) batch.bytesA(0, ModelDtype.FLOAT16)).order(ByteOrder.nativeOrder());
    batch.writeA(0, 0, ModelDtype.FLOAT16, a);
    assertThat(a.capacity()).isEqualTo(6);
    assertThat(a.getShort(0)).isEqualTo((short) 0x3c00); // 1.0
    assertThat(a.getShort(4)).isEqualTo((short) 0x4200); // 3.0
    ByteBuffer bf = ByteBuffer.allocateDirect((int) batch.bytesA(0, ModelDtype.BFLOAT16)).order(ByteOrder.nativeOrder());
    batch.writeA(0, 0, ModelDtype.BFLOAT16, bf);
    assertThat(bf.getShort(2)).isEqualTo((short) 0x4000); // 2.0
  }

  @Test
  void adaptersMayCoverASubsetOfTheTargetsButNoOtherModule(@TempDir Path dir) throws IOException {
    CausalLm lm = TinyModel.lm();
    ModelManifest m = lm.manifest();
    // PEFT's default LLaMA targets: q_proj and v_proj only, rank 2, alpha 4.
    Path qv = dir.resolve("qv");
    writeAdapter(qv, m, List.of("self_attn.q_proj", "self_attn.v_proj"), "[\"q_proj\", \"v_proj\"]");
    LoraAdapter adapter = PeftLoraLoader.load(m, TensorFiles.local(), "qv", qv.toString());
    assertThat(adapter.factorA().keySet()).containsExactlyInAnyOrder("0/self_attn.q_proj", "0/self_attn.v_proj",
        "1/self_attn.q_proj", "1/self_attn.v_proj");
    assertThat(adapter.scale()).isEqualTo(2f);
    LoraBatch batch = new LoraBatch(m, List.of(adapter));
    int up = m.targetIndex("mlp.up_proj");
    ByteBuffer a = ByteBuffer.allocateDirect((int) batch.bytesA(up, ModelDtype.FLOAT32)).order(ByteOrder.nativeOrder());
    batch.writeA(0, up, ModelDtype.FLOAT32, a);
    assertThat(floats(a, a.capacity() / 4)).containsOnly(0f);
    // The adapter changes q and v only: its greedy output differs from the base model's.
    GenerationSettings greedy = lm.generationDefaults().withNumBeams(1).withMaxNewTokens(8);
    List<long[]> prompt = List.of(lm.encode("Translate this from German to English:\nGerman: Hallo.\nEnglish:"));
    try (CausalLm.Session session = lm.newSession()) {
      long[] base = Generator.generate(session, prompt, LoraBatch.none(m, 1), greedy).get(0).tokens();
      long[] adapted = Generator.generate(session, prompt, batch, greedy).get(0).tokens();
      assertThat(adapted).isNotEqualTo(base);
    }

    Path lmHead = dir.resolve("lm-head");
    writeAdapter(lmHead, m, List.of("self_attn.q_proj", "lm_head"), "[\"q_proj\", \"lm_head\"]");
    assertThatThrownBy(() -> PeftLoraLoader.load(m, TensorFiles.local(), "lm-head", lmHead.toString()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Cannot use adapter 'lm-head' (" + lmHead + "): model tiny-llama takes no LoRA input for"
            + " 'base_model.model.lm_head' (its targets: [self_attn.q_proj, self_attn.k_proj, self_attn.v_proj,"
            + " self_attn.o_proj, mlp.gate_proj, mlp.up_proj, mlp.down_proj] in layers 0-1); re-export the model"
            + " with --lora-targets covering it");
  }

  /** A rank-2 PEFT adapter on the given modules of every layer ({@code lm_head}: the output layer). */
  private static void writeAdapter(Path dir, ModelManifest m, List<String> modules, String targetList) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("adapter_config.json"), "{\"peft_type\": \"LORA\", \"r\": 2, \"lora_alpha\": 4,"
        + " \"target_modules\": " + targetList + ", \"base_model_name_or_path\": \"tiny-llama\"}");
    List<TensorSpec> specs = new ArrayList<>();
    for (String module : modules) {
      List<String> prefixes = new ArrayList<>();
      int in;
      int out;
      if (module.equals("lm_head")) {
        prefixes.add("base_model.model.lm_head");
        in = 64;
        out = m.vocabSize();
      } else {
        ModelManifest.LoraTarget t = m.targets().get(m.targetIndex(module));
        in = t.inFeatures();
        out = t.outFeatures();
        for (int layer = 0; layer < m.numLayers(); layer++) {
          prefixes.add(ModelManifest.name(m.peftKey(), layer, module));
        }
      }
      for (String prefix : prefixes) {
        specs.add(TensorSpec.of(prefix + ".lora_A.weight", DType.F32, 2, in));
        specs.add(TensorSpec.of(prefix + ".lora_B.weight", DType.F32, out, 2));
      }
    }
    try (SafetensorsWriter writer = SafetensorsWriter.create(TensorFiles.local(),
        dir.resolve("adapter_model.safetensors").toString(), specs, Map.of("format", "pt"))) {
      for (TensorSpec spec : specs) {
        float[] values = new float[Math.toIntExact(spec.shape()[0] * spec.shape()[1])];
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) Math.sin(i + spec.name().length()) * 0.3f;
        }
        writer.write(spec.name(), values);
      }
    }
  }
}

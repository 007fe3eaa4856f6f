package dev.mtforge.udfs.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exporter on checkpoints in Hugging Face's exact layout: a project script writes a random
 * LLaMA checkpoint (HF tensor names and config keys; preset {@code test}: two shards with an index,
 * GQA, head_dim apart from hidden/heads, rope_theta 500000 with llama3 rope scaling; preset
 * {@code test-tied}: one bfloat16 file, tied embeddings) with PEFT adapters, and golden tokens of
 * an independent plain-torch forward ({@code sample-data/models/llama_reference.py}); then
 * {@code deploy/export/export_hf_llama.py} turns it into a package and the Java side must produce
 * the same tokens, greedy and beam, with and without adapters; greedy both step by step and in one
 * run of the package's greedy loop graph. The Python steps run here, with Debian's torch 1.13 and
 * onnx 1.12 (CI installs them).
 */
class HfExportGoldenTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CHECKPOINT = "sample-data/models/make_hf_llama_checkpoint.py";
  private static final String EXPORTER = "deploy/export/export_hf_llama.py";
  private static final List<String> PRESETS = List.of("test", "test-tied");
  private static Path root;
  private static final Map<String, CausalLm> MODELS = new ConcurrentHashMap<>();

  @BeforeAll
  static void exportCheckpoints() throws Exception {
    root = Files.createTempDirectory("mtforge-hf-export-");
    for (String preset : PRESETS) {
      Path dir = root.resolve(preset);
      PythonTool.check(CHECKPOINT, "--preset", preset, "--out", dir.toString(), "--golden");
      PythonTool.check(EXPORTER, "--model", dir.resolve("hf").toString(), "--out", dir.resolve("pkg").toString(),
          "--name", "random-" + preset);
      ModelSpec spec = ModelSpec.of(dir.resolve("pkg").toString()).withThreads(1);
      MODELS.put(preset, CausalLm.load(spec));
      MODELS.put(preset + " loop", CausalLm.load(spec.withGreedyLoop(true)));
    }
  }

  @AfterAll
  static void close() throws IOException {
    MODELS.values().forEach(CausalLm::close);
    if (root != null) {
      try (Stream<Path> files = Files.walk(root)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (String preset : PRESETS) {
      // The golden files exist only once exportCheckpoints ran; list the case names the script writes.
      for (String name : List.of("greedy-base", "greedy-mixed", "beam4-base", "beam3-mixed")) {
        out.add(Arguments.of(preset, name));
        if (name.startsWith("greedy")) {
          out.add(Arguments.of(preset + " loop", name));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void exportedPackageReproducesTheReferenceTokens(String model, String name) throws IOException {
    String preset = model.split(" ")[0];
    Path dir = root.resolve(preset);
    JsonNode golden = JSON.readTree(dir.resolve("golden.json").toFile());
    JsonNode c = null;
    for (JsonNode x : golden.get("cases")) {
      if (x.get("name").asText().equals(name)) {
        c = x;
      }
    }
    assertThat(c).as("case %s in golden.json", name).isNotNull();
    CausalLm lm = MODELS.get(model);
    assertThat(lm.greedyLoop()).as(model).isEqualTo(model.endsWith(" loop"));
    List<long[]> prompts = new ArrayList<>();
    List<LoraAdapter> adapters = new ArrayList<>();
    for (int i = 0; i < c.get("adapters").size(); i++) {
      long[] ids = lm.encode(golden.get("prompts").get(i).asText());
      assertThat(ids).as("prompt %d ids", i).containsExactly(GeneratorGoldenTest.longs(golden.get("prompt_ids").get(i)));
      prompts.add(ids);
      JsonNode id = c.get("adapters").get(i);
      adapters.add(id.isNull() ? null
          : PeftLoraLoader.load(lm.manifest(), TensorFiles.local(), id.asText(), dir.resolve("adapters").resolve(id.asText()).toString()));
    }
    GenerationSettings settings = lm.generationDefaults().withMaxNewTokens(c.get("max_new_tokens").asInt());
    settings = c.get("mode").asText().equals("greedy")
        ? settings.withNumBeams(1)
        : settings.withNumBeams(c.get("num_beams").asInt())
            .withLengthPenalty(c.get("length_penalty").asDouble())
            .withEarlyStopping(GenerationSettings.EarlyStopping.parse(c.get("early_stopping").asText()));
    List<Generation> out;
    try (CausalLm.Session session = lm.newSession()) {
      out = Generator.generate(session, prompts, new LoraBatch(lm.manifest(), adapters), settings);
    }
    for (int i = 0; i < out.size(); i++) {
      JsonNode expected = c.get("outputs").get(i);
      assertThat(out.get(i).tokens()).as("%s %s row %d", preset, name, i)
          .containsExactly(GeneratorGoldenTest.longs(expected.get("tokens")));
      assertThat(out.get(i).eos()).isEqualTo(expected.get("eos").asBoolean());
      if (expected.has("score")) {
        assertThat(out.get(i).score()).isCloseTo(expected.get("score").asDouble(), Offset.offset(1e-4));
      }
    }
  }

  @Test
  void manifestDescribesTheCheckpoint() {
    ModelManifest test = MODELS.get("test").manifest();
    assertThat(test.name()).isEqualTo("random-test");
    assertThat(test.numKvHeads()).isEqualTo(2);
    assertThat(test.headDim()).isEqualTo(16); // from config.json's head_dim, not hidden 96 / 4 heads
    assertThat(test.vocabSize()).isEqualTo(300);
    assertThat(test.targets()).extracting(t -> t.module() + ":" + t.inFeatures() + "->" + t.outFeatures())
        .containsExactly("self_attn.q_proj:96->64", "self_attn.k_proj:96->32", "self_attn.v_proj:96->32",
            "self_attn.o_proj:64->96", "mlp.gate_proj:96->160", "mlp.up_proj:96->160", "mlp.down_proj:160->96");
    assertThat(MODELS.get("test-tied").manifest().dtype()).isEqualTo(ModelDtype.FLOAT32); // bf16 checkpoint, float32 package
  }

  @Test
  void unsupportedCheckpointsAreRefusedByNameBeforeAnythingIsWritten() throws Exception {
    Path source = root.resolve("test").resolve("hf");
    record Refusal(String what, String message) {}
    List<Refusal> refusals = new ArrayList<>();
    // model type
    Path mistral = copy(source, "mistral");
    editConfig(mistral, c -> c.put("model_type", "mistral"));
    refusals.add(new Refusal(mistral.toString(),
        mistral.resolve("config.json") + ": model_type is 'mistral'; this exporter handles 'llama' only"));
    // rope type
    Path yarn = copy(source, "yarn");
    editConfig(yarn, c -> ((ObjectNode) c.get("rope_scaling")).put("rope_type", "yarn"));
    refusals.add(new Refusal(yarn.toString(),
        yarn.resolve("config.json") + ": rope type 'yarn' is not supported; supported: default, linear, llama3"));
    // a key that changes the forward pass
    Path bias = copy(source, "bias");
    editConfig(bias, c -> c.put("attention_bias", true));
    refusals.add(new Refusal(bias.toString(),
        bias.resolve("config.json") + ": key 'attention_bias' is true; this exporter implements false only"));
    // a tensor the index does not map
    Path missing = copy(source, "missing");
    Path index = missing.resolve("model.safetensors.index.json");
    ObjectNode idx = (ObjectNode) JSON.readTree(index.toFile());
    ((ObjectNode) idx.get("weight_map")).remove("model.layers.1.mlp.up_proj.weight");
    JSON.writeValue(index.toFile(), idx);
    refusals.add(new Refusal(missing.toString(), missing + ": tensor 'model.layers.1.mlp.up_proj.weight' is missing"));

    for (Refusal r : refusals) {
      Path out = root.resolve("refused-" + Path.of(r.what()).getFileName());
      PythonTool.Result result = PythonTool.run(EXPORTER, "--model", r.what(), "--out", out.toString());
      assertThat(result.exitCode()).as(r.what()).isEqualTo(2);
      assertThat(result.stderr().strip()).isEqualTo("export_hf_llama.py: " + r.message());
      assertThat(out).doesNotExist();
      try (Stream<Path> siblings = Files.list(root)) {
        assertThat(siblings.map(p -> p.getFileName().toString())).noneMatch(f -> f.startsWith("refused-"));
      }
    }
    // An existing package is never overwritten.
    Path existing = root.resolve("test").resolve("pkg");
    PythonTool.Result again = PythonTool.run(EXPORTER, "--model", source.toString(), "--out", existing.toString());
    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.stderr().strip())
        .isEqualTo("export_hf_llama.py: " + existing + " already exists; remove it or choose another --out");
  }

  @Test
  void halfPrecisionPackages() throws Exception {
    Path source = root.resolve("test").resolve("hf");
    // float16: ONNX Runtime's CPU provider runs it. Half-precision rounding may change late tokens,
    // so the check is the first three tokens of each row of the float32 reference (torch 1.13 has
    // no float16 matmul on the CPU, so there is no float16 reference here).
    Path f16 = root.resolve("pkg-float16");
    PythonTool.check(EXPORTER, "--model", source.toString(), "--out", f16.toString(), "--dtype", "float16");
    JsonNode golden = JSON.readTree(root.resolve("test").resolve("golden.json").toFile());
    JsonNode base = null;
    for (JsonNode c : golden.get("cases")) {
      base = c.get("name").asText().equals("greedy-base") ? c : base;
    }
    // The float16 package has a greedy loop graph, but ONNX Runtime's GreedySearch has no float16
    // CPU kernel: on the CPU a greedy run loads the step graph.
    try (CausalLm lm = CausalLm.load(ModelSpec.of(f16.toString()).withThreads(1).withGreedyLoop(true));
        CausalLm.Session s = lm.newSession()) {
      assertThat(lm.manifest().dtype()).isEqualTo(ModelDtype.FLOAT16);
      assertThat(lm.manifest().greedySearchFile()).isEqualTo("greedy_search.onnx");
      assertThat(lm.greedyLoop()).isFalse();
      List<long[]> prompts = new ArrayList<>();
      for (JsonNode p : golden.get("prompts")) {
        prompts.add(lm.encode(p.asText()));
      }
      List<Generation> out = Generator.generate(s, prompts, LoraBatch.none(lm.manifest(), prompts.size()),
          lm.generationDefaults().withNumBeams(1).withMaxNewTokens(3));
      for (int i = 0; i < out.size(); i++) {
        long[] expected = GeneratorGoldenTest.longs(base.get("outputs").get(i).get("tokens"));
        assertThat(out.get(i).tokens()).as("float16 row %d", i).containsExactly(java.util.Arrays.copyOf(expected, 3));
      }
    }
    // bfloat16: the CPU provider has no kernels for it; the error says so and names the float32 export.
    Path bf16 = root.resolve("pkg-bfloat16");
    PythonTool.check(EXPORTER, "--model", source.toString(), "--out", bf16.toString(), "--dtype", "bfloat16");
    assertThat(ModelPackage.open(bf16).manifest().dtype()).isEqualTo(ModelDtype.BFLOAT16);
    assertThat(ModelPackage.open(bf16).manifest().greedySearchFile()).isNull(); // GreedySearch has no bfloat16 kernels
    assertThat(bf16.resolve("greedy_search.onnx")).doesNotExist();
    assertThatThrownBy(() -> CausalLm.load(ModelSpec.of(bf16.toString()).withThreads(1)).close())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Cannot load ONNX model " + bf16.resolve("model.onnx") + " on cpu(): the package is bfloat16 and"
            + " ONNX Runtime's CPU provider has no bfloat16 kernels for its graph; export it with"
            + " deploy/export/export_hf_llama.py --dtype float32 for CPU executors, or run it on a GPU (--device gpu:N,"
            + " built with -Pgpu)")
        .rootCause().hasMessageContaining("Could not find an implementation for");
  }

  private static Path copy(Path source, String name) throws IOException {
    Path target = root.resolve("variants").resolve(name);
    Files.createDirectories(target);
    try (Stream<Path> files = Files.list(source)) {
      for (Path f : files.toList()) {
        Files.copy(f, target.resolve(f.getFileName()));
      }
    }
    return target;
  }

  private static void editConfig(Path dir, java.util.function.Consumer<ObjectNode> edit) throws IOException {
    Path config = dir.resolve("config.json");
    ObjectNode node = (ObjectNode) JSON.readTree(config.toFile());
    edit.accept(node);
    JSON.writeValue(config.toFile(), node);
  }
}

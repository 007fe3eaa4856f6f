package dev.mtforge.udfs.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prompt, output reading, script check, settings, cache and serialization. */
class InferencePiecesTest {

  @Test
  void almaPromptAndChatWrapping() {
    assertThat(PromptFormat.ALMA.prompt("German", "English", "Hallo Welt."))
        .isEqualTo("Translate this from German to English:\nGerman: Hallo Welt.\nEnglish:");
    assertThat(PromptFormat.ALMA_CHAT.prompt("German", "English", "Hallo."))
        .isEqualTo("[INST] Translate this from German to English:\nGerman: Hallo.\nEnglish: [/INST]");
  }

  @Test
  void fewShotPromptPutsTheExamplesBetweenInstructionAndSegment() {
    List<PromptFormat.Shot> shots =
        List.of(new PromptFormat.Shot("Das Haus.", "The house."), new PromptFormat.Shot("Neu.", "New."));
    assertThat(PromptFormat.ALMA.prompt("German", "English", "Hallo Welt.", shots))
        .isEqualTo("Translate this from German to English:\nGerman: Das Haus.\nEnglish: The house.\n"
            + "German: Neu.\nEnglish: New.\nGerman: Hallo Welt.\nEnglish:");
    assertThat(PromptFormat.ALMA_CHAT.prompt("German", "English", "Hallo.", shots.subList(0, 1)))
        .isEqualTo("[INST] Translate this from German to English:\nGerman: Das Haus.\nEnglish: The house.\n"
            + "German: Hallo.\nEnglish: [/INST]");
    // Zero shots: exactly the zero-shot prompt, so golden.json's prompts and tokens still hold.
    assertThat(PromptFormat.ALMA.prompt("German", "English", "Hallo Welt.", List.of()))
        .isEqualTo(PromptFormat.ALMA.prompt("German", "English", "Hallo Welt."));
  }

  @Test
  void hypothesisIsTheFirstNonEmptyLine() {
    assertThat(PromptFormat.firstLine(" Hello world.\nGerman: more")).isEqualTo("Hello world.");
    assertThat(PromptFormat.firstLine("\n  \n Second.\nThird")).isEqualTo("Second.");
    assertThat(PromptFormat.firstLine(" \n\n")).isEmpty();
  }

  @Test
  void generationSettingsValidateAndDescribe() {
    GenerationSettings greedy = GenerationSettings.greedy(64, 1, 2, 0);
    assertThat(greedy.describe()).isEqualTo("greedy:max64");
    assertThat(greedy.withNumBeams(5).describe()).isEqualTo("beam5:max64:lp1.0:es=false");
    assertThatThrownBy(() -> greedy.withNumBeams(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("num-beams must be at least 1, got 0");
    assertThatThrownBy(() -> GenerationSettings.EarlyStopping.parse("sometimes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Unknown early stopping 'sometimes'; known: true, false, never");
  }

  @Test
  void generationConfigWithoutPadPadsWithEos(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("generation_config.json");
    Files.writeString(file, "{\"bos_token_id\": 1, \"eos_token_id\": [2, 7], \"max_new_tokens\": 512}");
    GenerationSettings s = GenerationSettings.read(file);
    assertThat(s.eosTokenId()).isEqualTo(2);
    assertThat(s.padTokenId()).isEqualTo(2);
    assertThat(s.maxNewTokens()).isEqualTo(512);
    assertThat(s.numBeams()).isEqualTo(1);
  }

  @Test
  void packageErrorsNameTheMissingFile(@TempDir Path dir) throws IOException {
    assertThatThrownBy(() -> ModelPackage.open(dir))
        .isInstanceOf(dev.mtforge.schemas.InvalidInputException.class)
        .hasMessage("Not a model package: " + dir + " has no mtforge-model.json"
            + " (write packages with deploy/export/export_hf_llama.py)");
    Files.copy(TinyModel.dir().resolve("mtforge-model.json"), dir.resolve("mtforge-model.json"));
    assertThatThrownBy(() -> ModelPackage.open(dir))
        .isInstanceOf(dev.mtforge.schemas.InvalidInputException.class)
        .hasMessage("Model package " + dir + ": file 'model.onnx' named in mtforge-model.json is missing");
    Files.writeString(dir.resolve("mtforge-model.json"), "{\"format\": \"onnx-genai\"}");
    assertThatThrownBy(() -> ModelPackage.open(dir))
        .isInstanceOf(dev.mtforge.schemas.InvalidInputException.class)
        .hasMessage(dir.resolve("mtforge-model.json") + ": format is 'onnx-genai', expected 'mtforge-causal-lm'");
  }

  @Test
  void modelCacheLoadsOncePerSpecAndEvictsOnlyUnused() {
    ModelCache cache = new ModelCache();
    AtomicInteger loads = new AtomicInteger();
    AtomicInteger closes = new AtomicInteger();
    ModelSpec spec = ModelSpec.of("/m/a");
    java.util.function.Function<ModelSpec, AutoCloseable> loader = s -> {
      loads.incrementAndGet();
      return closes::incrementAndGet;
    };
    ModelCache.Lease<AutoCloseable> first = cache.acquire(spec, loader);
    ModelCache.Lease<AutoCloseable> second = cache.acquire(spec, loader);
    assertThat(second.get()).isSameAs(first.get());
    assertThat(loads).hasValue(1);
    first.close();
    assertThat(cache.evict(spec)).isFalse(); // the second lease still holds it
    second.close();
    assertThat(cache.evict(spec)).isTrue();
    assertThat(closes).hasValue(1);
    assertThat(cache.loaded()).isEmpty();
  }

  @Test
  void specsAndSettingsSurviveJavaSerialization() throws Exception {
    ModelSpec spec = ModelSpec.of("/models/tiny").withThreads(2);
    GenerationSettings gen = GenerationSettings.greedy(16, 256, 257, 259).withNumBeams(4);
    assertThat(javaRoundTrip(spec)).isEqualTo(spec);
    assertThat(javaRoundTrip(gen)).isEqualTo(gen);
    assertThat(javaRoundTrip(PromptFormat.ALMA_CHAT)).isEqualTo(PromptFormat.ALMA_CHAT);
    // Kryo is not tried: Spark always Java-serializes task closures (where specs travel), and
    // Spark 3.5's Kryo 4 cannot read records ("can't get field offset on a record class").
    dev.mtforge.udfs.spark.TranslatePartitions fn =
        new dev.mtforge.udfs.spark.TranslatePartitions(
            new dev.mtforge.udfs.spark.TranslatePartitions.Settings(spec, gen, PromptFormat.ALMA, 4, 64, "sys", "dat",
                java.util.List.of()),
            null, null);
    Object copy = javaRoundTrip(fn);
    assertThat(copy).isInstanceOf(dev.mtforge.udfs.spark.TranslatePartitions.class);
    assertThatThrownBy(() -> spec.withDevice("tpu"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Unknown device 'tpu'; expected cpu or gpu:N");
  }

  @Test
  void batchingByLengthGivesEachSegmentItsOwnResult() {
    CausalLm lm = TinyModel.lm();
    GenerationSettings settings = lm.generationDefaults().withNumBeams(1).withMaxNewTokens(12);
    List<BatchTranslator.Input> inputs = List.of(
        new BatchTranslator.Input("German", "English", "Das Haus ist klein.", null),
        new BatchTranslator.Input("English", "German", "We see.", "dat-en-g1"),
        new BatchTranslator.Input("French", "English", "Nous voir la petite maison.", null));
    try (CausalLm.Session session = lm.newSession()) {
      java.util.function.Function<String, LoraAdapter> adapters = id -> TinyAdapters.load(lm, id);
      BatchTranslator batched = new BatchTranslator(lm, session, PromptFormat.ALMA, settings, 2, adapters);
      List<BatchTranslator.Output> together = batched.translate(inputs);
      for (int i = 0; i < inputs.size(); i++) {
        BatchTranslator alone = new BatchTranslator(lm, session, PromptFormat.ALMA, settings, 1, adapters);
        assertThat(together.get(i).rawOutput()).as("segment %d", i)
            .isEqualTo(alone.translate(List.of(inputs.get(i))).get(0).rawOutput());
      }
      // sorted by length: [fr (longest), de] then [en]; padding only in the first batch
      assertThat(batched.paddedPromptTokens() - batched.promptTokens())
          .isEqualTo(together.get(2).promptTokens() - together.get(0).promptTokens());
    }
  }

  @Test
  void longPromptsAreNotTruncatedByTheTokenizer() {
    CausalLm lm = TinyModel.lm();
    String text = "x".repeat(3000) + "é";
    assertThat(lm.encode(text)).hasSize(1 + 3000 + 2); // BOS + bytes
    assertThat(lm.decode(java.util.Arrays.copyOfRange(lm.encode(text), 1, 3003))).isEqualTo(text);
  }

  private static Object javaRoundTrip(Object o) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return in.readObject();
    }
  }
}

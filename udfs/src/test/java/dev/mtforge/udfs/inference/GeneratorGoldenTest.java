package dev.mtforge.udfs.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Java decoding reproduces the torch reference exactly. The expected tokens are in
 * sample-data/models/tiny-llama/golden.json, computed by
 * {@code /usr/bin/python3 sample-data/models/generate_tiny_llama.py} (Debian torch 1.13) with the
 * same weights, implementing transformers 4.40 greedy and beam search. Greedy cases run twice: step
 * by step from Java on the step graph, and as one run of the package's greedy loop graph (ONNX
 * Runtime's GreedySearch operator).
 */
class GeneratorGoldenTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode golden() throws IOException {
    return JSON.readTree(TinyModel.dir().resolve("golden.json").toFile());
  }

  static Stream<Arguments> cases() throws IOException {
    List<Arguments> cases = new ArrayList<>();
    for (JsonNode c : golden().get("cases")) {
      cases.add(Arguments.of(c.get("name").asText(), c));
    }
    return cases.stream();
  }

  @Test
  void tokenizerMatchesTheTorchPromptIds() throws IOException {
    CausalLm lm = TinyModel.lm();
    JsonNode golden = golden();
    for (int i = 0; i < golden.get("prompts").size(); i++) {
      assertThat(lm.encode(golden.get("prompts").get(i).asText()))
          .as("prompt %d", i)
          .containsExactly(longs(golden.get("prompt_ids").get(i)));
    }
  }

  static Stream<Arguments> greedyCases() throws IOException {
    return cases().filter(a -> ((JsonNode) a.get()[1]).get("mode").asText().equals("greedy"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reproducesTorchTokens(String name, JsonNode c) throws IOException {
    EngineTransfer transfer = check(TinyModel.lm(), name, c);
    assertThat(transfer.steps()).isPositive();
    assertThat(transfer.loopRuns()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("greedyCases")
  void greedyLoopGraphReproducesTorchTokensInOneRun(String name, JsonNode c) throws IOException {
    CausalLm lm = TinyModel.loopLm();
    assertThat(lm.greedyLoop()).isTrue();
    EngineTransfer transfer = check(lm, name, c);
    assertThat(transfer.loopRuns()).isEqualTo(1);
    assertThat(transfer.steps()).isZero();
  }

  @Test
  void greedyLoopGraphRefusesBeamSearch() {
    CausalLm lm = TinyModel.loopLm();
    GenerationSettings beam = lm.generationDefaults().withNumBeams(2).withMaxNewTokens(2);
    try (CausalLm.Session session = lm.newSession()) {
      assertThatThrownBy(() -> Generator.generate(session, List.of(lm.encode("Hallo")), LoraBatch.none(lm.manifest(), 1),
          beam))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage(lm + " has loaded the greedy loop graph, which runs greedy search only; beam search needs the"
              + " step graph (a spec without withGreedyLoop)");
    }
  }

  private static EngineTransfer check(CausalLm lm, String name, JsonNode c) throws IOException {
    JsonNode golden = golden();
    List<long[]> prompts = new ArrayList<>();
    List<LoraAdapter> adapters = new ArrayList<>();
    for (int i = 0; i < c.get("adapters").size(); i++) {
      prompts.add(lm.encode(golden.get("prompts").get(i).asText()));
      JsonNode id = c.get("adapters").get(i);
      adapters.add(id.isNull() ? null : TinyAdapters.load(lm, id.asText()));
    }
    GenerationSettings settings = lm.generationDefaults().withMaxNewTokens(c.get("max_new_tokens").asInt());
    if (c.get("mode").asText().equals("greedy")) {
      settings = settings.withNumBeams(1);
    } else {
      settings =
          settings
              .withNumBeams(c.get("num_beams").asInt())
              .withLengthPenalty(c.get("length_penalty").asDouble())
              .withEarlyStopping(GenerationSettings.EarlyStopping.parse(c.get("early_stopping").asText()));
    }
    List<Generation> out;
    EngineTransfer transfer;
    try (CausalLm.Session session = lm.newSession()) {
      out = Generator.generate(session, prompts, new LoraBatch(lm.manifest(), adapters), settings);
      transfer = session.transfer();
    }
    for (int i = 0; i < out.size(); i++) {
      JsonNode expected = c.get("outputs").get(i);
      assertThat(out.get(i).tokens()).as("%s row %d tokens", name, i).containsExactly(longs(expected.get("tokens")));
      assertThat(out.get(i).eos()).as("%s row %d eos", name, i).isEqualTo(expected.get("eos").asBoolean());
      if (expected.has("score")) {
        assertThat(out.get(i).score()).as("%s row %d score", name, i)
            .isCloseTo(expected.get("score").asDouble(), org.assertj.core.data.Offset.offset(1e-4));
      }
    }
    return transfer;
  }

  static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asLong();
    }
    return out;
  }
}

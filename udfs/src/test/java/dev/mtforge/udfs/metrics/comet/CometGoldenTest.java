package dev.mtforge.udfs.metrics.comet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The exported tiny models reproduce the torch reference forward (sample-data/models/
 * comet_reference.py, written from unbabel-comet 2.2.7's code) to 1e-5 in float32: token ids,
 * layer weights, segment scores and the system score, for both classes. Expected values are in
 * sample-data/models/tiny-comet/golden.json and tokenizer-ids.json, written by
 * {@code /usr/bin/python3 sample-data/models/generate_tiny_comet.py} (torch 1.13, SentencePiece
 * 0.1.97).
 */
class CometGoldenTest {
  private static final double TOLERANCE = 1e-5;

  @Test
  void tokenizerGivesSentencePieceIdsWithXlmrOffset() {
    CometTokenizer tokenizer = TinyComet.model(TinyComet.regression()).tokenizer();
    JsonNode cases = TinyComet.json("tokenizer-ids.json");
    assertThat(cases.size()).isGreaterThan(300);
    for (JsonNode c : cases) {
      assertThat(tokenizer.encode(c.get("text").asText())).as(c.get("text").asText())
          .containsExactly(TinyComet.longs(c.get("ids")));
    }
  }

  @Test
  void tokenIdsOfEverySegmentMatchIncludingTruncation() {
    CometTokenizer tokenizer = TinyComet.model(TinyComet.unified()).tokenizer();
    int truncated = 0;
    int pairsCut = 0;
    for (JsonNode s : TinyComet.golden().get("segments")) {
      long[] src = tokenizer.encode(s.get("src").asText());
      long[] mt = tokenizer.encode(s.get("mt").asText());
      assertThat(src).containsExactly(TinyComet.longs(s.get("src_ids")));
      assertThat(mt).containsExactly(TinyComet.longs(s.get("mt_ids")));
      assertThat(tokenizer.encode(s.get("ref").asText())).containsExactly(TinyComet.longs(s.get("ref_ids")));
      assertThat(tokenizer.pair(mt, src)).containsExactly(TinyComet.longs(s.get("pair_ids")));
      truncated += mt.length == 510 ? 1 : 0;
      truncated += src.length == 510 ? 1 : 0;
      pairsCut += tokenizer.pair(mt, src).length == 512 ? 1 : 0;
    }
    assertThat(truncated).as("texts cut to 510 tokens").isEqualTo(2);
    assertThat(pairsCut).as("pairs cut to 512 tokens").isEqualTo(3);
  }

  @Test
  void longTextKeepsItsFirstPiecesAndItsEndToken() {
    CometTokenizer tokenizer = TinyComet.model(TinyComet.regression()).tokenizer();
    String text = "Die Preise für frisches Gemüse stiegen im trockenen Sommer stark an. ".repeat(60);
    long[] full = tokenizer.encode(text.repeat(1).substring(0, 200));
    long[] cut = tokenizer.encode(text);
    assertThat(cut).hasSize(510);
    assertThat(cut[0]).isEqualTo(0);
    assertThat(cut[509]).isEqualTo(2);
    assertThat(java.util.Arrays.copyOf(cut, full.length - 1)).containsExactly(java.util.Arrays.copyOf(full, full.length - 1));
  }

  @Test
  void layerWeightsMatchTorch() {
    JsonNode golden = TinyComet.golden();
    assertWeights(TinyComet.model(TinyComet.regression()).manifest().layerWeights(), golden.at("/regression/layer_weights"));
    assertWeights(TinyComet.model(TinyComet.unified()).manifest().layerWeights(), golden.at("/unified/layer_weights"));
  }

  @Test
  void regressionScoresMatchTorch() {
    JsonNode golden = TinyComet.golden();
    List<CometScorer.Segment> segments = new ArrayList<>();
    for (JsonNode s : golden.get("segments")) {
      segments.add(new CometScorer.Segment(s.get("src").asText(), s.get("mt").asText(), s.get("ref").asText()));
    }
    CometScorer scorer = new CometScorer(TinyComet.model(TinyComet.regression()), 2048, 8);
    float[] scores = scorer.score(segments);
    double sum = 0;
    for (int i = 0; i < scores.length; i++) {
      assertThat((double) scores[i]).as("segment %d", i)
          .isCloseTo(golden.get("segments").get(i).get("comet").asDouble(), within(TOLERANCE));
      sum += scores[i];
    }
    assertThat(sum / scores.length).isCloseTo(golden.at("/regression/system_score").asDouble(), within(TOLERANCE));
  }

  @Test
  void unifiedScoresMatchTorch() {
    JsonNode golden = TinyComet.golden();
    List<CometScorer.Segment> segments = new ArrayList<>();
    for (JsonNode s : golden.get("segments")) {
      segments.add(new CometScorer.Segment(s.get("src").asText(), s.get("mt").asText(), null));
    }
    CometScorer scorer = new CometScorer(TinyComet.model(TinyComet.unified()), 2048, 8);
    float[] scores = scorer.score(segments);
    double sum = 0;
    for (int i = 0; i < scores.length; i++) {
      assertThat((double) scores[i]).as("segment %d", i)
          .isCloseTo(golden.get("segments").get(i).get("cometkiwi").asDouble(), within(TOLERANCE));
      sum += scores[i];
    }
    assertThat(sum / scores.length).isCloseTo(golden.at("/unified/system_score").asDouble(), within(TOLERANCE));
  }

  private static void assertWeights(float[] actual, JsonNode expected) {
    assertThat(actual).hasSize(expected.size());
    for (int i = 0; i < actual.length; i++) {
      assertThat((double) actual[i]).as("weight %d", i).isCloseTo(expected.get(i).asDouble(), within(1e-7));
    }
  }
}

package dev.mtforge.udfs.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine-resident KV cache: beam reordering inside the graph, and no tensor outliving its generation. */
class KvCacheTest {

  @Test
  void beamIdxGathersThePastRowsInsideTheGraph() {
    CausalLm lm = TinyModel.lm();
    try (CausalLm.Session session = lm.newSession()) {
      List<long[]> prompts =
          List.of(lm.encode("German: Hallo.\nEnglish:"), lm.encode("German: Guten Tag.\nEnglish:"), lm.encode("Fr: Oui."));
      long[][] ids = Generator.leftPad(prompts, 0);
      long[][] mask = new long[3][ids[0].length];
      for (int row = 0; row < 3; row++) {
        Arrays.fill(mask[row], ids[0].length - prompts.get(row).length, ids[0].length, 1L);
      }
      KvCache empty = session.emptyCache(3);
      StepModel.Step first =
          session.forward(ids, mask, Generator.positionsOf(mask), empty, null, LoraBatch.none(lm.manifest(), 3), 2);
      empty.close();
      assertThat(first.tokens()[0]).hasSize(2);
      assertThat(first.logprobs()[0][0]).isGreaterThanOrEqualTo(first.logprobs()[0][1]);
      int[] order = {2, 0, 0, 1};
      long[][] next = new long[4][1];
      long[][] nextMask = new long[4][];
      long[][] nextPositions = new long[4][1];
      for (int i = 0; i < 4; i++) {
        next[i][0] = first.tokens()[order[i]][0];
        nextMask[i] = Arrays.copyOf(mask[order[i]], mask[0].length + 1);
        nextMask[i][mask[0].length] = 1;
        nextPositions[i][0] = prompts.get(order[i]).length;
      }
      try (KvCache present = first.present()) {
        StepModel.Step second = session.forward(next, nextMask, nextPositions, present, order,
            LoraBatch.none(lm.manifest(), 4), 1);
        try (KvCache grown = second.present()) {
          assertThat(grown.rows()).isEqualTo(4);
          assertThat(grown.length()).isEqualTo(present.length() + 1);
          int oldRow = present.kvHeads() * present.length() * present.headDim();
          float[] keys = present.key(1).toFloatArray();
          float[] grownKeys = grown.key(1).toFloatArray();
          int width = present.headDim();
          for (int i = 0; i < order.length; i++) {
            for (int head = 0; head < present.kvHeads(); head++) {
              // row i, head h, positions 0..length-1 of the grown cache = row order[i] of the past
              int from = order[i] * oldRow + head * present.length() * width;
              int to = (i * present.kvHeads() + head) * grown.length() * width;
              assertThat(Arrays.copyOfRange(grownKeys, to, to + present.length() * width)).as("row %d head %d", i, head)
                  .containsExactly(Arrays.copyOfRange(keys, from, from + present.length() * width));
            }
          }
          // Rows 1 and 2 continue the same past with the same token: the same next candidate.
          assertThat(second.tokens()[1]).containsExactly(second.tokens()[2]);
        }
      }
    }
  }

  @Test
  void greedyAndBeamSearchReleaseEveryCacheTheyMade() {
    CausalLm lm = TinyModel.lm();
    List<long[]> prompts = List.of(lm.encode("Translate this from German to English:\nGerman: Hallo Welt.\nEnglish:"),
        lm.encode("Translate this from German to English:\nGerman: Das alte Haus.\nEnglish:"));
    for (int beams : new int[] {1, 3}) {
      try (CausalLm.Session session = lm.newSession()) {
        Recording model = new Recording(session);
        Generator.generate(model, prompts, LoraBatch.none(lm.manifest(), 2),
            lm.generationDefaults().withNumBeams(beams).withMaxNewTokens(12));
        // Every cache a forward pass took or returned.
        assertThat(model.caches).hasSizeGreaterThan(2);
        for (KvCache cache : model.caches) {
          assertThat(cache.key(0).isReleased()).as("beams " + beams).isTrue();
        }
      }
    }
  }

  /** Passes through to a session and remembers every cache it saw or made. */
  private static final class Recording implements StepModel {
    private final StepModel model;
    final List<KvCache> caches = new ArrayList<>();

    Recording(StepModel model) {
      this.model = model;
    }

    @Override
    public Step forward(
        long[][] ids, long[][] mask, long[][] positions, KvCache past, int[] pastRows, LoraBatch lora, int topK) {
      caches.add(past);
      Step step = model.forward(ids, mask, positions, past, pastRows, lora, topK);
      caches.add(step.present());
      return step;
    }

    @Override
    public KvCache emptyCache(int rows) {
      return model.emptyCache(rows);
    }

    @Override
    public int vocabSize() {
      return model.vocabSize();
    }
  }
}

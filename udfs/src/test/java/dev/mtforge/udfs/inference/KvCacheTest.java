package dev.mtforge.udfs.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine-resident KV cache: beam reordering, and no tensor outliving its generation. */
class KvCacheTest {

  @Test
  void selectReordersRowsAndKeepsTheCacheOnIdentity() {
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
      StepModel.Step step = session.forward(ids, mask, Generator.positionsOf(mask), empty, LoraBatch.none(lm.manifest(), 3));
      empty.close();
      try (KvCache present = step.present()) {
        assertThat(present.length()).isEqualTo(ids[0].length);
        assertThat(present.select(new int[] {0, 1, 2})).isSameAs(present);
        int rowSize = present.kvHeads() * present.length() * present.headDim();
        float[] keys = present.key(1).toFloatArray();
        float[] values = present.value(0).toFloatArray();
        try (KvCache picked = present.select(new int[] {2, 0, 0, 1})) {
          assertThat(picked.rows()).isEqualTo(4);
          float[] pickedKeys = picked.key(1).toFloatArray();
          float[] pickedValues = picked.value(0).toFloatArray();
          int[] order = {2, 0, 0, 1};
          for (int i = 0; i < order.length; i++) {
            assertThat(Arrays.copyOfRange(pickedKeys, i * rowSize, (i + 1) * rowSize))
                .containsExactly(Arrays.copyOfRange(keys, order[i] * rowSize, (order[i] + 1) * rowSize));
            assertThat(Arrays.copyOfRange(pickedValues, i * rowSize, (i + 1) * rowSize))
                .containsExactly(Arrays.copyOfRange(values, order[i] * rowSize, (order[i] + 1) * rowSize));
          }
          picked.close();
          assertThat(picked.key(0).isReleased()).isTrue();
          assertThat(present.key(0).isReleased()).isFalse();
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
        // Every cache a forward pass took or returned, the ones beam search made with select included.
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
    public Step forward(long[][] ids, long[][] mask, long[][] positions, KvCache past, LoraBatch lora) {
      caches.add(past);
      Step step = model.forward(ids, mask, positions, past, lora);
      caches.add(step.present());
      return step;
    }

    @Override
    public KvCache emptyCache(int rows) {
      return model.emptyCache(rows);
    }
  }
}

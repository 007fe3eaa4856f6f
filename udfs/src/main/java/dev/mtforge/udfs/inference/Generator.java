package dev.mtforge.udfs.inference;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Greedy and beam search over a {@link StepModel}, reproducing Hugging Face {@code generate} for
 * decoder-only models (transformers 4.40 {@code _greedy_search} / {@code _beam_search} with
 * {@code BeamSearchScorer}): left padding, positions {@code cumsum(mask) - 1}, finished rows fed
 * the pad id, {@code 2 * num_beams} candidates per step, EOS candidates ranked below
 * {@code num_beams} dropped, {@code early_stopping} true/false/"never", and a hypothesis scored
 * {@code sum_logprobs / generated_len ^ length_penalty} where {@code generated_len} counts the EOS.
 *
 * <pre>{@code
 * List<Generation> out = Generator.generate(session, promptIds, lora, settings);
 * }</pre>
 */
public final class Generator {
  private Generator() {}

  /**
   * Greedy search when {@code settings.numBeams() == 1} (one engine run when the model has its
   * greedy loop graph loaded, else step by step), beam search otherwise.
   */
  public static List<Generation> generate(
      StepModel model, List<long[]> prompts, LoraBatch lora, GenerationSettings settings) {
    if (lora.rows() != prompts.size()) {
      throw new IllegalArgumentException(
          "LoRA batch has " + lora.rows() + " rows for " + prompts.size() + " prompts");
    }
    if (settings.numBeams() == 1) {
      return model.hasGreedyLoop() ? model.greedyLoop(prompts, lora, settings) : greedy(model, prompts, lora, settings);
    }
    return beam(model, prompts, lora, settings);
  }

  static List<Generation> greedy(
      StepModel model, List<long[]> prompts, LoraBatch lora, GenerationSettings settings) {
    int rows = prompts.size();
    long[][] ids = leftPad(prompts, settings.padTokenId());
    long[][] mask = maskOf(prompts, ids[0].length);
    long[][] positions = positionsOf(mask);
    long[][] out = new long[rows][settings.maxNewTokens()];
    int[] lengths = new int[rows];
    boolean[] done = new boolean[rows];
    long[][] stepIds = ids;
    KvCache past = model.emptyCache(rows);
    try {
      for (int step = 0; step < settings.maxNewTokens(); step++) {
        StepModel.Step result = model.forward(stepIds, mask, positions, past, null, lora, 1);
        past.close();
        past = result.present();
        long[][] next = new long[rows][1];
        boolean all = true;
        for (int row = 0; row < rows; row++) {
          if (done[row]) {
            next[row][0] = settings.padTokenId();
            continue;
          }
          long token = result.tokens()[row][0]; // argmax of the logits: top 1 of their log_softmax
          next[row][0] = token;
          if (token == settings.eosTokenId()) {
            done[row] = true;
          } else {
            out[row][lengths[row]++] = token;
            all = false;
          }
        }
        if (all) {
          break;
        }
        stepIds = next;
        mask = appendOnes(mask);
        positions = nextPositions(positions);
      }
    } finally {
      past.close();
    }
    List<Generation> generations = new ArrayList<>(rows);
    for (int row = 0; row < rows; row++) {
      generations.add(new Generation(Arrays.copyOf(out[row], lengths[row]), done[row], Double.NaN));
    }
    return generations;
  }

  static List<Generation> beam(
      StepModel model, List<long[]> prompts, LoraBatch lora, GenerationSettings settings) {
    int batch = prompts.size();
    int beams = settings.numBeams();
    int rows = batch * beams;
    long[][] padded = leftPad(prompts, settings.padTokenId());
    int promptLen = padded[0].length;
    // The prompt runs once per segment, not once per beam: at step 0 the beams of a segment are
    // identical rows (HF expands them before the first forward pass), so the first step takes the
    // segment's row for each of them, and the graph's beam_idx copies its cache to the beams.
    long[][] mask = maskOf(prompts, promptLen);
    long[][] positions = positionsOf(mask);
    LoraBatch rowLora = lora.repeatEach(beams);
    float[] beamScores = new float[rows];
    for (int row = 0; row < rows; row++) {
      beamScores[row] = row % beams == 0 ? 0f : -1e9f; // only the first beam expands at step 0
    }
    long[][] seqs = new long[rows][0];
    Hypotheses[] hyps = new Hypotheses[batch];
    for (int b = 0; b < batch; b++) {
      hyps[b] = new Hypotheses(beams, settings.lengthPenalty());
    }
    boolean[] done = new boolean[batch];
    int candidates = 2 * beams;
    // The global 2 * num_beams best of a segment are among each beam's own 2 * num_beams best.
    int topK = Math.min(candidates, model.vocabSize());
    long[][] stepIds = padded;
    int[] pastRows = null;
    KvCache past = model.emptyCache(batch);
    try {
      for (int step = 0; step < settings.maxNewTokens(); step++) {
        boolean prefill = step == 0; // result rows are segments, not beams
        StepModel.Step result =
            model.forward(stepIds, mask, positions, past, pastRows, prefill ? lora : rowLora, topK);
        past.close();
        past = result.present();
        int curLen = promptLen + step + 1; // the length the new scores are for, counting the new token
        float[] nextScores = new float[rows];
        long[] nextTokens = new long[rows];
        int[] nextRows = new int[rows];
        for (int b = 0; b < batch; b++) {
          if (done[b]) {
            for (int j = 0; j < beams; j++) {
              nextScores[b * beams + j] = 0f;
              nextTokens[b * beams + j] = settings.padTokenId();
              nextRows[b * beams + j] = 0;
            }
            continue;
          }
          Candidate[] top = best(result, beamScores, b, beams, candidates, prefill);
          int chosen = 0;
          for (int rank = 0; rank < candidates && chosen < beams; rank++) {
            Candidate c = top[rank];
            int row = b * beams + c.beam();
            if (c.token() == settings.eosTokenId()) {
              if (rank >= beams) {
                continue; // an EOS outside the top num_beams is not a finished hypothesis
              }
              hyps[b].add(seqs[row], c.score(), curLen - promptLen, true);
            } else {
              nextScores[b * beams + chosen] = c.score();
              nextTokens[b * beams + chosen] = c.token();
              nextRows[b * beams + chosen] = row;
              chosen++;
            }
          }
          done[b] = hyps[b].isDone(top[0].score(), curLen, promptLen, settings);
        }
        long[][] nextSeqs = new long[rows][];
        for (int row = 0; row < rows; row++) {
          long[] prev = seqs[nextRows[row]];
          nextSeqs[row] = Arrays.copyOf(prev, prev.length + 1);
          nextSeqs[row][prev.length] = nextTokens[row];
        }
        seqs = nextSeqs;
        beamScores = nextScores;
        // The graph gathers the cache rows (beam_idx); a row's adapter stays its segment's.
        pastRows = new int[rows];
        long[][] nextMask = new long[rows][];
        long[][] nextPositions = new long[rows][1];
        for (int row = 0; row < rows; row++) {
          int from = prefill ? nextRows[row] / beams : nextRows[row];
          pastRows[row] = from;
          nextMask[row] = mask[from];
          nextPositions[row][0] = positions[from][positions[from].length - 1] + 1;
        }
        mask = appendOnes(nextMask);
        positions = nextPositions;
        stepIds = new long[rows][1];
        for (int row = 0; row < rows; row++) {
          stepIds[row][0] = nextTokens[row];
        }
        boolean all = true;
        for (boolean d : done) {
          all &= d;
        }
        if (all) {
          break;
        }
      }
    } finally {
      past.close();
    }
    List<Generation> generations = new ArrayList<>(batch);
    for (int b = 0; b < batch; b++) {
      if (!done[b]) {
        for (int j = 0; j < beams; j++) {
          int row = b * beams + j;
          hyps[b].add(seqs[row], beamScores[row], seqs[row].length, false);
        }
      }
      generations.add(hyps[b].best());
    }
    return generations;
  }

  /** HF's {@code BeamHypotheses}: the n best finished hypotheses of one segment. */
  private static final class Hypotheses {
    private final int beams;
    private final double lengthPenalty;
    private final List<Generation> kept = new ArrayList<>();
    private double worst = 1e9;

    Hypotheses(int beams, double lengthPenalty) {
      this.beams = beams;
      this.lengthPenalty = lengthPenalty;
    }

    void add(long[] tokens, float sumLogprobs, int generatedLen, boolean eos) {
      double score = sumLogprobs / Math.pow(generatedLen, lengthPenalty);
      if (kept.size() < beams || score > worst) {
        kept.add(new Generation(tokens.clone(), eos, score));
        if (kept.size() > beams) {
          // drop the worst; HF sorts (score, index) pairs, so the first of equal scores goes
          int worstIndex = 0;
          for (int i = 1; i < kept.size(); i++) {
            if (kept.get(i).score() < kept.get(worstIndex).score()) {
              worstIndex = i;
            }
          }
          kept.remove(worstIndex);
          double next = Double.POSITIVE_INFINITY;
          for (Generation g : kept) {
            next = Math.min(next, g.score());
          }
          worst = next;
        } else {
          worst = Math.min(score, worst);
        }
      }
    }

    boolean isDone(float bestSumLogprobs, int curLen, int promptLen, GenerationSettings settings) {
      if (kept.size() < beams) {
        return false;
      }
      return switch (settings.earlyStopping()) {
        case TRUE -> true;
        case HEURISTIC -> worst >= bestSumLogprobs / Math.pow(curLen - promptLen, lengthPenalty);
        case NEVER -> {
          int length = lengthPenalty > 0 ? settings.maxNewTokens() : curLen - promptLen;
          yield worst >= bestSumLogprobs / Math.pow(length, lengthPenalty);
        }
      };
    }

    Generation best() {
      // Python's sorted(...).pop() returns the last of equal best scores.
      Generation best = kept.get(0);
      for (Generation g : kept) {
        if (g.score() >= best.score()) {
          best = g;
        }
      }
      return best;
    }
  }

  /** Prompts right-aligned in a {@code [rows][longest]} array, padded on the left. */
  static long[][] leftPad(List<long[]> prompts, long pad) {
    int width = 0;
    for (long[] p : prompts) {
      width = Math.max(width, p.length);
    }
    long[][] ids = new long[prompts.size()][width];
    for (int row = 0; row < ids.length; row++) {
      long[] p = prompts.get(row);
      Arrays.fill(ids[row], 0, width - p.length, pad);
      System.arraycopy(p, 0, ids[row], width - p.length, p.length);
    }
    return ids;
  }

  private static long[][] maskOf(List<long[]> prompts, int width) {
    long[][] mask = new long[prompts.size()][width];
    for (int row = 0; row < mask.length; row++) {
      Arrays.fill(mask[row], width - prompts.get(row).length, width, 1L);
    }
    return mask;
  }

  /** HF's {@code position_ids = cumsum(mask) - 1}, with padding positions set to 1. */
  static long[][] positionsOf(long[][] mask) {
    long[][] positions = new long[mask.length][];
    for (int row = 0; row < mask.length; row++) {
      positions[row] = new long[mask[row].length];
      long sum = 0;
      for (int i = 0; i < mask[row].length; i++) {
        sum += mask[row][i];
        positions[row][i] = mask[row][i] == 0 ? 1 : sum - 1;
      }
    }
    return positions;
  }

  private static long[][] nextPositions(long[][] positions) {
    long[][] next = new long[positions.length][1];
    for (int row = 0; row < positions.length; row++) {
      next[row][0] = positions[row][positions[row].length - 1] + 1;
    }
    return next;
  }

  private static long[][] appendOnes(long[][] mask) {
    long[][] next = new long[mask.length][];
    for (int row = 0; row < mask.length; row++) {
      next[row] = Arrays.copyOf(mask[row], mask[row].length + 1);
      next[row][mask[row].length] = 1L;
    }
    return next;
  }

  /** One continuation of a beam: the beam (0..num_beams), the token and the beam's new score. */
  private record Candidate(int beam, long token, float score) {}

  /**
   * HF's {@code topk(log_softmax(logits) + beam_scores, 2 * num_beams)} over a segment's beams,
   * from each beam's own best candidates: best first, equal scores in flat-index order
   * ({@code beam * vocab + token}), as {@code torch.topk} over the flattened scores.
   */
  private static Candidate[] best(
      StepModel.Step step, float[] beamScores, int segment, int beams, int k, boolean prefill) {
    List<Candidate> all = new ArrayList<>(beams * step.tokens()[0].length);
    for (int j = 0; j < beams; j++) {
      int row = segment * beams + j;
      int resultRow = prefill ? segment : row; // at the prefill the beams of a segment share its row
      for (int c = 0; c < step.tokens()[resultRow].length; c++) {
        all.add(new Candidate(j, step.tokens()[resultRow][c], step.logprobs()[resultRow][c] + beamScores[row]));
      }
    }
    all.sort((x, y) -> x.score() != y.score() ? Float.compare(y.score(), x.score())
        : x.beam() != y.beam() ? Integer.compare(x.beam(), y.beam()) : Long.compare(x.token(), y.token()));
    return all.subList(0, Math.min(k, all.size())).toArray(new Candidate[0]);
  }
}

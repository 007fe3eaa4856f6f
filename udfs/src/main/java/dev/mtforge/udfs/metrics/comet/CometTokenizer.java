package dev.mtforge.udfs.metrics.comet;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.mtforge.udfs.tokenize.HfTokenizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * COMET's inputs as token ids: the encoder's HF tokenizer (what COMET's
 * {@code XLMRobertaTokenizerFast} runs) plus COMET's length limits, reproduced exactly.
 *
 * <ul>
 *   <li>One text ({@code encoders/base.py prepare_sample}: {@code truncation=True,
 *       max_length=max_positions − 2}): {@code <s> … </s>}, at most {@link CometManifest#maxTokens}
 *       ids; a longer text keeps its first {@code maxTokens − 2} pieces and its {@code </s>}.
 *   <li>A unified pair ({@code concat_sequences}): {@code <s> mt </s></s> src </s>} from the two
 *       truncated texts, cut to {@link CometManifest#maxPairTokens} ids when it is longer (the
 *       cut may drop the final {@code </s>}, as COMET's does).
 * </ul>
 *
 * Thread-safe; close it once (the model that owns it does).
 */
public final class CometTokenizer implements AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;
  private final CometManifest.SpecialIds special;
  private final int maxTokens;
  private final int maxPairTokens;

  CometTokenizer(HuggingFaceTokenizer tokenizer, CometManifest manifest) {
    this.tokenizer = tokenizer;
    this.special = manifest.special();
    this.maxTokens = manifest.maxTokens();
    this.maxPairTokens = manifest.maxPairTokens();
  }

  /** The tokenizer of a local package. */
  public static CometTokenizer load(CometPackage pkg) {
    try {
      return new CometTokenizer(HfTokenizers.load(pkg.tokenizerPath()), pkg.manifest());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot load tokenizer " + pkg.tokenizerPath(), e);
    }
  }

  /** The ids of one text, {@code <s> … </s>}, truncated as COMET does. */
  public long[] encode(String text) {
    long[] ids = tokenizer.encode(text).getIds();
    if (ids.length <= maxTokens) {
      return ids;
    }
    long[] cut = Arrays.copyOf(ids, maxTokens);
    cut[maxTokens - 1] = special.eos();
    return cut;
  }

  /**
   * The unified model's input for a translation and its source, from their {@link #encode} ids.
   * Like COMET, drops every {@code <pad>} id from both before joining them (it strips padding
   * with {@code masked_select(ne(pad))}).
   */
  public long[] pair(long[] mt, long[] src) {
    long[] a = withoutPad(mt);
    long[] b = withoutPad(src);
    int contentA = Math.max(0, a.length - 2);
    int contentB = Math.max(0, b.length - 2);
    long[] seq = new long[contentA + contentB + 4];
    int n = 0;
    seq[n++] = special.bos();
    System.arraycopy(a, 1, seq, n, contentA);
    n += contentA;
    seq[n++] = special.eos();
    seq[n++] = special.eos();
    System.arraycopy(b, 1, seq, n, contentB);
    n += contentB;
    seq[n] = special.eos();
    // COMET compares the content lengths with max_positions - 5 (1 + 2 separators of 2)
    if (contentA + contentB > maxPairTokens - 5 && seq.length > maxPairTokens) {
      return Arrays.copyOf(seq, maxPairTokens);
    }
    return seq;
  }

  private long[] withoutPad(long[] ids) {
    int kept = 0;
    for (long id : ids) {
      if (id != special.pad()) {
        kept++;
      }
    }
    if (kept == ids.length) {
      return ids;
    }
    long[] out = new long[kept];
    int n = 0;
    for (long id : ids) {
      if (id != special.pad()) {
        out[n++] = id;
      }
    }
    return out;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}

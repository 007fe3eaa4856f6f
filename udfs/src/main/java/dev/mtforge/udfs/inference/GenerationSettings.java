package dev.mtforge.udfs.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How to decode, with Hugging Face {@code generate} semantics: {@code numBeams == 1} is greedy
 * search, otherwise beam search scoring a finished hypothesis as
 * {@code sum_logprobs / generated_len ^ lengthPenalty}.
 *
 * @param numBeams beams per segment (1 = greedy); the paper decodes with 5
 * @param maxNewTokens most tokens generated per segment (the paper: 512, ALMA's scripts: 256)
 * @param lengthPenalty exponent of the length normalisation (HF default 1.0)
 * @param earlyStopping when a beam search stops (HF default {@link EarlyStopping#HEURISTIC})
 * @param bosTokenId begin-of-sequence id
 * @param eosTokenId end-of-sequence id
 * @param padTokenId id fed for finished rows and used for left padding
 */
public record GenerationSettings(
    int numBeams,
    int maxNewTokens,
    double lengthPenalty,
    EarlyStopping earlyStopping,
    long bosTokenId,
    long eosTokenId,
    long padTokenId)
    implements Serializable {

  /** HF {@code early_stopping}: {@code true}, {@code false} (a heuristic) or {@code "never"}. */
  public enum EarlyStopping {
    /** Stop as soon as {@code numBeams} hypotheses are finished. */
    TRUE,
    /** Stop when no running beam can beat the worst finished one at the current length. */
    HEURISTIC,
    /** Stop only when no running beam can beat it at any length (the canonical beam search). */
    NEVER;

    /** Parses {@code true}, {@code false} or {@code never} as HF spells them. */
    public static EarlyStopping parse(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "true" -> TRUE;
        case "false" -> HEURISTIC;
        case "never" -> NEVER;
        default -> throw new IllegalArgumentException(
            "Unknown early stopping '" + value + "'; known: true, false, never");
      };
    }
  }

  public GenerationSettings {
    if (numBeams < 1) {
      throw new IllegalArgumentException("num-beams must be at least 1, got " + numBeams);
    }
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("max-new-tokens must be at least 1, got " + maxNewTokens);
    }
    if (earlyStopping == null) {
      throw new IllegalArgumentException("early stopping must be set");
    }
  }

  /** Greedy search with the given token ids. */
  public static GenerationSettings greedy(int maxNewTokens, long bos, long eos, long pad) {
    return new GenerationSettings(1, maxNewTokens, 1.0, EarlyStopping.HEURISTIC, bos, eos, pad);
  }

  /** Reads the token ids and decoding defaults of an HF {@code generation_config.json}. */
  public static GenerationSettings read(Path file) {
    try {
      return parse(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read generation config " + file, e);
    }
  }

  /**
   * Parses an HF {@code generation_config.json}.
   *
   * @param file where it came from, for errors (a path or URI)
   */
  public static GenerationSettings parse(byte[] json, String file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": not JSON (" + e.getMessage() + ")", e);
    }
    long eos = id(root, "eos_token_id", file);
    long bos = root.has("bos_token_id") ? id(root, "bos_token_id", file) : -1;
    // LLaMA-2 has no pad token; HF then pads with EOS, and so do we.
    long pad = root.hasNonNull("pad_token_id") ? id(root, "pad_token_id", file) : eos;
    JsonNode early = root.get("early_stopping");
    return new GenerationSettings(
        root.path("num_beams").asInt(1),
        root.path("max_new_tokens").asInt(256),
        root.path("length_penalty").asDouble(1.0),
        early == null || early.isNull() ? EarlyStopping.HEURISTIC : EarlyStopping.parse(early.asText()),
        bos,
        eos,
        pad);
  }

  /** The same settings with another beam count. */
  public GenerationSettings withNumBeams(int beams) {
    return new GenerationSettings(beams, maxNewTokens, lengthPenalty, earlyStopping, bosTokenId, eosTokenId, padTokenId);
  }

  /** The same settings with another token limit. */
  public GenerationSettings withMaxNewTokens(int tokens) {
    return new GenerationSettings(numBeams, tokens, lengthPenalty, earlyStopping, bosTokenId, eosTokenId, padTokenId);
  }

  /** The same settings with another length penalty. */
  public GenerationSettings withLengthPenalty(double penalty) {
    return new GenerationSettings(numBeams, maxNewTokens, penalty, earlyStopping, bosTokenId, eosTokenId, padTokenId);
  }

  /** The same settings with another early-stopping rule. */
  public GenerationSettings withEarlyStopping(EarlyStopping rule) {
    return new GenerationSettings(numBeams, maxNewTokens, lengthPenalty, rule, bosTokenId, eosTokenId, padTokenId);
  }

  /** A short label for the {@code decoding} column: {@code beam5:max256:lp1.0:es=false}. */
  public String describe() {
    String mode = numBeams == 1 ? "greedy" : "beam" + numBeams;
    String es = switch (earlyStopping) {
      case TRUE -> "true";
      case HEURISTIC -> "false";
      case NEVER -> "never";
    };
    return numBeams == 1
        ? mode + ":max" + maxNewTokens
        : mode + ":max" + maxNewTokens + ":lp" + lengthPenalty + ":es=" + es;
  }

  private static long id(JsonNode root, String field, String file) {
    JsonNode node = root.get(field);
    if (node != null && node.isArray() && node.size() > 0) {
      node = node.get(0); // a list of EOS ids: HF pads and appends with the first
    }
    if (node == null || !node.isIntegralNumber()) {
      throw new IllegalArgumentException(file + ": field '" + field + "' must be a token id, found " + node);
    }
    return node.asLong();
  }
}

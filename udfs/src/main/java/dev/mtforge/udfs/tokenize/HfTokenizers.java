package dev.mtforge.udfs.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtforge.schemas.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Opens HF {@code tokenizer.json} files in DJL's tokenizers library with the settings every part
 * of mtforge needs: the one loader for inference ({@code CausalLm}) and token counts (data_stats,
 * training_shards). The caller closes the tokenizer.
 *
 * <p>The JSON is checked in Java first ({@link #check}): the native library (tokenizers 0.21)
 * panics instead of returning an error on some malformed {@code decoder} sections, and a Rust panic
 * across JNI aborts the whole JVM — an executor, or the driver of a job.
 */
public final class HfTokenizers {
  // DJL truncates to 512 tokens unless told not to: a long segment would lose its tail silently.
  private static final Map<String, String> OPTIONS =
      Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Decoder types of tokenizers 0.21 ({@code DecoderWrapper}). */
  private static final Set<String> DECODERS = Set.of("BPEDecoder", "ByteLevel", "WordPiece", "Metaspace", "CTC",
      "Sequence", "Replace", "Fuse", "Strip", "ByteFallback");

  private HfTokenizers() {}

  /** Loads a local {@code tokenizer.json}. */
  public static HuggingFaceTokenizer load(Path tokenizerJson) throws IOException {
    check(Files.readAllBytes(tokenizerJson), tokenizerJson.toString());
    return HuggingFaceTokenizer.newInstance(tokenizerJson, OPTIONS);
  }

  /** Loads the content of a {@code tokenizer.json} (a copy read from S3 or a broadcast). */
  public static HuggingFaceTokenizer load(InputStream tokenizerJson) throws IOException {
    byte[] bytes = tokenizerJson.readAllBytes();
    check(bytes, "tokenizer.json");
    return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(bytes), OPTIONS);
  }

  /**
   * Refuses, with {@link InvalidInputException} naming the file, what the native loader would
   * crash on: text that is not UTF-8 JSON, a root that is not an object, and a {@code decoder} that
   * is not null or an object of a known type (recursively for {@code Sequence}).
   */
  public static void check(byte[] bytes, String file) {
    JsonNode root;
    try {
      String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
      root = JSON.readTree(text);
    } catch (CharacterCodingException e) {
      throw invalid(file, "not UTF-8 text", e);
    } catch (JsonProcessingException e) {
      throw invalid(file, "not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw invalid(file, "not a JSON object", null);
    }
    checkDecoder(root.get("decoder"), file);
    checkPostProcessor(root.get("post_processor"), file);
  }

  /**
   * A {@code TemplateProcessing} post-processor whose template names a special token missing from
   * its {@code special_tokens} makes every encode panic ("no entry found for key").
   */
  private static void checkPostProcessor(JsonNode processor, String file) {
    if (processor == null || !processor.isObject()) {
      return; // other shapes are refused by the native loader with an error, not a panic
    }
    JsonNode type = processor.get("type");
    if (type != null && "Sequence".equals(type.asText())) {
      JsonNode processors = processor.get("processors");
      if (processors != null && processors.isArray()) {
        processors.forEach(p -> checkPostProcessor(p, file));
      }
      return;
    }
    if (type == null || !"TemplateProcessing".equals(type.asText())) {
      return;
    }
    JsonNode specials = processor.get("special_tokens");
    for (String template : new String[] {"single", "pair"}) {
      JsonNode pieces = processor.get(template);
      if (pieces == null || !pieces.isArray()) {
        continue;
      }
      for (JsonNode piece : pieces) {
        JsonNode id = piece.path("SpecialToken").path("id");
        if (id.isTextual() && (specials == null || !specials.isObject() || !specials.has(id.textValue())
            || !specials.get(id.textValue()).isObject())) {
          throw invalid(file, "post_processor template '" + template + "' uses special token '" + id.textValue()
              + "' that its special_tokens do not define", null);
        }
      }
    }
    if (specials != null && specials.isObject()) {
      specials.fields().forEachRemaining(entry -> {
        JsonNode ids = entry.getValue().path("ids");
        JsonNode tokens = entry.getValue().path("tokens");
        if (!ids.isArray() || !tokens.isArray() || ids.size() != tokens.size()) {
          throw invalid(file, "post_processor special token '" + entry.getKey()
              + "' needs ids and tokens arrays of one length", null);
        }
      });
    }
  }

  private static void checkDecoder(JsonNode decoder, String file) {
    if (decoder == null || decoder.isNull()) {
      return;
    }
    JsonNode type = decoder.get("type");
    if (!decoder.isObject() || type == null || !type.isTextual() || !DECODERS.contains(type.textValue())) {
      throw invalid(file, "decoder " + decoder + " is not an object with a known type " + new java.util.TreeSet<>(DECODERS),
          null);
    }
    if (type.textValue().equals("Sequence")) {
      JsonNode decoders = decoder.get("decoders");
      if (decoders == null || !decoders.isArray()) {
        throw invalid(file, "Sequence decoder without a decoders array", null);
      }
      decoders.forEach(d -> checkDecoder(d, file));
    }
  }

  private static InvalidInputException invalid(String file, String problem, Throwable cause) {
    return new InvalidInputException("Cannot load tokenizer " + file + ": " + problem, file, cause);
  }
}

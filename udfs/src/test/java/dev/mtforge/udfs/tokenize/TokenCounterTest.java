package dev.mtforge.udfs.tokenize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.testing.SparkTestSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * Token counts of the byte-level {@code tokenizer.json} of the tiny test model: one token per
 * UTF-8 byte (no merges, no prefix space), BOS not counted.
 */
class TokenCounterTest {
  private static final byte[] BYTE_LEVEL = bytes();

  private static byte[] bytes() {
    try {
      return Files.readAllBytes(SparkTestSession.repoRoot().resolve("sample-data/models/tiny-llama/tokenizer.json"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void byteLevelTokenizerGivesOneTokenPerUtf8Byte() {
    TokenCounter counter = TokenCounter.of(BYTE_LEVEL);
    for (String text : new String[] {"Hello world", "Příliš žluťoučký kůň", "天文学家发现了", "a 👩‍👩‍👧 b", " x  y "}) {
      assertThat(counter.count(text)).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }
    assertThat(counter.count("")).isZero();
  }

  @Test
  void sharedCounterIsLoadedOncePerKey() {
    TokenCounter first = TokenCounter.shared("byte-level-test", () -> BYTE_LEVEL);
    TokenCounter second = TokenCounter.shared("byte-level-test", () -> {
      throw new AssertionError("content read twice");
    });
    assertThat(second).isSameAs(first);
  }
}

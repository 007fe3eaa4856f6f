package dev.mtforge.udfs.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.udfs.readers.LineFileReader;
import dev.mtforge.udfs.readers.WmtXmlReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile inputs named by the reliability issue, and every input the fuzz campaign found
 * crashing a parser (each case says which campaign found it).
 */
class HostileInputRegressionTest {
  private static final String XML_HEAD = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

  static String escape(byte[] input) {
    StringBuilder text = new StringBuilder();
    for (byte b : input) {
      int c = b & 0xff;
      text.append(c >= 0x20 && c < 0x7f && c != '\\' ? String.valueOf((char) c) : String.format("\\x%02x", c));
    }
    return text.toString();
  }

  private static WmtXmlReader.XmlTestSet xml(String text) {
    return WmtXmlReader.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t.xml");
  }

  private static String wmt(String segment) {
    return "<dataset id=\"t\"><collection id=\"general\"><doc id=\"d1\" origlang=\"en\">"
        + "<src lang=\"en\"><p><seg id=\"1\">" + segment + "</seg></p></src>"
        + "<ref lang=\"de\" translator=\"A\"><p><seg id=\"1\">Hallo</seg></p></ref></doc></collection></dataset>";
  }

  @Test
  void wmtXmlNeverResolvesAnExternalEntity(@TempDir Path dir) throws IOException {
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "AKIA-SECRET-FROM-DISK");
    String doc = XML_HEAD + "<!DOCTYPE dataset [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>\n" + wmt("&xxe;");
    assertThatThrownBy(() -> xml(doc))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("t.xml:3: not valid XML: Undeclared general entity \"xxe\" at [row,col {unknown-source}]: [3,103]")
        .message().doesNotContain("AKIA");
  }

  @Test
  void wmtXmlNeverExpandsEntitiesBillionLaughs() {
    StringBuilder dtd = new StringBuilder("<!DOCTYPE dataset [<!ENTITY l0 \"lol\">");
    for (int i = 1; i < 10; i++) {
      dtd.append("<!ENTITY l").append(i).append(" \"").append(("&l" + (i - 1) + ";").repeat(10)).append("\">");
    }
    dtd.append("]>\n");
    assertThatThrownBy(() -> xml(XML_HEAD + dtd + wmt("&l9;")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("t.xml:3: not valid XML: Undeclared general entity \"l9\" at [row,col {unknown-source}]: [3,102]");
  }

  @Test
  void wmtXmlWithAnInternalEntityDeclarationIsRefusedNotExpanded() {
    String doc = XML_HEAD + "<!DOCTYPE dataset [<!ENTITY who \"World\">]>\n" + wmt("Hello &who;");
    assertThatThrownBy(() -> xml(doc)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void wmtXmlWithInvalidUtf8OrNulIsANamedError() {
    byte[] invalid = (XML_HEAD + wmt("caf\u00e9")).getBytes(StandardCharsets.UTF_8);
    int e = new String(invalid, StandardCharsets.ISO_8859_1).indexOf("caf") + 3;
    invalid[e] = (byte) 0xC3;
    invalid[e + 1] = (byte) 0x28;
    assertThatThrownBy(() -> WmtXmlReader.read(new ByteArrayInputStream(invalid), "t.xml"))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> xml(XML_HEAD + wmt("nul\u0000byte"))).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void lineFilesRejectInvalidUtf8WithLineAndOffset() {
    byte[] bytes = {'o', 'k', '\n', 'b', 'a', (byte) 0xC3, 0x28, '\n'};
    assertThatThrownBy(() -> LineFileReader.read(new ByteArrayInputStream(bytes), "x.devtest"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("x.devtest:2: invalid UTF-8 at byte offset 5");
  }

  @Test
  void safetensorsWithAHugeHeaderLengthFailsBeforeAllocating() {
    byte[] file = HostileInputs.safetensors("{}", 0);
    for (long length : new long[] {Long.MAX_VALUE, -1L, 1L << 40, 99}) {
      java.nio.ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, length);
      assertThatThrownBy(() -> HostileInputs.readSafetensors(file))
          .isInstanceOf(InvalidInputException.class)
          .hasMessage("m.safetensors: header length " + Long.toUnsignedString(length)
              + " is out of range (the file has 2 bytes after the length prefix; limit 100000000)");
    }
  }

  @Test
  void safetensorsWithOverlappingOffsetsIsRefused() {
    byte[] file = HostileInputs.safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
    assertThatThrownBy(() -> HostileInputs.readSafetensors(file))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("m.safetensors: tensor 'b': data starts at byte 4 but tensor 'a' ends at 8 (overlap)");
  }

  @Test
  void safetensorsWithOffsetsOutsideTheFileIsRefused() {
    byte[] file = HostileInputs.safetensors(
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
    assertThatThrownBy(() -> HostileInputs.readSafetensors(file))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("m.safetensors: tensor 'a': data_offsets [0, 16] end outside the data region (8 bytes)");
    byte[] huge = HostileInputs.safetensors(
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904],\"data_offsets\":[0,18446744073709551615]}}", 8);
    assertThatThrownBy(() -> HostileInputs.readSafetensors(huge)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void safetensorsWhoseDtypeDoesNotMatchTheSizeIsRefused() {
    byte[] file = HostileInputs.safetensors("{\"a\":{\"dtype\":\"F16\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", 16);
    assertThatThrownBy(() -> HostileInputs.readSafetensors(file))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("m.safetensors: tensor 'a': data_offsets [0, 16] hold 16 bytes but shape [2, 2] of F16 needs 8");
  }

  @Test
  void safetensorsHeaderThatJacksonWouldReadAsUtf32IsANamedError() {
    // found by HostileInputsTest (seed 15): Jackson guesses UTF-16/32 from leading NULs, and its
    // CharConversionException escaped as UncheckedIOException (exit 1)
    String header = "\u0000\u0000\u0000\u0000{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    byte[] file = HostileInputs.safetensors(header, 4);
    assertThatThrownBy(() -> HostileInputs.readSafetensors(file))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("m.safetensors: header is not valid JSON: ");
    byte[] latin1 = HostileInputs.safetensors("{\"\u00e9\":1}", 0);
    latin1[10] = (byte) 0xE9; // a lone Latin-1 byte where UTF-8 needs two
    assertThatThrownBy(() -> HostileInputs.readSafetensors(latin1))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("m.safetensors: header is not valid UTF-8");
  }

  @Test
  void tokenizerJsonThatWouldAbortTheJvmIsRefusedInJava() throws IOException {
    // found by HostileInputsTest: a syntax error inside "decoder" made tokenizers 0.21 panic
    // ("Helper: Error(\"expected ident\", line: 100, …)"), and a panic across JNI aborts the JVM
    String good = Files.readString(dev.mtforge.testing.SparkTestSession.repoRoot()
        .resolve("sample-data/models/tiny-llama/tokenizer.json"));
    byte[] bad = good.replace("\"add_prefix_space\": false", "\"add_prefix_space\": fals")
        .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> dev.mtforge.udfs.spark.TokenCountUdf.check(bad, "s3a://m/tokenizer.json"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Cannot load tokenizer s3a://m/tokenizer.json: not valid JSON: Unrecognized token 'fals'");
    byte[] unknown = good.replace("\"type\": \"ByteLevel\",\n  \"add_prefix_space\"", "\"type\": 7,\n  \"add_prefix_space\"")
        .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> dev.mtforge.udfs.tokenize.HfTokenizers.check(unknown, "tokenizer.json"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Cannot load tokenizer tokenizer.json: decoder {\"type\":7,");
  }

  @Test
  void tokenizerJsonWhoseTemplateNamesAnUndefinedSpecialTokenIsRefused() throws IOException {
    // found by HostileInputCampaign (45 s, seed 20261202): the tokenizer loaded, then its first
    // encode panicked in TemplateProcessing ("no entry found for key") and aborted the JVM
    String good = Files.readString(dev.mtforge.testing.SparkTestSession.repoRoot()
        .resolve("sample-data/models/tiny-llama/tokenizer.json"));
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode root = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(good);
    com.fasterxml.jackson.databind.node.ObjectNode specials =
        (com.fasterxml.jackson.databind.node.ObjectNode) root.path("post_processor").path("special_tokens");
    specials.set("<x>", specials.remove("<s>"));
    byte[] bad = json.writeValueAsBytes(root);
    assertThatThrownBy(() -> dev.mtforge.udfs.spark.TokenCountUdf.check(bad, "tokenizer.json"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Cannot load tokenizer tokenizer.json: post_processor template 'single' uses special token '<s>'"
            + " that its special_tokens do not define");
  }

  @Test
  void nulBytesInTextAreKeptAsText() {
    assertThat(LineFileReader.read(new ByteArrayInputStream("a\u0000b\n".getBytes(StandardCharsets.UTF_8)), "x"))
        .containsExactly("a\u0000b");
  }
}

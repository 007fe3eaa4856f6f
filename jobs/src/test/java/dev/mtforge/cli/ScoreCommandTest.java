package dev.mtforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtforge.udfs.metrics.Signature;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code mtforge score} against the {@code sacrebleu} 2.6.0 command: the same arguments must
 * print the same text and JSON (but for the honest version field). Expected output:
 * src/test/resources/cli/expected.jsonl, written by src/test/python/make_cli_fixtures.py.
 */
class ScoreCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  record Run(int exitCode, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        MtforgeCli.commandLine(new ScoreCommand())
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  static Stream<Arguments> sacrebleuRuns() throws IOException {
    List<Arguments> cases = new ArrayList<>();
    for (String line :
        Files.readAllLines(Path.of("src/test/resources/cli/expected.jsonl"), StandardCharsets.UTF_8)) {
      JsonNode row = JSON.readTree(line);
      List<String> args = new ArrayList<>();
      row.get("args").forEach(a -> args.add(a.asText()));
      cases.add(Arguments.of(String.join(" ", args).replace("src/test/resources/cli/", ""), args, row.get("stdout").asText()));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sacrebleuRuns")
  void printsWhatSacrebleuPrints(String name, List<String> args, String expected) {
    Run r = run(args.toArray(new String[0]));
    assertThat(r.err()).isEmpty();
    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .isEqualTo(
            expected
                .replace("version:2.6.0", "version:" + Signature.VERSION)
                .replace("v:2.6.0", "v:" + Signature.VERSION)
                .replace("\"version\": \"2.6.0\"", "\"version\": \"" + Signature.VERSION + "\""));
  }

  @Test
  void confidenceForSeveralSystemsIsRefusedAsSacrebleuDoes() {
    Run r =
        run("src/test/resources/cli/random.ref.txt", "-i", "src/test/resources/cli/random.base.txt",
            "src/test/resources/cli/random.near.txt", "-m", "bleu", "-ci", "-f", "text");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("Use paired tests (--paired) for multiple systems.");
    Run sentence = run("src/test/resources/cli/random.ref.txt", "-i", "src/test/resources/cli/random.base.txt", "-sl", "-ci");
    assertThat(sentence.exitCode()).isEqualTo(2);
    assertThat(sentence.err()).contains("Statistical tests are unavailable in sentence-level mode.");
  }

  @Test
  void misalignedFilesAreRejectedWithExitCode3(@TempDir Path dir) throws IOException {
    Path ref = Files.writeString(dir.resolve("ref.txt"), "a b c\nd e f\n");
    Path hyp = Files.writeString(dir.resolve("hyp.txt"), "a b c\n");
    Run r = run(ref.toString(), "-i", hyp.toString());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo("mtforge score: Cannot score " + hyp + ": it has 1 lines but reference " + ref + " has 2\n");
  }

  @Test
  void invalidUtf8NamesFileAndLine(@TempDir Path dir) throws IOException {
    Path ref = Files.writeString(dir.resolve("ref.txt"), "a\nb\n");
    Path hyp = Files.write(dir.resolve("hyp.txt"), new byte[] {'a', '\n', (byte) 0xff, '\n'});
    Run r = run(ref.toString(), "-i", hyp.toString());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).isEqualTo("mtforge score: " + hyp + ":2: not valid UTF-8\n");
  }

  @Test
  void aRealReplacementCharacterIsValidButAnEncodedSurrogateIsNot(@TempDir Path dir) throws IOException {
    Path ref = Files.writeString(dir.resolve("ref.txt"), "a \uFFFD\nb\n");
    Path hyp = Files.writeString(dir.resolve("hyp.txt"), "a \uFFFD\nb\n");
    Run ok = run(ref.toString(), "-i", hyp.toString(), "-m", "chrf", "-b");
    assertThat(ok.exitCode()).isZero();
    assertThat(ok.out()).isEqualTo("100.0\n");
    Path bad = Files.write(dir.resolve("bad.txt"), new byte[] {'a', '\n', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '\n'});
    Run r = run(ref.toString(), "-i", bad.toString());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).isEqualTo("mtforge score: " + bad + ":2: not valid UTF-8\n");
  }

  @Test
  void usageErrorsExitWith2() {
    Run unknown = run("src/test/resources/cli/ref.a.txt", "-i", "src/test/resources/cli/sys1.txt", "-m", "meteor");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).startsWith("Unknown metric 'meteor' for option '--metrics'; known: bleu, chrf, ter, comet, cometkiwi\n");
    Run spm = run("src/test/resources/cli/ref.a.txt", "-i", "src/test/resources/cli/sys1.txt", "-tok", "flores200");
    assertThat(spm.exitCode()).isEqualTo(2);
    assertThat(spm.err())
        .startsWith(
            "Tokenizer 'flores200' needs its SentencePiece model file: pass --spm-model <path>"
                + " (sacreBLEU downloads it; mtforge cannot download it)\n");
    Run twoMetrics = run("src/test/resources/cli/ref.a.txt", "-i", "src/test/resources/cli/sys1.txt", "-m", "bleu", "chrf", "-sl");
    assertThat(twoMetrics.exitCode()).isEqualTo(2);
    assertThat(twoMetrics.err()).startsWith("Only one metric can be used in sentence-level mode.\n");
  }
}

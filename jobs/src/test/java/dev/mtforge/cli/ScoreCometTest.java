package dev.mtforge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtforge.testing.SparkTestSession;
import dev.mtforge.udfs.metrics.Comet;
import dev.mtforge.udfs.metrics.comet.CometPackage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mtforge score -m comet / cometkiwi} on the golden segments of the tiny models: the
 * printed scores are the torch reference's (sample-data/models/tiny-comet/golden.json, from
 * sample-data/models/generate_tiny_comet.py, Debian torch 1.13), and bad input is refused with
 * the file named.
 */
class ScoreCometTest {
  private static final Path COMET = SparkTestSession.repoRoot().resolve("sample-data/models/tiny-comet");
  private static JsonNode golden;

  @TempDir static Path dir;

  @BeforeAll
  static void files() throws IOException {
    golden = new ObjectMapper().readTree(COMET.resolve("golden.json").toFile());
    List<String> src = new ArrayList<>();
    List<String> mt = new ArrayList<>();
    List<String> ref = new ArrayList<>();
    for (JsonNode s : golden.get("segments")) {
      src.add(s.get("src").asText());
      mt.add(s.get("mt").asText());
      ref.add(s.get("ref").asText());
    }
    Files.write(dir.resolve("src.de"), src, StandardCharsets.UTF_8);
    Files.write(dir.resolve("hyp.en"), mt, StandardCharsets.UTF_8);
    Files.write(dir.resolve("ref.en"), ref, StandardCharsets.UTF_8);
    Files.write(dir.resolve("short.de"), src.subList(0, 5), StandardCharsets.UTF_8);
    List<String> other = new ArrayList<>(ref.subList(1, ref.size()));
    other.add(ref.get(0));
    Files.write(dir.resolve("other.en"), other, StandardCharsets.UTF_8);
  }

  private static ScoreCommandTest.Run score(String... args) {
    return ScoreCommandTest.run(args);
  }

  private static String f(String name) {
    return dir.resolve(name).toString();
  }

  @Test
  void corpusScoreIsCometsSystemScoreWithItsSignature() {
    ScoreCommandTest.Run r = score(f("ref.en"), "-i", f("hyp.en"), "--source", f("src.de"), "-m", "comet",
        "--comet-model", COMET.resolve("comet-da").toString(), "-f", "text");
    assertThat(r.exitCode()).as(r.err()).isZero();
    String signature = new Comet(CometPackage.open(COMET.resolve("comet-da")).manifest()).signature(1).format();
    double expected = golden.at("/regression/system_score").asDouble();
    assertThat(r.out()).startsWith("COMET|" + signature + " = ");
    double printed = Double.parseDouble(r.out().substring(r.out().indexOf(" = ") + 3).strip());
    assertThat(printed).isEqualTo(Double.parseDouble(String.format(Locale.ROOT, "%.4f", expected)));
  }

  @Test
  void sentenceLevelJsonIsOneObjectPerSegmentInOrder() throws IOException {
    ScoreCommandTest.Run r = score("-i", f("hyp.en"), "--source", f("src.de"), "-m", "cometkiwi",
        "--comet-model", COMET.resolve("cometkiwi-da").toString(), "-sl", "-f", "json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    String[] lines = r.out().strip().split("\n");
    assertThat(lines).hasSize(golden.get("segments").size());
    ObjectMapper json = new ObjectMapper();
    for (int i = 0; i < lines.length; i++) {
      JsonNode o = json.readTree(lines[i]);
      assertThat(o.get("segment").asInt()).isEqualTo(i + 1);
      assertThat(o.get("score").asDouble()).as("segment %d", i)
          .isCloseTo(golden.get("segments").get(i).get("cometkiwi").asDouble(), within(1e-5));
    }
  }

  @Test
  void pairedBootstrapComparesSystemsOnComet() {
    ScoreCommandTest.Run r = score(f("ref.en"), "-i", f("hyp.en"), f("other.en"), "--source", f("src.de"), "-m",
        "comet", "--comet-model", COMET.resolve("comet-da").toString(), "--paired-bs", "-f", "text");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("COMET (μ ± 95% CI)").contains("Baseline: " + f("hyp.en")).contains("(p = ")
        .contains("Paired bootstrap resampling test with 1000 resampling trials")
        .contains(" - COMET      nrefs:1|bs:1000|seed:12345|model:tiny-comet-da|class:regression_metric");
  }

  @Test
  void badInputIsRefusedWithTheFileNamed() {
    String da = COMET.resolve("comet-da").toString();
    ScoreCommandTest.Run lines = score(f("ref.en"), "-i", f("hyp.en"), "--source", f("short.de"), "-m", "comet",
        "--comet-model", da);
    assertThat(lines.exitCode()).isEqualTo(3);
    assertThat(lines.err()).contains("Cannot score " + f("hyp.en") + ": it has " + golden.get("segments").size()
        + " lines but source " + f("short.de") + " has 5");
    ScoreCommandTest.Run noSource = score(f("ref.en"), "-i", f("hyp.en"), "-m", "comet", "--comet-model", da);
    assertThat(noSource.exitCode()).isEqualTo(2);
    assertThat(noSource.err()).startsWith("Metric 'comet' needs --source SRC\n");
    ScoreCommandTest.Run wrongClass = score(f("ref.en"), "-i", f("hyp.en"), "--source", f("src.de"), "-m",
        "cometkiwi", "--comet-model", da);
    assertThat(wrongClass.exitCode()).isEqualTo(2);
    assertThat(wrongClass.err()).startsWith("Metric 'cometkiwi' needs a reference-free (unified_metric) COMET"
        + " package; " + da + " is regression_metric (use -m comet)\n");
    ScoreCommandTest.Run noRefs = score("-i", f("hyp.en"), "--source", f("src.de"), "-m", "comet", "--comet-model", da);
    assertThat(noRefs.exitCode()).isEqualTo(2);
    assertThat(noRefs.err()).startsWith("Missing required parameter: 'REF'\n");
    ScoreCommandTest.Run notAPackage = score(f("ref.en"), "-i", f("hyp.en"), "--source", f("src.de"), "-m", "comet",
        "--comet-model", dir.toString());
    assertThat(notAPackage.exitCode()).isEqualTo(3);
    assertThat(notAPackage.err()).contains("Not a COMET package: " + dir + " has no mtforge-comet.json");
  }
}

package dev.mtforge.udfs.metrics.comet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mtforge.testing.SparkTestSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/export/export_comet.py} on the tiny models in the published layout (Lightning
 * checkpoint, hparams.yaml, encoder folder): the packages it writes reproduce the torch goldens,
 * and broken models are refused with the file and key named, before anything is written.
 *
 * <p>Runs Debian's Python ({@code /usr/bin/python3}, or {@code -Dmtforge.python}) with
 * python3-torch, python3-onnx and python3-yaml, which .ci/run installs; skipped where they are
 * missing.
 */
class ExportCometTest {
  private static final String PYTHON = System.getProperty("mtforge.python", "/usr/bin/python3");
  private static final Path ROOT = SparkTestSession.repoRoot();
  private static final Path EXPORTER = ROOT.resolve("deploy/export/export_comet.py");
  private static final Path BREAK = ROOT.resolve("udfs/src/test/python/break_comet_model.py");

  @TempDir Path tmp;

  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void needsTorch() throws Exception {
    Run probe = python(List.of("-c", "import torch, onnx, yaml"));
    assumeTrue(probe.exit() == 0, "needs " + PYTHON + " with torch, onnx and yaml: " + probe.err());
  }

  @Test
  void exportsBothClassesAndTheirScoresMatchTorch() throws Exception {
    JsonNode golden = TinyComet.golden();
    for (String cls : List.of("comet-da", "cometkiwi-da")) {
      Path out = tmp.resolve(cls);
      Run run = export(TinyComet.dir().resolve("tiny-" + cls), out);
      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(Files.readAllBytes(out.resolve("tokenizer.json")))
          .isEqualTo(Files.readAllBytes(TinyComet.dir().resolve("xlmr/tokenizer.json")));
      List<CometScorer.Segment> segments = new ArrayList<>();
      for (JsonNode s : golden.get("segments")) {
        segments.add(new CometScorer.Segment(s.get("src").asText(), s.get("mt").asText(),
            cls.equals("comet-da") ? s.get("ref").asText() : null));
      }
      try (CometModel model = CometModel.load(CometModel.spec(out.toString()).withThreads(1))) {
        float[] scores = new CometScorer(model, 4096, 16).score(segments);
        for (int i = 0; i < scores.length; i++) {
          assertThat((double) scores[i]).as("%s segment %d", cls, i).isCloseTo(
              golden.get("segments").get(i).get(cls.equals("comet-da") ? "comet" : "cometkiwi").asDouble(), within(1e-5));
        }
      }
    }
    assertThat(export(TinyComet.dir().resolve("tiny-comet-da"), tmp.resolve("comet-da")).err())
        .isEqualTo("export_comet.py: cannot export: " + tmp.resolve("comet-da") + ": already exists (pass --replace to"
            + " overwrite it)\n");
  }

  @Test
  void largeGraphsKeepTheirWeightsBesideAndHalfPrecisionStaysClose() throws Exception {
    JsonNode golden = TinyComet.golden();
    // what XLM-R large needs (protobuf stops at 2 GB), forced on the tiny model; and every layer
    // computed (the committed package computes 1 of 3: the mix gives the others weight 0)
    Path external = tmp.resolve("external");
    Run run = export(TinyComet.dir().resolve("tiny-comet-da"), external, "--external-data-above", "0",
        "--keep-all-layers");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(external.resolve("encoder.onnx.data")).exists();
    Path half = tmp.resolve("half");
    run = export(TinyComet.dir().resolve("tiny-comet-da"), half, "--dtype", "float16");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(CometPackage.open(half).manifest().dtype()).isEqualTo("float16");
    List<CometScorer.Segment> segments = new ArrayList<>();
    for (JsonNode s : golden.get("segments")) {
      segments.add(new CometScorer.Segment(s.get("src").asText(), s.get("mt").asText(), s.get("ref").asText()));
    }
    try (CometModel a = CometModel.load(CometModel.spec(external.toString()).withThreads(1));
        CometModel b = CometModel.load(CometModel.spec(half.toString()).withThreads(1))) {
      float[] full = new CometScorer(a, 4096, 16).score(segments);
      float[] halved = new CometScorer(b, 4096, 16).score(segments);
      for (int i = 0; i < full.length; i++) {
        double expected = golden.get("segments").get(i).get("comet").asDouble();
        assertThat((double) full[i]).as("segment %d", i).isCloseTo(expected, within(1e-5));
        // half precision inside: no reference here to match bit for bit (comet-score's half() runs on a GPU)
        assertThat((double) halved[i]).as("segment %d in float16", i).isCloseTo(expected, within(5e-3));
      }
    }
  }

  @Test
  void refusesAnotherClass() throws Exception {
    Path model = broken("--yaml", "class_identifier=xcomet_metric");
    assertRefused(model, model.resolve("hparams.yaml") + ": class_identifier 'xcomet_metric' is not supported;"
        + " supported: regression_metric, unified_metric");
  }

  @Test
  void refusesAMissingTensor() throws Exception {
    Path model = broken("--drop", "encoder.model.encoder.layer.2.output.LayerNorm.bias");
    assertRefused(model, model.resolve("checkpoints/model.ckpt") + ": state_dict has no tensor"
        + " 'encoder.model.encoder.layer.2.output.LayerNorm.bias' (expected shape [32])");
  }

  @Test
  void refusesAMisshapenTensor() throws Exception {
    Path model = broken("--reshape", "estimator.ff.0.weight");
    assertRefused(model, model.resolve("checkpoints/model.ckpt") + ": tensor 'estimator.ff.0.weight' has shape"
        + " [48, 191], expected [48, 192]");
  }

  @Test
  void refusesAnUnknownLayerTransformation() throws Exception {
    Path model = broken("--hparam", "layer_transformation=entmax15");
    assertRefused(model, model.resolve("checkpoints/model.ckpt") + ": unknown layer_transformation 'entmax15';"
        + " known: softmax, sparsemax, sparsemax_patch");
  }

  private Path broken(String... how) throws Exception {
    Path model = tmp.resolve("broken");
    List<String> args = new ArrayList<>(List.of(BREAK.toString(), TinyComet.dir().resolve("tiny-comet-da").toString(),
        model.toString()));
    args.addAll(List.of(how));
    Run run = python(args);
    assertThat(run.exit()).as(run.err()).isZero();
    return model;
  }

  private void assertRefused(Path model, String why) throws Exception {
    Path out = tmp.resolve("package");
    Run run = export(model, out);
    assertThat(run.exit()).isEqualTo(3);
    assertThat(run.err()).isEqualTo("export_comet.py: cannot export: " + why + "\n");
    assertThat(out).doesNotExist();
    try (var left = Files.list(tmp)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("broken");
    }
  }

  private static Run export(Path model, Path out, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of(EXPORTER.toString(), "--checkpoint", model.toString(), "--encoder",
        TinyComet.dir().resolve("xlmr").toString(), "--out", out.toString()));
    args.addAll(List.of(more));
    return python(args);
  }

  private static Run python(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(PYTHON));
    command.addAll(args);
    // output to files: a pipe that fills up (torch's tracer warns during an export) would block
    Path out = Files.createTempFile("export-comet", ".out");
    Path err = Files.createTempFile("export-comet", ".err");
    try {
      Process p;
      try {
        p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      } catch (IOException e) {
        return new Run(-1, "", e.getMessage());
      }
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException("Timed out: " + command);
      }
      return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}

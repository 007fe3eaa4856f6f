package dev.mtforge.udfs.metrics.comet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.schemas.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A package whose manifest does not match its graphs, or misses a file, is refused by name. */
class CometPackageTest {
  @TempDir Path tmp;

  @Test
  void opensTheTinyPackages() {
    CometManifest da = CometPackage.open(TinyComet.regression()).manifest();
    assertThat(da.name()).isEqualTo("tiny-comet-da");
    assertThat(da.modelClass()).isEqualTo("regression_metric");
    assertThat(da.needsReference()).isTrue();
    assertThat(da.layerMix().transformation()).isEqualTo("sparsemax");
    assertThat(da.pool()).isEqualTo("avg");
    assertThat(da.maxTokens()).isEqualTo(510);
    CometManifest kiwi = CometPackage.open(TinyComet.unified()).manifest();
    assertThat(kiwi.unified()).isTrue();
    assertThat(kiwi.layerMix().transformation()).as("hparams.yaml's sparsemax_patch").isEqualTo("softmax");
    assertThat(kiwi.layerMix().layerNorm()).isTrue();
    assertThat(kiwi.pool()).isEqualTo("cls");
  }

  @Test
  void refusesAManifestWhoseHiddenSizeIsNotTheGraphs() throws IOException {
    Path pkg = copy(TinyComet.regression());
    edit(pkg, "\"hidden_size\": 32", "\"hidden_size\": 64");
    assertThatThrownBy(() -> CometModel.load(CometModel.spec(pkg.toString())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("COMET graph " + pkg.resolve("encoder.onnx") + " 'sentence_embedding' is FLOAT [-1, 32], but"
            + " mtforge-comet.json implies FLOAT [?, 64]");
  }

  @Test
  void refusesAManifestThatClaimsLayerNormTheGraphLacks() throws IOException {
    Path pkg = copy(TinyComet.regression());
    edit(pkg, "\"layer_norm\": false", "\"layer_norm\": true");
    assertThatThrownBy(() -> CometModel.load(CometModel.spec(pkg.toString())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("COMET graph " + pkg.resolve("encoder.onnx") + " was exported with layer_norm false, but"
            + " mtforge-comet.json says true");
  }

  @Test
  void refusesAMixThatWeighsALayerTheGraphDoesNotCompute() throws IOException {
    Path pkg = copy(TinyComet.regression());
    edit(pkg, "-0.5,", "0.9,"); // sparsemax now keeps hidden state 2, which the graph stops before
    assertThatThrownBy(() -> CometModel.load(CometModel.spec(pkg.toString())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("COMET graph " + pkg.resolve("encoder.onnx") + " computes 1 encoder layers, but the"
            + " mix in mtforge-comet.json gives hidden state 2 the weight 0.");
  }

  @Test
  void refusesAnEstimatorOfTheOtherClass() throws IOException {
    Path pkg = copy(TinyComet.regression());
    Files.copy(TinyComet.unified().resolve("estimator.onnx"), pkg.resolve("estimator.onnx"),
        StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> CometModel.load(CometModel.spec(pkg.toString())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("COMET graph " + pkg.resolve("estimator.onnx") + " has inputs [sentence_embedding], but"
            + " mtforge-comet.json names [mt, ref, src]");
  }

  @Test
  void refusesAMissingGraphAndAForeignFolder() throws IOException {
    Path pkg = copy(TinyComet.unified());
    Files.delete(pkg.resolve("estimator.onnx"));
    assertThatThrownBy(() -> CometPackage.open(pkg))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("COMET package " + pkg + ": file 'estimator.onnx' named in mtforge-comet.json is missing");
    assertThatThrownBy(() -> CometPackage.open(tmp))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Not a COMET package: " + tmp + " has no mtforge-comet.json (write packages with"
            + " deploy/export/export_comet.py)");
  }

  @Test
  void refusesAManifestThatContradictsItsClass() throws IOException {
    Path pkg = copy(TinyComet.unified());
    edit(pkg, "\"needs_reference\": false", "\"needs_reference\": true");
    assertThatThrownBy(() -> CometPackage.open(pkg))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(pkg.resolve("mtforge-comet.json") + ": needs_reference is true but class unified_metric"
            + " scores without references");
  }

  private Path copy(Path from) throws IOException {
    Path to = tmp.resolve(from.getFileName());
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    return to;
  }

  private static void edit(Path pkg, String from, String to) throws IOException {
    Path manifest = pkg.resolve(CometManifest.FILE);
    String json = Files.readString(manifest, StandardCharsets.UTF_8);
    assertThat(json).contains(from);
    Files.writeString(manifest, json.replace(from, to), StandardCharsets.UTF_8);
  }
}

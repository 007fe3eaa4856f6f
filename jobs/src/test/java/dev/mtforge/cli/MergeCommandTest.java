package dev.mtforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.testing.SparkTestSession;
import dev.mtforge.udfs.tensor.peft.PeftAdapter;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MergeCommandTest {
  @TempDir Path dir;

  private static final Path XX_EN = SparkTestSession.repoRoot().resolve("sample-data/adapters/xx-en");

  private int run(StringWriter output, String... args) {
    PrintWriter pw = new PrintWriter(output);
    CommandLine cli = MtforgeCli.commandLine(new MtforgeCli()).setOut(pw).setErr(pw);
    return cli.execute(args);
  }

  @Test
  void mergesSampleAdapters() {
    StringWriter output = new StringWriter();
    Path out = dir.resolve("group-1");
    int code = run(output, "merge", "--method", "ties", "--density", "0.5", "--weights", "1,1,1",
        "-O", "merge.sign-method=frequency", "--out", out.toString(),
        XX_EN.resolve("de").toString(), XX_EN.resolve("nl").toString(), XX_EN.resolve("sv").toString());
    assertThat(code).as(output.toString()).isZero();
    assertThat(output.toString()).startsWith("Merged 3 adapters (ties, preset peft, density 0.5) into " + out
        + ": 14 modules, r=4, kept 50.0% of input values, sign conflicts at ");
    try (PeftAdapter merged = PeftAdapter.load(TensorFiles.local(), out.toString())) {
      assertThat(merged.modules()).hasSize(14);
      assertThat(merged.config().loraAlpha()).isEqualTo(4.0);
      assertThat(merged.tensors().metadata()).containsEntry("mtforge.merge.sign-method", "frequency");
    }
  }

  @Test
  void rejectsBadInputWithExitCode3() {
    StringWriter output = new StringWriter();
    int code = run(output, "merge", "--out", dir.resolve("x").toString(), XX_EN.resolve("de").toString(),
        dir.toString());
    assertThat(code).isEqualTo(3);
    assertThat(output.toString().trim())
        .isEqualTo("mtforge merge: " + dir.resolve(PeftAdapter.CONFIG_FILE) + ": adapter config not found");
  }

  @Test
  void rejectsUnknownOptionAsUsageError() {
    StringWriter output = new StringWriter();
    int code = run(output, "merge", "-O", "merge.densty=0.3", "--out", dir.toString(),
        XX_EN.resolve("de").toString(), XX_EN.resolve("nl").toString());
    assertThat(code).isEqualTo(2);
    assertThat(output.toString()).startsWith("mtforge merge: Unknown merge option 'merge.densty'; known: ");
  }
}

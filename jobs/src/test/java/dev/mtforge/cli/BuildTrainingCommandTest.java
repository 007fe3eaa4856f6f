package dev.mtforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Usage errors of build-training, caught before Spark starts. */
class BuildTrainingCommandTest {
  @Test
  void temperatureMustBePositive() {
    for (String t : new String[] {"0", "-2"}) {
      MtforgeCliTest.Run run = MtforgeCliTest.run("build-training", "--temperature", t);
      assertThat(run.code()).isEqualTo(2);
      assertThat(run.err().lines().findFirst())
          .contains("Invalid value '" + Double.parseDouble(t) + "' for option '--temperature': must be a number > 0");
    }
  }

  @Test
  void sampleTotalMustBePositive() {
    MtforgeCliTest.Run run = MtforgeCliTest.run("build-training", "--temperature", "5", "--sample-total", "0");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err().lines().findFirst())
        .contains("Invalid value '0' for option '--sample-total': must be 1 or more");
  }

  @Test
  void codeSwitchNeedsARatioInZeroToOne() {
    MtforgeCliTest.Run alone = MtforgeCliTest.run("build-training", "--code-switch", "/data/muse");
    assertThat(alone.code()).isEqualTo(2);
    assertThat(alone.err().lines().findFirst()).contains("Options '--code-switch' and '--code-switch-ratio' go together");
    MtforgeCliTest.Run tooBig = MtforgeCliTest.run("build-training", "--code-switch", "/data/muse", "--code-switch-ratio", "1.5");
    assertThat(tooBig.code()).isEqualTo(2);
    assertThat(tooBig.err().lines().findFirst())
        .contains("Invalid value '1.5' for option '--code-switch-ratio': must be a probability in (0, 1]");
  }
}

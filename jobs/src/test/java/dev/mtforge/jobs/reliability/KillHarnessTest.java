package dev.mtforge.jobs.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.testing.SparkTestSession;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every writing command, killed with SIGKILL in a child JVM at a fixed point (between two of its
 * Delta commits or file writes; {@code -Dmtforge.kill.points=all} adds the points during a commit
 * and after the last one), then re-run: the warehouse must equal a clean run's.
 * {@code -Dmtforge.kill.steps=prepare,translate} limits the steps (the clean chain still runs up
 * to the last one). The campaign with random kill points is {@link KillCampaign}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KillHarnessTest {
  private static final Path HOME = SparkTestSession.repoRoot();
  /** CI kills each command at its first (most telling) point; {@code -Dmtforge.kill.points=all} at every one. */
  private static final boolean ALL_POINTS = "all".equals(System.getProperty("mtforge.kill.points"));
  private KillHarness harness;

  @BeforeAll
  void cleanChain() {
    harness = new KillHarness(SparkTestSession.get(), HOME, SparkTestSession.newFolder("kill-harness"),
        ChildCli.ofThisJvm(HOME).withSparkSettings(SparkTestSession.SMALL_DATA_SETTINGS),
        Duration.ofMinutes(6));
    List<PipelineStep> all = PipelineSteps.all();
    Set<String> wanted = selected();
    int last = all.size() - 1;
    while (!wanted.isEmpty() && last > 0 && !wanted.contains(all.get(last).name())) {
      last--;
    }
    List<PipelineStep> chain = all.subList(0, last + 1);
    harness.runCleanChain(chain);
  }

  static Stream<Arguments> killPoints() {
    Set<String> wanted = selected();
    return PipelineSteps.all().stream()
        .filter(step -> wanted.isEmpty() || wanted.contains(step.name()))
        .flatMap(step -> (ALL_POINTS ? step.killPoints() : step.killPoints().subList(0, 1)).stream()
            .map(point -> Arguments.of(step, point)));
  }

  @ParameterizedTest(name = "{0} killed at {1}")
  @MethodSource("killPoints")
  void reRunAfterAKillGivesTheCleanRunsTables(PipelineStep step, KillPoint point) {
    KillHarness.KillResult result = harness.kill(step, point);
    assertThat(result.outcome().killed()).as("the kill point was reached: %s", result).isTrue();
    assertThat(result.outcome().exitCode()).isEqualTo(137);
    assertThat(result.comparison().differences()).as(result.toString()).isEmpty();
    WarehouseComparison.Result comparison = result.comparison();
    assertThat(comparison.tables() + comparison.unchanged()).as("tables in the warehouse").isPositive();
    if (comparison.tables() > 0) { // report writes files only: its tables are all unchanged
      assertThat(comparison.rows()).as("rows of the tables the step wrote").isPositive();
    }
  }

  private static Set<String> selected() {
    String steps = System.getProperty("mtforge.kill.steps", "");
    return Arrays.stream(steps.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
  }
}

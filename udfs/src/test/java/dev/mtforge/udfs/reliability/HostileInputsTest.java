package dev.mtforge.udfs.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.testing.SparkTestSession;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Property: every mutant of a valid sample file, fed to the parser of its format, gives a result
 * or an {@code InvalidInputException} (exit 3) within five seconds, never another exception, an
 * error or a hang. Mutants come from {@link Mutator} with a fixed seed per target, so a failure
 * replays; the long campaign is {@link HostileInputCampaign}, and the inputs it found crashing are
 * the cases of {@link HostileInputRegressionTest}.
 */
public class HostileInputsTest {
  private static final ExecutorService EXECUTOR = HostileInputs.executor();
  private static final int MUTANTS = 300;

  @AfterAll
  static void stop() {
    EXECUTOR.shutdownNow();
  }

  static Stream<HostileInputs.Target> targets() {
    return HostileInputs.all(SparkTestSession.repoRoot()).stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("targets")
  void everyMutantGivesAResultOrANamedError(HostileInputs.Target target) {
    assertThat(problems(EXECUTOR, target, MUTANTS, 15)).isEmpty();
  }

  /** The problems of {@code count} mutants drawn with {@code seed}, each with its input escaped. */
  public static List<String> problems(ExecutorService executor, HostileInputs.Target target, int count, long seed) {
    Random random = new Random(seed);
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] input = Mutator.mutate(target.seeds(), random);
      HostileInputs.Verdict verdict = HostileInputs.check(executor, target, input, Duration.ofSeconds(5));
      if (!verdict.ok()) {
        problems.add(verdict.problem() + " on input " + HostileInputRegressionTest.escape(input));
      }
    }
    return problems;
  }
}

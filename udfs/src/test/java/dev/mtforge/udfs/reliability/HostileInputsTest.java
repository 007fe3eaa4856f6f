package dev.mtforge.udfs.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.testing.SparkTestSession;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Mutants of valid sample files, fed to every parser of user files: each must give a result or
 * an {@code InvalidInputException} (exit 3) within a second, never another exception, an error
 * or a hang. The long campaign is {@link HostileInputCampaign}; inputs it found crashing are the
 * cases of {@link HostileInputRegressionTest}.
 */
class HostileInputsTest {
  private static final List<HostileInputs.Target> TARGETS = HostileInputs.all(SparkTestSession.repoRoot());
  private static final ExecutorService EXECUTOR = HostileInputs.executor();
  private static final int TRIES = 250;

  @AfterContainer
  static void stop() {
    EXECUTOR.shutdownNow();
  }

  private static void mutantOf(String name, byte[] input) {
    HostileInputs.Target target = TARGETS.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    HostileInputs.Verdict verdict = HostileInputs.check(EXECUTOR, target, input, Duration.ofSeconds(5));
    assertThat(verdict.problem()).as("input (%d bytes) %s", input.length, HostileInputRegressionTest.escape(input))
        .isNull();
  }

  private static Arbitrary<byte[]> mutants(String name) {
    List<byte[]> seeds = TARGETS.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow().seeds();
    return Arbitraries.randomValue(random -> Mutator.mutate(seeds, random));
  }

  @Provide Arbitrary<byte[]> lines() { return mutants("flores-ntrex-lines"); }
  @Provide Arbitrary<byte[]> sgml() { return mutants("wmt-sgml"); }
  @Provide Arbitrary<byte[]> wmtXml() { return mutants("wmt-xml"); }
  @Provide Arbitrary<byte[]> almaJson() { return mutants("alma-json"); }
  @Provide Arbitrary<byte[]> safetensors() { return mutants("safetensors"); }
  @Provide Arbitrary<byte[]> adapterConfig() { return mutants("adapter-config"); }
  @Provide Arbitrary<byte[]> tokenizerJson() { return mutants("tokenizer-json"); }
  @Provide Arbitrary<byte[]> modelManifest() { return mutants("model-manifest"); }

  @Property(tries = TRIES, seed = "15")
  void floresAndNtrexLines(@ForAll("lines") byte[] input) {
    mutantOf("flores-ntrex-lines", input);
  }

  @Property(tries = TRIES, seed = "15")
  void wmtSgml(@ForAll("sgml") byte[] input) {
    mutantOf("wmt-sgml", input);
  }

  @Property(tries = TRIES, seed = "15")
  void wmtXml(@ForAll("wmtXml") byte[] input) {
    mutantOf("wmt-xml", input);
  }

  @Property(tries = TRIES, seed = "15")
  void almaJson(@ForAll("almaJson") byte[] input) {
    mutantOf("alma-json", input);
  }

  @Property(tries = TRIES, seed = "15")
  void safetensorsHeaderAndData(@ForAll("safetensors") byte[] input) {
    mutantOf("safetensors", input);
  }

  @Property(tries = TRIES, seed = "15")
  void peftAdapterConfig(@ForAll("adapterConfig") byte[] input) {
    mutantOf("adapter-config", input);
  }

  @Property(tries = 100, seed = "15")
  void tokenizerJson(@ForAll("tokenizerJson") byte[] input) {
    mutantOf("tokenizer-json", input);
  }

  @Property(tries = TRIES, seed = "15")
  void modelManifest(@ForAll("modelManifest") byte[] input) {
    mutantOf("model-manifest", input);
  }
}

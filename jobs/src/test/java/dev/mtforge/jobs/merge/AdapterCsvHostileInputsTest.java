package dev.mtforge.jobs.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.testing.SparkTestSession;
import dev.mtforge.udfs.reliability.HostileInputs;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import dev.mtforge.udfs.reliability.HostileInputsTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The adapter CSV of register-adapters against mutated and hostile rows (reliability suite). */
class AdapterCsvHostileInputsTest {
  private static final LanguageRegistry REGISTRY = LanguageRegistry.load(SparkTestSession.repoRoot().resolve("conf"));
  private static final ExecutorService EXECUTOR = HostileInputs.executor();
  private static final List<byte[]> SEEDS = List.of(
      bytes("adapter_id,path,direction,language,group_id\nde,xx-en/de,xx-en,de,\ng1,/abs/en-xx/group-1,en-xx,,1\n"),
      bytes("adapter_id,path,direction,language,group_id,strategy\n\"a,b\",s3a://bucket/x,xx-en,fr,4,dat\n"));
  static final HostileInputs.Target TARGET = new HostileInputs.Target("adapter-csv", SEEDS,
      in -> AdapterCsv.read(new ByteArrayInputStream(in), "adapters.csv", REGISTRY, "dat"));

  @AfterAll
  static void stop() {
    EXECUTOR.shutdownNow();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static List<AdapterCsv.Entry> read(String csv) {
    return AdapterCsv.read(new ByteArrayInputStream(bytes(csv)), "adapters.csv", REGISTRY, "dat");
  }

  @Test
  void everyMutantGivesRowsOrANamedError() {
    assertThat(HostileInputsTest.problems(EXECUTOR, TARGET, 400, 15)).isEmpty();
  }

  @Test
  void relativePathsThatLeaveTheCsvsFolderAreRefused() {
    for (String path : List.of("../secret", "a/../../b", "./../x")) {
      assertThatThrownBy(() -> read("adapter_id,path,direction,language\nx," + path + ",xx-en,de\n"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessage("adapters.csv:2: path '" + path + "' points outside the CSV's folder; use an absolute path"
              + " or a URI to register an adapter stored elsewhere");
    }
    assertThat(read("adapter_id,path,direction,language\nx,a/../b,xx-en,de\ny,/data/z,xx-en,de\nz,s3a://b/k,xx-en,de\n"))
        .extracting(e -> e.path() + ":" + e.relative())
        .containsExactly("a/../b:true", "/data/z:false", "s3a://b/k:false");
  }

  @Test
  void malformedCsvIsANamedErrorNotACrash() {
    // found by the fuzz property: an unclosed quote made Jackson throw, which exited with 1
    assertThatThrownBy(() -> read("adapter_id,path,direction\n\"x,y,xx-en\n"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("adapters.csv:2: not a valid CSV row (");
  }
}

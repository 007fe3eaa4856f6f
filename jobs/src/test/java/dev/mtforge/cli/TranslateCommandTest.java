package dev.mtforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.jobs.translate.TranslateTestSetJobTest;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.testing.SparkTestSession;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** {@code mtforge translate} through picocli on the tiny model: flags reach the job, errors get their exit codes. */
class TranslateCommandTest {

  @Test
  void routingFlagsPickTheAdaptersAndBadInputGetsItsExitCode() {
    Warehouse warehouse = TranslateTestSetJobTest.warehouseWithTestSet("cli-translate");
    TranslateTestSetJobTest.registerDatAdapters(warehouse);
    String root = warehouse.location();
    String missing = SparkTestSession.newFolder("cli-no-model").resolve("no-such-package").toString();
    String[] common = {"translate", "--warehouse", root, "--database", "cli_translate", "--test-set", "sample:devtest",
        "--num-beams", "1", "--max-new-tokens", "8"};

    MtforgeCliTest.Run ok = MtforgeCliTest.run(concat(common, "--model", TranslateTestSetJobTest.MODEL.toString(),
        "--routing", "dat", "--directions", "de-en,en-de", "--system-id", "cli-dat", "--run-id", "cli-tr"));
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("chunk 1/1: 6 segments committed").contains("System cli-dat: 6 segments translated, 0 already present");
    List<Row> routes = warehouse.spark().sql("SELECT DISTINCT concat(src_lang, '-', tgt_lang, ':', adapter_id, ':', run_id)"
        + " FROM cli_translate.translations ORDER BY 1").collectAsList();
    assertThat(routes).extracting(r -> r.getString(0)).containsExactly("de-en:dat-de-en:cli-tr", "en-de:dat-en-g1:cli-tr");

    MtforgeCliTest.Run badModel = MtforgeCliTest.run(concat(common, "--model", missing));
    assertThat(badModel.code()).isEqualTo(MtforgeCli.EXIT_INVALID_INPUT);
    assertThat(badModel.err()).startsWith("mtforge translate: Not a model package: " + missing + " has no mtforge-model.json");

    MtforgeCliTest.Run badRouting = MtforgeCliTest.run(concat(common, "--model", TranslateTestSetJobTest.MODEL.toString(),
        "--routing", "dta"));
    assertThat(badRouting.code()).isEqualTo(2);
    assertThat(badRouting.err())
        .startsWith("Invalid value for option '--routing': Unknown routing 'dta'; known: none, multilingual, separate, group, dat, datm");
    assertThat(warehouse.spark().sql("SELECT count(*) FROM cli_translate.translations").first().getLong(0)).isEqualTo(6);
  }

  private static String[] concat(String[] head, String... tail) {
    String[] out = java.util.Arrays.copyOf(head, head.length + tail.length);
    System.arraycopy(tail, 0, out, head.length, tail.length);
    return out;
  }
}

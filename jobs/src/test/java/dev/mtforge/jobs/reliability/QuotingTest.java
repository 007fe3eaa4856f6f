package dev.mtforge.jobs.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.cli.MtforgeCli;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.testing.SparkTestSession;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Names users pass (warehouse folder, dataset, system id, adapter id) with quotes, backticks,
 * backslashes, spaces, SQL comment and statement syntax and non-ASCII letters, and a database named
 * like an SQL keyword: the
 * pipeline works and stores them as given, and none of them changes a statement mtforge builds.
 */
class QuotingTest {
  private static final Path HOME = SparkTestSession.repoRoot();
  private static final String DATASET = "news'19 `x` \\ ü; DROP TABLE languages --";
  private static final String SYSTEM = "sys 'one' `t` ß' OR '1'='1";
  private static final String ADAPTER = "ad'apt `er` é\\";
  /** Spark allows only letters, digits and _ in database names; a reserved word must still be quoted. */
  private static final String DATABASE = "from";

  private static String[] args(Path warehouse, String... command) {
    return Stream.concat(Stream.of(command), Stream.of("--warehouse", warehouse.toString(), "--database", DATABASE,
        "--run-id", "quoting")).toArray(String[]::new);
  }

  private static void cli(String... args) {
    SparkSession.setActiveSession(SparkTestSession.get());
    StringWriter err = new StringWriter();
    int code = MtforgeCli.commandLine(new MtforgeCli()).setOut(new PrintWriter(new StringWriter()))
        .setErr(new PrintWriter(err)).execute(args);
    assertThat(code).as("mtforge %s: %s", String.join(" ", args), err).isZero();
  }

  @Test
  void hostileNamesWorkAndChangeNoStatement() throws Exception {
    Path warehouse = SparkTestSession.newFolder("quoting").resolve("wh it's \\ `tick` ü");
    Path csv = warehouse.getParent().resolve("adapters.csv");
    Files.writeString(csv, "adapter_id,path,direction,language\n\"" + ADAPTER.replace("\"", "\"\"") + "\","
        + HOME.resolve("sample-data/adapters/xx-en/de") + ",xx-en,de\n");

    cli(args(warehouse, "init"));
    cli(args(warehouse, "prepare", "--source", "wmt-sgml=" + HOME.resolve("sample-data/prepare/wmt-sgml"),
        "--dataset", DATASET));
    cli(args(warehouse, "translate", "--model", HOME.resolve("sample-data/models/tiny-llama").toString(),
        "--test-set", DATASET, "--routing", "none", "--system-id", SYSTEM, "--num-beams", "1",
        "--max-new-tokens", "4"));
    cli(args(warehouse, "evaluate", "--metrics", "chrf"));
    cli(args(warehouse, "register-adapters", "--from", csv.toString()));

    SparkSession spark = SparkTestSession.get();
    Warehouse opened = Warehouse.open(spark, warehouse.toString(), DATABASE);
    String translations = opened.qualifiedName("translations");
    List<Row> rows = spark.sql("SELECT DISTINCT system_id, dataset FROM " + translations).collectAsList();
    assertThat(rows).extracting(r -> r.getString(0) + "|" + r.getString(1)).containsExactly(SYSTEM + "|" + DATASET);
    assertThat(spark.sql("SELECT count(*) FROM " + translations).first().getLong(0)).isEqualTo(5);
    assertThat(spark.sql("SELECT DISTINCT system_id FROM " + opened.qualifiedName("system_scores")).collectAsList())
        .extracting(r -> r.getString(0)).containsExactly(SYSTEM);
    assertThat(spark.sql("SELECT adapter_id FROM " + opened.qualifiedName("adapters")).collectAsList())
        .extracting(r -> r.getString(0)).containsExactly(ADAPTER);
    // the "DROP TABLE" in the dataset name stayed a value
    assertThat(spark.sql("SELECT count(*) FROM " + opened.qualifiedName("languages")).first().getLong(0)).isEqualTo(50);
    // init created every contract's table, under the hostile database name
    assertThat(opened.tableNames()).containsExactlyInAnyOrderElementsOf(
        dev.mtforge.schemas.tables.Tables.ALL.stream().map(dev.mtforge.schemas.tables.TableContract::name).toList());
    assertThat(spark.sql("DESCRIBE DETAIL " + translations).first().getAs("location").toString())
        .endsWith("/translations").contains("tick");
  }
}

package dev.mtforge.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtforge.cli.MtforgeCli;
import dev.mtforge.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command line the deploy files run parses against the mtforge CLI: the Airflow DAGs' tasks
 * (deploy/airflow/commands.json, which the DAG tests hold the DAGs to), the Databricks job (the
 * bundle holds the same tasks, deploy/checks), the EMR steps and the EMR Serverless job runs. A
 * renamed flag or a stage whose command does not exist fails here, not on the cluster. Airflow
 * templates ({@code {{ params.warehouse }}}) stand where a value goes, so they parse as values.
 */
class DeploySpecsTest {
  private static final Path DEPLOY = SparkTestSession.repoRoot().resolve("deploy");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every stage of stages.json must be rendered into every platform's file. */
  private static int stages() throws Exception {
    return JSON.readTree(DEPLOY.resolve("stages.json").toFile()).get("stages").size();
  }

  @Test
  void airflowTasksParse() throws Exception {
    JsonNode dags = JSON.readTree(DEPLOY.resolve("airflow/commands.json").toFile());
    List<String> names = new ArrayList<>();
    dags.fieldNames().forEachRemaining(names::add);
    names.remove("comment");
    assertThat(names).containsExactly(
        "mtforge_datm_spark_submit", "mtforge_datm_databricks", "mtforge_datm_emr_serverless");
    for (String dag : names) {
      Map<String, List<String>> tasks = new LinkedHashMap<>();
      dags.get(dag).fields().forEachRemaining(t -> tasks.put(dag + "." + t.getKey(), strings(t.getValue())));
      assertThat(tasks).hasSize(stages()).containsKeys(dag + ".init", dag + ".merge_groups", dag + ".analyze",
          dag + ".report");
      tasks.forEach(DeploySpecsTest::assertParses);
    }
  }

  @Test
  void databricksTasksParse() throws Exception {
    JsonNode job = JSON.readTree(DEPLOY.resolve("databricks/job.json").toFile());
    assertThat(job.get("tasks")).hasSize(stages());
    for (JsonNode task : job.get("tasks")) {
      assertThat(task.at("/spark_jar_task/main_class_name").asText()).isEqualTo("dev.mtforge.cli.MtforgeCli");
      assertParses(task.get("task_key").asText(), strings(task.at("/spark_jar_task/parameters")));
    }
  }

  @Test
  void emrStepsParse() throws Exception {
    JsonNode steps = JSON.readTree(DEPLOY.resolve("emr/steps.json").toFile());
    assertThat(steps).hasSize(stages());
    for (JsonNode step : steps) {
      List<String> args = strings(step.at("/HadoopJarStep/Args"));
      assertThat(args).startsWith("spark-submit").contains("dev.mtforge.cli.MtforgeCli");
      int jar = args.indexOf("s3://my-bucket/mtforge/mtforge.jar");
      assertThat(jar).as(step.get("Name").asText()).isPositive();
      assertParses(step.get("Name").asText(), args.subList(jar + 1, args.size()));
    }
  }

  @Test
  void emrServerlessJobRunsParse() throws Exception {
    JsonNode runs = JSON.readTree(DEPLOY.resolve("emr/serverless-job-runs.json").toFile());
    assertThat(runs).hasSize(stages());
    for (JsonNode run : runs) {
      assertParses(run.get("name").asText(), strings(run.at("/jobDriver/sparkSubmit/entryPointArguments")));
    }
  }

  @Test
  void aRenamedFlagFails() {
    assertThatCode(() -> MtforgeCli.commandLine(new MtforgeCli()).parseArgs("evaluate", "--metric", "bleu"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessage("Unknown options: '--metric', 'bleu'");
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(a -> out.add(a.asText()));
    return out;
  }

  private static void assertParses(String stage, List<String> args) {
    assertThatCode(() -> MtforgeCli.commandLine(new MtforgeCli()).parseArgs(args.toArray(new String[0])))
        .as("stage %s: %s", stage, args)
        .doesNotThrowAnyException();
    CommandLine.ParseResult parsed = MtforgeCli.commandLine(new MtforgeCli()).parseArgs(args.toArray(new String[0]));
    assertThat(parsed.hasSubcommand()).as(stage).isTrue();
  }
}

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
 * The deploy specs (Airflow stages, Databricks job, EMR steps) must name real commands with
 * options the CLI accepts; a renamed flag would otherwise surface only on the cluster.
 */
class DeploySpecsTest {
  private static final Path DEPLOY = SparkTestSession.repoRoot().resolve("deploy");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void airflowStagesParse() throws Exception {
    Map<String, List<String>> stages = new LinkedHashMap<>();
    for (JsonNode stage : JSON.readTree(DEPLOY.resolve("airflow/stages.json").toFile()).get("stages")) {
      List<String> args = new ArrayList<>();
      // The DAG fills ${...} from its params; any plausible value will do for parsing.
      stage.get("args").forEach(a -> args.add(a.asText()
          .replace("${warehouse}", "s3a://b/w").replace("${database}", "mtforge")
          .replace("${profile}", "emr").replace("${data}", "s3a://b/d")
          .replace("${adapters}", "s3a://b/a").replace("${model}", "s3a://b/m")
          .replace("${run_id}", "manual__2026-11-24")));
      stages.put(stage.get("task_id").asText(), args);
    }
    assertThat(stages).containsKeys("init", "prepare", "merge_groups", "evaluate");
    stages.forEach(DeploySpecsTest::assertParses);
  }

  @Test
  void databricksTasksParse() throws Exception {
    JsonNode job = JSON.readTree(DEPLOY.resolve("databricks/job.json").toFile());
    assertThat(job.get("tasks")).isNotEmpty();
    for (JsonNode task : job.get("tasks")) {
      assertThat(task.at("/spark_jar_task/main_class_name").asText()).isEqualTo("dev.mtforge.cli.MtforgeCli");
      List<String> args = new ArrayList<>();
      task.at("/spark_jar_task/parameters").forEach(a -> args.add(a.asText()));
      assertParses(task.get("task_key").asText(), args);
    }
  }

  @Test
  void emrStepsParse() throws Exception {
    JsonNode steps = JSON.readTree(DEPLOY.resolve("emr/steps.json").toFile());
    assertThat(steps).isNotEmpty();
    for (JsonNode step : steps) {
      List<String> args = new ArrayList<>();
      step.at("/HadoopJarStep/Args").forEach(a -> args.add(a.asText()));
      assertThat(args).startsWith("spark-submit").contains("dev.mtforge.cli.MtforgeCli");
      int jar = args.indexOf("s3://my-bucket/mtforge/mtforge.jar");
      assertThat(jar).as(step.get("Name").asText()).isPositive();
      assertParses(step.get("Name").asText(), args.subList(jar + 1, args.size()));
    }
  }

  private static void assertParses(String stage, List<String> args) {
    assertThatCode(() -> MtforgeCli.commandLine(new MtforgeCli()).parseArgs(args.toArray(new String[0])))
        .as("stage %s: %s", stage, args)
        .doesNotThrowAnyException();
    CommandLine.ParseResult parsed =
        MtforgeCli.commandLine(new MtforgeCli()).parseArgs(args.toArray(new String[0]));
    assertThat(parsed.hasSubcommand()).as(stage).isTrue();
  }
}

package dev.mtforge.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.databricks.sdk.core.utils.SerDeUtils;
import com.databricks.sdk.service.compute.Library;
import com.databricks.sdk.service.jobs.CreateJob;
import com.databricks.sdk.service.jobs.JobCluster;
import com.databricks.sdk.service.jobs.JobSettings;
import com.databricks.sdk.service.jobs.Task;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The Databricks job ({@code deploy/databricks/job.json}, a Jobs API create request) and bundle
 * ({@code databricks.yml}) bound to the Databricks SDK for Java's job classes with unknown fields
 * and unknown enum values failing, so a misspelt field or value fails here instead of in the
 * workspace. Every main class the tasks name is in the shaded jar, with a main method. (The
 * task parameters are parsed by the mtforge CLI in jobs' DeploySpecsTest.)
 */
class DatabricksSpecsTest {
  private static final Path REPO = Path.of(System.getProperty("mtforge.repo.root", "../.."));
  private static final Path DEPLOY = REPO.resolve("deploy");
  /** The SDK's own mapper (its modules and naming), made strict. */
  private static final ObjectMapper SDK = SerDeUtils.createMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL);
  /** Top-level mappings of a bundle configuration (Databricks bundle settings reference). */
  private static final Set<String> BUNDLE_KEYS =
      Set.of("bundle", "workspace", "artifacts", "resources", "targets", "variables", "include", "sync",
          "permissions", "run_as", "presets", "experimental", "scripts");

  @Test
  void jobJsonIsAValidCreateJobRequest() throws Exception {
    CreateJob job = SDK.readValue(DEPLOY.resolve("databricks/job.json").toFile(), CreateJob.class);
    assertThat(job.getName()).isEqualTo("mtforge-datm");
    assertThat(job.getJobClusters()).extracting(JobCluster::getJobClusterKey).containsExactly("cpu", "gpu");
    List<JobCluster> clusters = new ArrayList<>(job.getJobClusters());
    for (JobCluster cluster : clusters) {
      // 16.4 LTS: Spark 3.5 / Scala 2.12 like the jar; Java 17 pinned
      assertThat(cluster.getNewCluster().getSparkVersion()).startsWith("16.4.x-").endsWith("-scala2.12");
      assertThat(cluster.getNewCluster().getSparkEnvVars()).containsEntry("JNAME", "zulu17-ca-amd64");
    }
    assertThat(clusters.get(1).getNewCluster().getSparkVersion()).contains("gpu");
    assertThat(clusters.get(1).getNewCluster().getSparkConf()).containsEntry("spark.task.resource.gpu.amount", "1");
    for (Task task : job.getTasks()) {
      assertThat(task.getMaxRetries()).as(task.getTaskKey()).isZero();
      assertThat(task.getLibraries()).first().extracting(Library::getJar)
          .isEqualTo("/Volumes/main/mtforge/artifacts/mtforge.jar"); // a Unity Catalog volume, not DBFS root
    }
    assertThat(job.getTasks()).extracting(Task::getTaskKey).contains("init", "prepare", "merge_groups", "report");
  }

  @Test
  void bundleJobIsTheSameJobBuiltFromTheRepository() throws Exception {
    JsonNode bundle = new YAMLMapper().readTree(DEPLOY.resolve("databricks/databricks.yml").toFile());
    List<String> keys = new ArrayList<>();
    bundle.fieldNames().forEachRemaining(keys::add);
    assertThat(BUNDLE_KEYS).containsAll(keys);
    assertThat(bundle.at("/workspace/artifact_path").asText()).startsWith("/Volumes/");
    assertThat(bundle.at("/artifacts/mtforge/type").asText()).isEqualTo("jar");
    JsonNode jobNode = bundle.at("/resources/jobs/mtforge_datm");
    JobSettings job = SDK.treeToValue(jobNode, JobSettings.class);
    for (Task task : job.getTasks()) {
      assertThat(task.getLibraries()).first().extracting(Library::getJar).isEqualTo("../../jobs/target/mtforge.jar");
    }
    // The same tasks as job.json apart from where the jar comes from.
    ObjectNode fromJson = (ObjectNode) SDK.readTree(DEPLOY.resolve("databricks/job.json").toFile());
    assertThat(withoutJars(jobNode)).isEqualTo(withoutJars(fromJson));
  }

  @Test
  void unknownFieldsAndValuesFail() {
    assertThatThrownBy(() -> SDK.readValue("{\"name\": \"x\", \"max_concurent_runs\": 1}", CreateJob.class))
        .isInstanceOf(UnrecognizedPropertyException.class)
        .hasMessageStartingWith("Unrecognized field \"max_concurent_runs\"");
    assertThatThrownBy(() -> SDK.readValue(
            "{\"job_clusters\": [{\"job_cluster_key\": \"cpu\", \"new_cluster\": {\"data_security_mode\": \"SINGLE\"}}]}",
            CreateJob.class))
        .isInstanceOf(InvalidFormatException.class)
        .hasMessageContaining("\"SINGLE\": not one of the values accepted");
  }

  @Test
  void everyMainClassIsInTheShadedJarWithAMainMethod() throws Exception {
    File jar = REPO.resolve("jobs/target/mtforge.jar").toFile();
    assertThat(jar).as("the shaded jar (mvn package)").isFile();
    Set<String> mains = new java.util.TreeSet<>();
    SDK.readValue(DEPLOY.resolve("databricks/job.json").toFile(), CreateJob.class).getTasks()
        .forEach(t -> mains.add(t.getSparkJarTask().getMainClassName()));
    assertThat(mains).containsExactly("dev.mtforge.cli.MtforgeCli");
    try (ZipFile zip = new ZipFile(jar);
        URLClassLoader loader = new URLClassLoader(new URL[] {jar.toURI().toURL()}, ClassLoader.getPlatformClassLoader())) {
      for (String main : mains) {
        assertThat(zip.getEntry(main.replace('.', '/') + ".class")).as(main).isNotNull();
        Class<?> type = Class.forName(main, false, loader);
        assertThat(type.getMethod("main", String[].class).getModifiers() & java.lang.reflect.Modifier.STATIC)
            .as("%s.main is static", main).isNotZero();
      }
    }
  }

  private static JsonNode withoutJars(JsonNode job) {
    ObjectNode copy = job.deepCopy();
    copy.withArray("tasks").forEach(task -> ((ObjectNode) task.get("libraries").get(0)).remove("jar"));
    return copy;
  }
}

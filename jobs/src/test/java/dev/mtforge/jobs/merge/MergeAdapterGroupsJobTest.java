package dev.mtforge.jobs.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.testing.SparkTestSession;
import dev.mtforge.udfs.tensor.merge.AdapterMergePlan;
import dev.mtforge.udfs.tensor.merge.AdapterMergePlan.NamedAdapter;
import dev.mtforge.udfs.tensor.merge.AdapterMerger;
import dev.mtforge.udfs.tensor.merge.MergeOptions;
import dev.mtforge.udfs.tensor.peft.PeftAdapter;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** register-adapters and merge-groups on the sample adapters, on the shared test SparkSession. */
class MergeAdapterGroupsJobTest {
  private static final Path SAMPLES = SparkTestSession.repoRoot().resolve("sample-data/adapters");

  @Test
  void registersMergesPerGroupAndIsIdempotent() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path root = SparkTestSession.newFolder("merge-groups");
    Warehouse warehouse = Warehouse.open(spark, root.resolve("warehouse").toString(), "merge_groups_test");
    LanguageRegistry registry = LanguageRegistry.load(SparkTestSession.repoRoot().resolve("conf"));

    RegisterAdaptersJob.Result registered =
        new RegisterAdaptersJob(warehouse, registry, RunContext.start("reg-1")).source(SAMPLES.toString()).execute();
    assertThat(registered.adapterIds()).containsExactly("dat-xx-en-de", "dat-xx-en-es", "dat-xx-en-it",
        "dat-xx-en-nl", "dat-xx-en-pt", "dat-xx-en-sv");
    assertThat(registered.inserted()).isEqualTo(6);
    List<Row> groups = spark.sql("SELECT group_id, count(*), min(rank), min(lora_alpha), min(length(sha256))"
        + " FROM merge_groups_test.adapters GROUP BY group_id ORDER BY group_id").collectAsList();
    assertThat(groups).map(Row::toString).containsExactly("[1,3,4,8.0,64]", "[2,3,4,8.0,64]");

    MergeAdapterGroupsJob.Result result = new MergeAdapterGroupsJob(warehouse, RunContext.start("merge-1"))
        .option(MergeOptions.METHOD, "ties").option(MergeOptions.DENSITY, "0.5").execute();
    assertThat(result.merged()).extracting(MergeAdapterGroupsJob.GroupMerge::outputAdapterId)
        .containsExactly("datm-xx-en-group-1", "datm-xx-en-group-2");
    assertThat(result.merged().get(0).inputs()).containsExactly("dat-xx-en-de", "dat-xx-en-nl", "dat-xx-en-sv");
    assertThat(result.mergesInserted()).isEqualTo(2);

    Row merge = spark.sql("SELECT method, preset, options['merge.density'], size(inputs), inputs[0].adapter_id,"
        + " length(inputs[0].sha256), size(tensor_stats), output_path"
        + " FROM merge_groups_test.merges WHERE group_id = 1").first();
    assertThat(merge.getString(0)).isEqualTo("ties");
    assertThat(merge.getString(1)).isEqualTo("peft");
    assertThat(merge.getString(2)).isEqualTo("0.5");
    assertThat(merge.getInt(3)).isEqualTo(3);
    assertThat(merge.getString(4)).isEqualTo("dat-xx-en-de");
    assertThat(merge.getInt(5)).isEqualTo(64);
    assertThat(merge.getInt(6)).isEqualTo(14); // 2 layers x 7 projections
    Row stats = spark.sql("SELECT min(s.kept_fraction), max(s.kept_fraction), max(s.sign_conflict_rate)"
        + " FROM merge_groups_test.merges LATERAL VIEW explode(tensor_stats) t AS s").first();
    assertThat(stats.getDouble(0)).isBetween(0.49, 0.5);
    assertThat(stats.getDouble(1)).isBetween(0.49, 0.5);
    assertThat(stats.getDouble(2)).isBetween(0.05, 0.95);
    assertThat(spark.sql("SELECT count(*) FROM merge_groups_test.adapters WHERE strategy = 'datm' AND rank = 4"
        + " AND lora_alpha = 4").first().getLong(0)).isEqualTo(2);

    // The Spark merge writes the same bytes as the local one.
    String outDir = merge.getString(7);
    Path local = root.resolve("local-group-1");
    AdapterMerger.merge(TensorFiles.local(), sampleInputs("de", "nl", "sv"), local.toString(),
        MergeOptions.parse(Map.of(MergeOptions.METHOD, "ties", MergeOptions.DENSITY, "0.5")));
    assertThat(Files.readAllBytes(local.resolve(PeftAdapter.WEIGHTS_FILE)))
        .isEqualTo(Files.readAllBytes(Path.of(java.net.URI.create(outDir + "/" + PeftAdapter.WEIGHTS_FILE))));

    // CSV registration: relative path (inside the CSV's folder: paths leaving it are refused),
    // strategy column, group from the language.
    Path copy = Files.createDirectories(root.resolve("csv-adapters/de"));
    for (String file : List.of(PeftAdapter.CONFIG_FILE, PeftAdapter.WEIGHTS_FILE)) {
      Files.copy(SAMPLES.resolve("xx-en/de").resolve(file), copy.resolve(file));
    }
    Path csv = root.resolve("adapters.csv");
    Files.writeString(csv, "adapter_id,path,direction,language,group_id,strategy\n"
        + "csv-de,csv-adapters/de,xx-en,de,,manual\n");
    RegisterAdaptersJob.Result fromCsv =
        new RegisterAdaptersJob(warehouse, registry, RunContext.start("reg-2")).source(csv.toString()).execute();
    assertThat(fromCsv.inserted()).isEqualTo(1);
    assertThat(spark.sql("SELECT strategy, group_id, language FROM merge_groups_test.adapters"
        + " WHERE adapter_id = 'csv-de'").first().toString()).isEqualTo("[manual,1,de]");

    MergeAdapterGroupsJob.Result again = new MergeAdapterGroupsJob(warehouse, RunContext.start("merge-2"))
        .option(MergeOptions.METHOD, "ties").option(MergeOptions.DENSITY, "0.5").execute();
    assertThat(again.mergesInserted()).isZero();
    assertThat(spark.sql("SELECT count(*) FROM merge_groups_test.merges").first().getLong(0)).isEqualTo(2);
  }

  @Test
  void partitionCountChangesNoOutputBit() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path root = SparkTestSession.newFolder("merge-partitions");
    for (Map<String, String> options : List.of(
        Map.of(MergeOptions.METHOD, "dare_ties", MergeOptions.DENSITY, "0.3", MergeOptions.SEED, "11"),
        Map.of(MergeOptions.METHOD, "ties", MergeOptions.PRESET, "ties-paper", MergeOptions.DENSITY, "0.2"))) {
      AdapterMergePlan plan =
          AdapterMergePlan.create(TensorFiles.local(), sampleInputs("es", "it", "pt"), MergeOptions.parse(options));
      byte[] reference = null;
      for (int partitions : new int[] {1, 3}) {
        Path out = root.resolve(options.get(MergeOptions.METHOD) + "-" + options.size() + "-" + partitions);
        DistributedAdapterMerge.run(spark, plan, out.toString(), partitions);
        byte[] bytes = Files.readAllBytes(out.resolve(PeftAdapter.WEIGHTS_FILE));
        if (reference == null) {
          reference = bytes;
        } else {
          assertThat(bytes).as(options + " with " + partitions + " partitions").isEqualTo(reference);
        }
      }
      Path local = root.resolve("local-" + options.get(MergeOptions.METHOD) + options.size());
      AdapterMerger.run(TensorFiles.local(), plan, local.toString());
      assertThat(Files.readAllBytes(local.resolve(PeftAdapter.WEIGHTS_FILE))).isEqualTo(reference);
    }
  }

  @Test
  void badCsvRowFailsBeforeWriting() throws Exception {
    Path root = SparkTestSession.newFolder("register-bad");
    Warehouse warehouse = Warehouse.open(SparkTestSession.get(), root.resolve("warehouse").toString(), "register_bad_test");
    Path csv = root.resolve("adapters.csv");
    Files.writeString(csv, "adapter_id,path,direction,language\n"
        + "a," + SAMPLES.resolve("xx-en/de") + ",xx-en,de\n"
        + "b," + SAMPLES.resolve("xx-en/nl") + ",xx-en,xx\n");
    LanguageRegistry registry = LanguageRegistry.load(SparkTestSession.repoRoot().resolve("conf"));
    assertThatThrownBy(() -> new RegisterAdaptersJob(warehouse, registry, RunContext.start(null))
        .source(csv.toString()).execute())
        .isInstanceOf(dev.mtforge.schemas.InvalidInputException.class)
        .hasMessageStartingWith("Unknown language code 'xx'; known: ");
    Files.writeString(csv, "adapter_id,path,direction,language\n" + "a," + SAMPLES.resolve("xx-en/de") + ",xx-zz,de\n");
    assertThatThrownBy(() -> new RegisterAdaptersJob(warehouse, registry, RunContext.start(null))
        .source(csv.toString()).execute())
        .hasMessage(csv + ":2: direction 'xx-zz' is not one of [en-xx, xx-en]");
    assertThat(warehouse.exists("adapters")).isFalse();
  }

  @Test
  void unknownOptionFailsBeforeAnyWork() {
    Warehouse warehouse = Warehouse.open(SparkTestSession.get(),
        SparkTestSession.newFolder("merge-bad").toString(), "merge_bad_test");
    assertThatThrownBy(() -> new MergeAdapterGroupsJob(warehouse, RunContext.start(null)).option("merge.densty", "1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Unknown option 'merge.densty' for merge-groups; known: merge-groups.direction,");
  }

  static List<NamedAdapter> sampleInputs(String... languages) {
    return java.util.Arrays.stream(languages)
        .map(l -> new NamedAdapter("dat-xx-en-" + l, SAMPLES.resolve("xx-en").resolve(l).toString()))
        .toList();
  }
}

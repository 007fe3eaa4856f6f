package dev.mtforge.jobs.merge;

import dev.mtforge.jobs.progress.JobProgress;
import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.schemas.OptionValues;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.udfs.tensor.merge.AdapterMergePlan;
import dev.mtforge.udfs.tensor.merge.AdapterMergePlan.NamedAdapter;
import dev.mtforge.udfs.tensor.merge.AdapterMerger;
import dev.mtforge.udfs.tensor.merge.MergeKernel;
import dev.mtforge.udfs.tensor.merge.MergeOptions;
import dev.mtforge.udfs.tensor.merge.Sha256;
import dev.mtforge.udfs.tensor.peft.PeftAdapter;
import dev.mtforge.udfs.tensor.safetensors.HadoopTensorFiles;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DATM's merge step: the adapters of one direction (xx-en by default) merged within each language
 * group. Reads the {@code adapters} table, validates every group's inputs (configs, headers,
 * shapes, ranks) before writing anything, merges each group on Spark with one task per LoRA module
 * ({@link DistributedAdapterMerge}), writes the merged PEFT adapter to
 * {@code <output>/<direction>/group-<id>/}, then upserts one {@code merges} row per group
 * (inputs with sha256, every option, per-module kept fraction and sign-conflict rate) and
 * registers the merged adapters in {@code adapters} (strategy {@code datm}). The merge id hashes
 * the inputs' sha256 and the options, so a re-run rewrites the same bytes and adds no rows.
 *
 * <pre>{@code
 * new MergeAdapterGroupsJob(warehouse, run).option("merge.method", "ties").option("merge.density", "0.2").execute();
 * }</pre>
 */
public final class MergeAdapterGroupsJob {
  private static final Logger LOG = LoggerFactory.getLogger(MergeAdapterGroupsJob.class);

  /** Direction whose adapters are merged. Default: xx-en (the paper merges only XX→En). */
  public static final String DIRECTION = "merge-groups.direction";
  public static final String DIRECTION_DEFAULT = "xx-en";
  /** Strategy of the input adapters. Default: dat. */
  public static final String STRATEGY = "merge-groups.strategy";
  public static final String STRATEGY_DEFAULT = "dat";
  /** Folder or URI under which merged adapters are written. Default: {@code <warehouse>/merged-adapters}. */
  public static final String OUTPUT = "merge-groups.output";
  /** Comma-separated group ids to merge. Default: every group with two or more adapters. */
  public static final String GROUPS = "merge-groups.groups";
  /** Spark partitions per group merge; 0 = one per LoRA module. Default: 0. */
  public static final String PARTITIONS = "merge-groups.partitions";
  /** Strategy written for the merged adapters. */
  public static final String MERGED_STRATEGY = "datm";

  private static final Set<String> JOB_OPTIONS = Set.of(DIRECTION, STRATEGY, OUTPUT, GROUPS, PARTITIONS);

  private final Warehouse warehouse;
  private final RunContext run;
  private final Map<String, String> options = new LinkedHashMap<>();

  public MergeAdapterGroupsJob(Warehouse warehouse, RunContext run) {
    this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
    this.run = Objects.requireNonNull(run, "run");
  }

  /** A job option (above) or a {@code merge.*} option of {@link MergeOptions}. */
  public MergeAdapterGroupsJob option(String key, String value) {
    if (!JOB_OPTIONS.contains(key) && !MergeOptions.VALID_OPTIONS.contains(key)) {
      TreeSet<String> known = new TreeSet<>(JOB_OPTIONS);
      known.addAll(MergeOptions.VALID_OPTIONS);
      throw new InvalidOptionException("Unknown option '" + key + "' for merge-groups; known: "
          + String.join(", ", known));
    }
    options.put(key, value);
    return this;
  }

  /** The merge of one group. */
  public record GroupMerge(
      int groupId, String outputAdapterId, List<String> inputs, String outputPath, String mergeId,
      double keptFraction, double signConflictRate) {}

  /**
   * What the run did.
   *
   * @param merged one entry per merged group, by group id
   * @param skippedGroups groups with fewer than two adapters
   * @param mergesInserted new rows in {@code merges} (0 on a re-run)
   */
  public record Result(List<GroupMerge> merged, List<Integer> skippedGroups, long mergesInserted) {}

  public Result execute() {
    Map<String, String> mergeKeys = new TreeMap<>();
    options.forEach((k, v) -> {
      if (MergeOptions.VALID_OPTIONS.contains(k)) {
        mergeKeys.put(k, v);
      }
    });
    MergeOptions mergeOptions = MergeOptions.parse(mergeKeys); // fails here, before any Spark work
    String direction = options.getOrDefault(DIRECTION, DIRECTION_DEFAULT);
    String strategy = options.getOrDefault(STRATEGY, STRATEGY_DEFAULT);
    String output = options.getOrDefault(OUTPUT, warehouse.location() + "/merged-adapters");
    int partitions = OptionValues.nonNegativeInt(options, PARTITIONS, 0); // 0: one per LoRA module
    Set<Integer> wanted = new TreeSet<>();
    if (options.containsKey(GROUPS)) {
      for (String g : options.get(GROUPS).split(",")) {
        wanted.add(Integer.parseInt(g.trim()));
      }
    }
    SparkSession spark = warehouse.spark();
    JobProgress.begin(spark, "merge-groups", "planning " + direction + " " + mergeOptions.method().label() + " merges");
    TensorFiles files = new HadoopTensorFiles(spark.sparkContext().hadoopConfiguration());

    Map<Integer, List<Row>> byGroup = new TreeMap<>();
    for (Row row : warehouse.read(Tables.ADAPTERS)
        .where(functions.col("direction").equalTo(direction)
            .and(functions.col("strategy").equalTo(strategy))
            .and(functions.col("group_id").isNotNull()))
        .orderBy("group_id", "adapter_id")
        .collectAsList()) {
      int group = row.getInt(row.fieldIndex("group_id"));
      if (wanted.isEmpty() || wanted.contains(group)) {
        byGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(row);
      }
    }
    // Validate every group before writing anything.
    Map<Integer, AdapterMergePlan> plans = new TreeMap<>();
    Map<Integer, List<String>> shas = new HashMap<>();
    List<Integer> skipped = new ArrayList<>();
    for (Map.Entry<Integer, List<Row>> group : byGroup.entrySet()) {
      if (group.getValue().size() < 2) {
        skipped.add(group.getKey());
        continue;
      }
      List<NamedAdapter> inputs = new ArrayList<>();
      List<String> inputShas = new ArrayList<>();
      for (Row row : group.getValue()) {
        String path = row.getString(row.fieldIndex("path"));
        inputs.add(new NamedAdapter(row.getString(row.fieldIndex("adapter_id")), path));
        inputShas.add(Sha256.ofAdapter(files, path, PeftAdapter.CONFIG_FILE, PeftAdapter.WEIGHTS_FILE));
      }
      plans.put(group.getKey(), AdapterMergePlan.create(files, inputs, mergeOptions));
      shas.put(group.getKey(), inputShas);
    }

    List<GroupMerge> merged = new ArrayList<>();
    List<Row> mergeRows = new ArrayList<>();
    List<Row> adapterRows = new ArrayList<>();
    for (Map.Entry<Integer, AdapterMergePlan> entry : plans.entrySet()) {
      int group = entry.getKey();
      AdapterMergePlan plan = entry.getValue();
      String outputId = MERGED_STRATEGY + "-" + direction + "-group-" + group;
      String outDir = output + "/" + direction + "/group-" + group;
      long started = System.nanoTime();
      JobProgress.step(spark, "merging group " + group + " (" + plan.adapters().size() + " adapters)");
      AdapterMerger.Result result = DistributedAdapterMerge.run(spark, plan, outDir, partitions);
      List<String> inputShas = shas.get(group);
      String mergeId = mergeId(outputId + "@" + outDir, inputShas, mergeOptions.describe());
      LOG.info("Merged group {} ({} adapters, {} modules) into {} in {} ms", group, plan.adapters().size(),
          plan.modules().size(), outDir, (System.nanoTime() - started) / 1_000_000);
      List<Row> inputs = new ArrayList<>();
      for (int i = 0; i < plan.adapters().size(); i++) {
        NamedAdapter a = plan.adapters().get(i);
        inputs.add(RowFactory.create(a.id(), a.dir(), inputShas.get(i), plan.weights()[i]));
      }
      List<Row> stats = new ArrayList<>();
      result.tensorStats().forEach((module, s) ->
          stats.add(RowFactory.create(module, s.keptFraction(), s.signConflictRate())));
      mergeRows.add(RowFactory.create(mergeId, outputId, direction, group, mergeOptions.method().label(),
          mergeOptions.preset().label(), scalaMap(mergeOptions.describe()), inputs, outDir, stats));
      PeftAdapter out = PeftAdapter.load(files, outDir);
      try (out) {
        List<String> targets = out.config().targetModules();
        adapterRows.add(RowFactory.create(outputId, outDir, MERGED_STRATEGY, direction, null, group,
            out.config().r(), out.config().loraAlpha(), targets, out.config().baseModel(),
            Sha256.ofAdapter(files, outDir, PeftAdapter.CONFIG_FILE, PeftAdapter.WEIGHTS_FILE)));
      }
      merged.add(new GroupMerge(group, outputId, plan.adapters().stream().map(NamedAdapter::id).toList(), outDir,
          mergeId, result.keptFraction(), result.signConflictRate()));
    }
    // A merge id fixes inputs, options and output, so a known id is this very merge: a re-run
    // skips the Delta MERGEs (seconds each) instead of rewriting identical rows.
    Set<String> knownMerges = new TreeSet<>();
    warehouse.read(Tables.MERGES).select("merge_id").collectAsList().forEach(r -> knownMerges.add(r.getString(0)));
    List<Row> newMerges = mergeRows.stream().filter(r -> !knownMerges.contains(r.getString(0))).toList();
    Set<String> knownAdapters = new TreeSet<>();
    warehouse.read(Tables.ADAPTERS).select("adapter_id", "path", "sha256").collectAsList()
        .forEach(r -> knownAdapters.add(r.getString(0) + "|" + r.getString(1) + "|" + r.getString(2)));
    List<Row> newAdapters = adapterRows.stream()
        .filter(r -> !knownAdapters.contains(r.getString(0) + "|" + r.getString(1) + "|" + r.getString(10))).toList();
    long inserted = 0;
    if (!newMerges.isEmpty()) {
      inserted = warehouse.upsert(Tables.MERGES, run.stamp(mergesFrame(spark, newMerges), "adapters"));
    }
    if (!newAdapters.isEmpty()) {
      warehouse.upsert(Tables.ADAPTERS, run.stamp(adaptersFrame(spark, newAdapters), "merges"));
    }
    return new Result(merged, skipped, inserted);
  }

  /** Deterministic id: the output id plus a hash of the output location, the inputs' sha256 and every option. */
  static String mergeId(String outputIdAndDir, List<String> inputShas, Map<String, String> options) {
    String outputId = outputIdAndDir.substring(0, outputIdAndDir.indexOf('@'));
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(outputIdAndDir.getBytes(StandardCharsets.UTF_8));
      for (String sha : inputShas) {
        digest.update((";" + sha).getBytes(StandardCharsets.UTF_8));
      }
      new TreeMap<>(options).forEach((k, v) -> digest.update((";" + k + "=" + v).getBytes(StandardCharsets.UTF_8)));
      return outputId + "-" + HexFormat.of().formatHex(digest.digest()).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static scala.collection.Map<String, String> scalaMap(Map<String, String> map) {
    return scala.collection.JavaConverters.mapAsScalaMap(new TreeMap<>(map));
  }

  private static Dataset<Row> mergesFrame(SparkSession spark, List<Row> rows) {
    return spark.createDataFrame(rows, Tables.MERGES.dataSchema());
  }

  private static Dataset<Row> adaptersFrame(SparkSession spark, List<Row> rows) {
    return spark.createDataFrame(rows, Tables.ADAPTERS.dataSchema());
  }
}

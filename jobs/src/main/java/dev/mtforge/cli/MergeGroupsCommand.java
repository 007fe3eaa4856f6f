package dev.mtforge.cli;

import dev.mtforge.jobs.merge.MergeAdapterGroupsJob;
import dev.mtforge.jobs.warehouse.Warehouse;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mtforge merge-groups}: DATM's per-group merge of the registered adapters, on Spark. */
@Command(
    name = "merge-groups",
    mixinStandardHelpOptions = true,
    description = "Merge the registered adapters of one direction within each language group (DATM) on Spark,"
        + " one task per LoRA module; writes merged PEFT adapters, a merges row per group, and registers them.")
public final class MergeGroupsCommand implements Callable<Integer> {
  @Mixin SparkOptions sparkOptions;
  @Mixin MergeOptionsMixin mergeOptions;
  @Spec CommandSpec spec;

  @Option(names = "--direction", paramLabel = "<dir>", description = "xx-en or en-xx (merge-groups.direction). Default: xx-en.")
  String direction;

  @Option(names = "--strategy", paramLabel = "<name>", description = "Strategy of the inputs (merge-groups.strategy). Default: dat.")
  String strategy;

  @Option(names = "--output", paramLabel = "<dir|uri>",
      description = "Where merged adapters go (merge-groups.output). Default: <warehouse>/merged-adapters.")
  String output;

  @Option(names = "--groups", paramLabel = "<id,id>", description = "Only these group ids (merge-groups.groups). Default: all.")
  String groups;

  @Option(names = "--partitions", paramLabel = "<n>",
      description = "Spark partitions per group; 0 = one per module (merge-groups.partitions). Default: 0.")
  String partitions;

  public static void main(String[] args) {
    System.exit(MtforgeCli.run(new MergeGroupsCommand(), args));
  }

  @Override
  public Integer call() {
    SparkSession spark = sparkOptions.session("merge-groups");
    Warehouse warehouse = sparkOptions.openWarehouse(spark);
    MergeAdapterGroupsJob job = new MergeAdapterGroupsJob(warehouse, sparkOptions.run());
    mergeOptions.options().forEach(job::option);
    set(job, MergeAdapterGroupsJob.DIRECTION, direction);
    set(job, MergeAdapterGroupsJob.STRATEGY, strategy);
    set(job, MergeAdapterGroupsJob.OUTPUT, output);
    set(job, MergeAdapterGroupsJob.GROUPS, groups);
    set(job, MergeAdapterGroupsJob.PARTITIONS, partitions);
    MergeAdapterGroupsJob.Result result = job.execute();
    PrintWriter out = spec.commandLine().getOut();
    for (MergeAdapterGroupsJob.GroupMerge g : result.merged()) {
      out.printf(Locale.ROOT, "group %d: %s <- %s; kept %.1f%%, sign conflicts %.1f%%; %s%n", g.groupId(),
          g.outputAdapterId(), String.join(", ", g.inputs()), 100 * g.keptFraction(), 100 * g.signConflictRate(),
          g.outputPath());
    }
    out.printf("%d groups merged, %d skipped (fewer than 2 adapters) %s, %d new merges rows%n",
        result.merged().size(), result.skippedGroups().size(), result.skippedGroups(), result.mergesInserted());
    out.flush();
    return 0;
  }

  private static void set(MergeAdapterGroupsJob job, String key, String value) {
    if (value != null) {
      job.option(key, value);
    }
  }
}

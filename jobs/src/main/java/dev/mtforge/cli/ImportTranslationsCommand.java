package dev.mtforge.cli;

import dev.mtforge.jobs.config.JobConfig;
import dev.mtforge.jobs.imports.ImportTranslationsJob;
import dev.mtforge.jobs.warehouse.Warehouse;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mtforge import-translations}: outputs made elsewhere into translations and systems. Each
 * flag mirrors an {@link ImportTranslationsJob} option key.
 */
@Command(
    name = "import-translations",
    mixinStandardHelpOptions = true,
    description = "Import outputs made elsewhere (WMT submissions, another team's run, a paper's released"
        + " outputs) into translations, one hypothesis per line aligned with the test set's segments of"
        + " the direction in parallel_sentences (seg_id order), or from wmt_system_outputs; record the"
        + " system in systems. evaluate then scores it like any other. A line count that differs from"
        + " the test set's is rejected (exit 3) and nothing is written. Safe to run again.")
public final class ImportTranslationsCommand implements Callable<Integer> {
  @Mixin SparkOptions sparkOptions;
  @Mixin RegistryOptions registryOptions;
  @Spec CommandSpec spec;

  @Option(names = "--system-id", paramLabel = "<id>",
      description = "system_id of the rows (import.system-id); required with --hyp, default the WMT system's name.")
  String systemId;

  @Option(names = "--test-set", paramLabel = "<dataset[:split]>",
      description = "Test set in parallel_sentences, e.g. flores200:devtest (import.test-set).")
  String testSet;

  @Option(names = "--direction", paramLabel = "<src-tgt>",
      description = "Language pair of the file, e.g. de-en (import.direction); with --from-wmt-system, default every pair.")
  String direction;

  @Option(names = "--hyp", paramLabel = "<file>", description = "Hypothesis file, one line per segment (import.hyp).")
  String hyp;

  @Option(names = "--from-wmt-system", paramLabel = "<name>",
      description = "Take the outputs of this system from wmt_system_outputs instead of a file (import.wmt-system).")
  String wmtSystem;

  @Option(names = "--strategy", paramLabel = "<strategy>",
      description = "none, separate, group, multilingual, dat, datm or external (import.strategy). Default: external.")
  String strategy;

  @Option(names = "--training-languages", paramLabel = "<codes>",
      description = "Comma-separated languages the system was trained on (import.training-languages). Default: unknown.")
  String trainingLanguages;

  @Option(names = "--model", paramLabel = "<name>", description = "The model that made the outputs (import.model).")
  String model;

  public static void main(String[] args) {
    System.exit(MtforgeCli.run(new ImportTranslationsCommand(), args));
  }

  @Override
  public Integer call() {
    SparkSession spark = sparkOptions.session("import-translations");
    JobConfig config = sparkOptions.jobConfig(spark.sparkContext().getConf());
    Map<String, String> flags = new LinkedHashMap<>();
    flags.put(ImportTranslationsJob.SYSTEM_ID, systemId);
    flags.put(ImportTranslationsJob.TEST_SET, testSet);
    flags.put(ImportTranslationsJob.DIRECTION, direction);
    flags.put(ImportTranslationsJob.HYP, hyp);
    flags.put(ImportTranslationsJob.WMT_SYSTEM, wmtSystem);
    flags.put(ImportTranslationsJob.STRATEGY, strategy);
    flags.put(ImportTranslationsJob.TRAINING_LANGUAGES, trainingLanguages);
    flags.put(ImportTranslationsJob.MODEL, model);
    Warehouse warehouse = sparkOptions.openWarehouse(spark);
    ImportTranslationsJob job = new ImportTranslationsJob(warehouse, registryOptions.registry(), sparkOptions.run());
    flags.forEach((key, flag) -> job.option(key, flag != null ? flag : config.get(key).orElse(null)));
    ImportTranslationsJob.Result r = job.execute();
    PrintWriter out = spec.commandLine().getOut();
    r.units().forEach(u -> out.println(r.systemId() + " " + u));
    out.printf("System %s: %d segments imported, %d translations rows written to %s%n", r.systemId(), r.segments(),
        r.written(), warehouse.location());
    out.flush();
    return 0;
  }
}

package dev.mtforge.cli;

import dev.mtforge.jobs.config.JobConfig;
import dev.mtforge.jobs.training.BuildTrainingShardsJob;
import dev.mtforge.jobs.warehouse.Warehouse;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code mtforge build-training}: one ALMA-format training set per adapter (see
 * {@link BuildTrainingShardsJob}).
 *
 * <pre>{@code bin/mtforge build-training --strategy dat --sample 1012 --seed 42}</pre>
 */
@Command(
    name = "build-training",
    mixinStandardHelpOptions = true,
    description = "Write one training set per adapter from the training splits of parallel_sentences"
        + " (ALMA JSON Lines and parquet) and record them in training_shards. dat = one xx-en adapter per"
        + " language + one en-xx adapter per group.")
public final class BuildTrainingCommand implements Callable<Integer> {
  @Mixin SparkOptions sparkOptions;
  @Spec CommandSpec spec;

  @Option(names = "--strategy", paramLabel = "<name>",
      description = "separate, group, multilingual or dat (training.strategy). Default: dat.")
  String strategy;

  @Option(names = "--sample", paramLabel = "<n>",
      description = "Pairs per direction and language pair, 0 = all (training.sample). Default: 0.")
  String sample;

  @Option(names = "--seed", paramLabel = "<n>", description = "Seed of the sample (training.seed). Default: 42.")
  String seed;

  @Option(names = "--splits", paramLabel = "<a,b>",
      description = "parallel_sentences splits to use (training.splits). Default: train,dev.")
  String splits;

  @Option(names = "--output", paramLabel = "<dir|uri>",
      description = "Folder for the shards (training.output). Default: <warehouse>/training.")
  String output;

  @Option(names = "--tokenizer", paramLabel = "<path>",
      description = "HF tokenizer.json, or a folder holding one (local or s3a://), for tokenizer_tokens in"
          + " training_shards (training.tokenizer). Default: none.")
  String tokenizer;

  @Option(names = "--temperature", paramLabel = "<t>",
      description = "Sample across languages per direction with p_l ∝ (n_l/N)^(1/t): 1 = proportional, larger"
          + " = flatter, low-resource languages repeated (training.temperature). Default: no temperature sampling.")
  Double temperature;

  @Option(names = "--code-switch", paramLabel = "<dir>",
      description = "Folder of MUSE dictionaries (en-de.txt: 'word translation' per line), local or s3a://: add a"
          + " code-switched copy of each pair whose source words are in a dictionary (training.code-switch)."
          + " Default: none.")
  String codeSwitch;

  @Option(names = "--code-switch-ratio", paramLabel = "<p>",
      description = "Probability that a source word found in a dictionary is replaced, in (0, 1]; required with"
          + " --code-switch (training.code-switch-ratio).")
  Double codeSwitchRatio;

  @Option(names = "--sample-total", paramLabel = "<n>",
      description = "Pairs per direction after temperature sampling (training.sample-total). Default: all pairs (N).")
  Long sampleTotal;

  public static void main(String[] args) {
    System.exit(MtforgeCli.run(new BuildTrainingCommand(), args));
  }

  @Override
  public Integer call() {
    if (temperature != null && !(temperature > 0 && temperature < Double.POSITIVE_INFINITY)) {
      throw new ParameterException(spec.commandLine(),
          "Invalid value '" + temperature + "' for option '--temperature': must be a number > 0");
    }
    if (sampleTotal != null && sampleTotal < 1) {
      throw new ParameterException(spec.commandLine(),
          "Invalid value '" + sampleTotal + "' for option '--sample-total': must be 1 or more");
    }
    if ((codeSwitch == null) != (codeSwitchRatio == null)) {
      throw new ParameterException(spec.commandLine(), "Options '--code-switch' and '--code-switch-ratio' go together");
    }
    if (codeSwitchRatio != null && !(codeSwitchRatio > 0 && codeSwitchRatio <= 1)) {
      throw new ParameterException(spec.commandLine(),
          "Invalid value '" + codeSwitchRatio + "' for option '--code-switch-ratio': must be a probability in (0, 1]");
    }
    SparkSession spark = sparkOptions.session("build-training");
    Warehouse warehouse = sparkOptions.openWarehouse(spark);
    JobConfig config = sparkOptions.jobConfig(spark.sparkContext().getConf());
    BuildTrainingShardsJob job = new BuildTrainingShardsJob(warehouse, sparkOptions.run());
    option(job, config, BuildTrainingShardsJob.STRATEGY, strategy);
    option(job, config, BuildTrainingShardsJob.SAMPLE, sample);
    option(job, config, BuildTrainingShardsJob.SEED, seed);
    option(job, config, BuildTrainingShardsJob.SPLITS, splits);
    option(job, config, BuildTrainingShardsJob.OUTPUT, output);
    option(job, config, BuildTrainingShardsJob.TOKENIZER, tokenizer);
    option(job, config, BuildTrainingShardsJob.TEMPERATURE, temperature == null ? null : temperature.toString());
    option(job, config, BuildTrainingShardsJob.SAMPLE_TOTAL, sampleTotal == null ? null : sampleTotal.toString());
    option(job, config, BuildTrainingShardsJob.CODE_SWITCH, codeSwitch);
    option(job, config, BuildTrainingShardsJob.CODE_SWITCH_RATIO, codeSwitchRatio == null ? null : codeSwitchRatio.toString());
    BuildTrainingShardsJob.Result result = job.execute();
    PrintWriter out = spec.commandLine().getOut();
    out.printf("Wrote %d %s shards (%d pairs) under %s; %d training_shards rows changed.%n",
        result.shards(), result.strategy(), result.pairs(), result.output(), result.manifestChanged());
    if (codeSwitch != null || result.augmentedPairs() > 0) {
      out.printf("Code-switch: %d of the pairs are code-switched copies; %d malformed dictionary lines skipped%s%n",
          result.augmentedPairs(), result.malformedDictionaryLines().size(),
          result.malformedDictionaryLines().isEmpty() ? "." : ":");
      result.malformedDictionaryLines().forEach(line -> out.println("  " + line));
    }
    out.flush();
    return 0;
  }

  private static void option(BuildTrainingShardsJob job, JobConfig config, String key, String flag) {
    String value = flag != null ? flag : config.get(key).orElse(null);
    if (value != null) {
      job.option(key, value);
    }
  }
}

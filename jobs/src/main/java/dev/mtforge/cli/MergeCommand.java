package dev.mtforge.cli;

import dev.mtforge.udfs.tensor.merge.AdapterMergePlan.NamedAdapter;
import dev.mtforge.udfs.tensor.merge.AdapterMerger;
import dev.mtforge.udfs.tensor.merge.CheckpointMerger;
import dev.mtforge.udfs.tensor.merge.MergeKernel;
import dev.mtforge.udfs.tensor.merge.MergeOptions;
import dev.mtforge.udfs.tensor.safetensors.HadoopTensorFiles;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code mtforge merge}: merges PEFT LoRA adapters on this machine, module by module (no Spark). */
@Command(
    name = "merge",
    mixinStandardHelpOptions = true,
    description = "Merge two or more PEFT LoRA adapters into one (TIES, DARE, linear, cat, _svd forms)."
        + " Streams one module at a time; paths may be local or Hadoop URIs (s3a://).")
public final class MergeCommand implements Callable<Integer> {
  @Mixin MergeOptionsMixin mergeOptions;
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "<dir>", description = "Folder of the merged adapter.")
  String out;

  @Option(names = "--base", paramLabel = "<model>",
      description = "Base model (folder, .safetensors or index): merge full-weight checkpoints as task vectors"
          + " against it (mergekit style) instead of LoRA adapters; writes a sharded checkpoint.")
  String base;

  @Option(names = "--block-elements", paramLabel = "<n>", defaultValue = "4194304",
      description = "Full-weight merges: values per input read at once (memory bound). Default: ${DEFAULT-VALUE}.")
  int blockElements;

  @Option(names = "--max-shard-bytes", paramLabel = "<n>", defaultValue = "5000000000",
      description = "Full-weight merges: largest output shard. Default: ${DEFAULT-VALUE}.")
  long maxShardBytes;

  @Parameters(paramLabel = "<adapter-or-model-dir>", arity = "1..*",
      description = "Input adapter (or, with --base, model) folders, in weight order.")
  List<String> adapters = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(MtforgeCli.run(new MergeCommand(), args));
  }

  @Override
  public Integer call() {
    if (adapters.size() < 2) {
      throw new ParameterException(spec.commandLine(), "Give at least 2 adapter folders, got " + adapters.size());
    }
    MergeOptions options = MergeOptions.parse(mergeOptions.options());
    boolean remote = adapters.stream().anyMatch(a -> a.contains("://")) || out.contains("://");
    TensorFiles files = remote ? new HadoopTensorFiles(new org.apache.hadoop.conf.Configuration()) : TensorFiles.local();
    List<NamedAdapter> inputs = new ArrayList<>();
    for (String dir : adapters) {
      String trimmed = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
      inputs.add(new NamedAdapter(trimmed.substring(trimmed.lastIndexOf('/') + 1), dir));
    }
    PrintWriter writer = spec.commandLine().getOut();
    if (base != null) {
      CheckpointMerger.Result merged =
          CheckpointMerger.merge(files, base, inputs, out, options, blockElements, maxShardBytes);
      MergeKernel.Stats all = new MergeKernel.Stats();
      merged.tensorStats().values().forEach(all::add);
      writer.printf(Locale.ROOT, "Merged %d models against %s (%s, preset %s, density %s) into %s: %d tensors in %d"
              + " shard(s), kept %.1f%% of task-vector values, sign conflicts at %.1f%% of positions%n",
          inputs.size(), base, options.method().label(), options.preset().label(), options.density(), out,
          merged.tensorStats().size(), merged.shards().size(), 100 * all.keptFraction(), 100 * all.signConflictRate());
      writer.flush();
      return 0;
    }
    AdapterMerger.Result result = AdapterMerger.merge(files, inputs, out, options);
    writer.printf(Locale.ROOT, "Merged %d adapters (%s, preset %s, density %s) into %s: %d modules, r=%d,"
            + " kept %.1f%% of input values, sign conflicts at %.1f%% of positions%n",
        inputs.size(), options.method().label(), options.preset().label(), options.density(), out,
        result.tensorStats().size(), result.rank(), 100 * result.keptFraction(), 100 * result.signConflictRate());
    writer.flush();
    return 0;
  }
}

package dev.mtforge.cli;

import dev.mtforge.udfs.tensor.merge.AdapterMergePlan.NamedAdapter;
import dev.mtforge.udfs.tensor.merge.AdapterMerger;
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

  @Parameters(paramLabel = "<adapter-dir>", arity = "1..*", description = "Input adapter folders, in weight order.")
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
    AdapterMerger.Result result = AdapterMerger.merge(files, inputs, out, options);
    PrintWriter writer = spec.commandLine().getOut();
    writer.printf(Locale.ROOT, "Merged %d adapters (%s, preset %s, density %s) into %s: %d modules, r=%d,"
            + " kept %.1f%% of input values, sign conflicts at %.1f%% of positions%n",
        inputs.size(), options.method().label(), options.preset().label(), options.density(), out,
        result.tensorStats().size(), result.rank(), 100 * result.keptFraction(), 100 * result.signConflictRate());
    writer.flush();
    return 0;
  }
}

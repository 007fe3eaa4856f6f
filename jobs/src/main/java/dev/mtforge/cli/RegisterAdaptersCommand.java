package dev.mtforge.cli;

import dev.mtforge.jobs.merge.RegisterAdaptersJob;
import dev.mtforge.jobs.warehouse.Warehouse;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mtforge register-adapters}: fills the adapters table from a folder layout or a CSV. */
@Command(
    name = "register-adapters",
    mixinStandardHelpOptions = true,
    description = "Validate PEFT adapters and upsert them into the adapters table, from a folder layout"
        + " <dir>/<xx-en|en-xx>/<language|group-N>/ or a CSV (adapter_id,path,direction,language,group_id[,strategy]).")
public final class RegisterAdaptersCommand implements Callable<Integer> {
  @Mixin SparkOptions sparkOptions;
  @Mixin RegistryOptions registryOptions;
  @Spec CommandSpec spec;

  @Option(names = "--from", required = true, paramLabel = "<dir|csv>", description = "Adapter folder layout or CSV file.")
  String from;

  @Option(names = "--strategy", paramLabel = "<name>",
      description = "Strategy of adapters found in a folder layout (register.strategy). Default: dat.")
  String strategy;

  public static void main(String[] args) {
    System.exit(MtforgeCli.run(new RegisterAdaptersCommand(), args));
  }

  @Override
  public Integer call() {
    SparkSession spark = sparkOptions.session("register-adapters");
    Warehouse warehouse = sparkOptions.openWarehouse(spark);
    RegisterAdaptersJob job = new RegisterAdaptersJob(warehouse, registryOptions.registry(), sparkOptions.run()).source(from);
    if (strategy != null) {
      job.option(RegisterAdaptersJob.STRATEGY, strategy);
    }
    RegisterAdaptersJob.Result result = job.execute();
    PrintWriter out = spec.commandLine().getOut();
    out.printf("Registered %d adapters (%d new): %s%n", result.adapterIds().size(), result.inserted(),
        String.join(", ", result.adapterIds()));
    out.flush();
    return 0;
  }
}

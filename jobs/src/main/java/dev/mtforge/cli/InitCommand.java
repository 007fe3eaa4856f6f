package dev.mtforge.cli;

import dev.mtforge.jobs.init.InitWarehouseJob;
import dev.mtforge.jobs.warehouse.Warehouse;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mtforge init}: creates the warehouse tables and loads the language registry. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = "Create every mtforge table missing from the warehouse (empty Delta tables) and"
        + " write the language registry to the languages table. Safe to run again.")
public final class InitCommand implements Callable<Integer> {
  @Mixin SparkOptions sparkOptions;
  @Mixin RegistryOptions registryOptions;
  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(MtforgeCli.run(new InitCommand(), args));
  }

  @Override
  public Integer call() {
    SparkSession spark = sparkOptions.session("init");
    Warehouse warehouse = sparkOptions.openWarehouse(spark);
    InitWarehouseJob.Result result =
        new InitWarehouseJob(warehouse, registryOptions.registry(), sparkOptions.run())
            .registrySource(registryOptions.describe())
            .execute();
    PrintWriter out = spec.commandLine().getOut();
    out.printf("Warehouse %s: %d tables created %s, %d languages in the registry.%n",
        warehouse.location(), result.createdTables().size(), result.createdTables(),
        result.registryLanguages());
    out.flush();
    return 0;
  }
}

package dev.mtforge.cli;

import dev.mtforge.jobs.init.InitWarehouseJob;
import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code mtforge demo}: the whole pipeline on the bundled sample data, in one Spark session.
 * Each stage is the same job class its own command runs.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run the pipeline end to end on the bundled sample data (sample-data/) with the"
        + " embedded defaults: local Spark, Delta tables under --warehouse (default ./warehouse).")
public final class DemoCommand implements Callable<Integer> {
  @Mixin SparkOptions sparkOptions;
  @Mixin RegistryOptions registryOptions;
  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(MtforgeCli.run(new DemoCommand(), args));
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    SparkSession spark = sparkOptions.session("demo");
    Warehouse warehouse = sparkOptions.openWarehouse(spark);
    RunContext run = sparkOptions.run();
    out.printf("mtforge demo: run %s, warehouse %s%n", run.runId(), warehouse.location());

    InitWarehouseJob.Result init =
        new InitWarehouseJob(warehouse, registryOptions.registry(), run)
            .registrySource(registryOptions.describe())
            .execute();
    out.printf("[init] %d tables created, %d languages registered%n",
        init.createdTables().size(), init.registryLanguages());

    out.printf("Tables: %s%nQuery them: bin/mtforge sql --warehouse %s \"SHOW TABLES\"%n",
        warehouse.tableNames(), warehouse.location());
    out.flush();
    return 0;
  }
}

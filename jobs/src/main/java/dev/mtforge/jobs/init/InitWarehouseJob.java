package dev.mtforge.jobs.init;

import dev.mtforge.jobs.progress.JobProgress;
import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.languages.Language;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.schemas.tables.TableContract;
import dev.mtforge.schemas.tables.Tables;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Creates every table of {@link Tables#ALL} that the warehouse lacks (empty, with its contract's
 * schema and partitioning) and writes the language registry to the {@code languages} table.
 * Idempotent: running it again changes nothing unless the registry changed.
 */
public final class InitWarehouseJob {
  private final Warehouse warehouse;
  private final LanguageRegistry registry;
  private final RunContext run;
  private String registrySource = "classpath:mtforge/conf/languages.csv";

  public InitWarehouseJob(Warehouse warehouse, LanguageRegistry registry, RunContext run) {
    this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.run = Objects.requireNonNull(run, "run");
  }

  /** Where the registry was read from, recorded in the languages table's source column. */
  public InitWarehouseJob registrySource(String source) {
    this.registrySource = source;
    return this;
  }

  public Result execute() {
    JobProgress.begin(warehouse.spark(), "init", "creating tables");
    List<String> created = new ArrayList<>();
    for (TableContract contract : Tables.ALL) {
      if (!warehouse.exists(contract.name())) {
        created.add(contract.name());
      }
      warehouse.ensure(contract);
    }
    long languages = warehouse.upsert(Tables.LANGUAGES, run.stamp(registryRows(), registrySource));
    return new Result(created, registry.languages().size(), languages);
  }

  private Dataset<Row> registryRows() {
    StructType schema =
        new StructType()
            .add("code", DataTypes.StringType)
            .add("flores_code", DataTypes.StringType)
            .add("name", DataTypes.StringType)
            .add("script", DataTypes.StringType)
            .add("resource_level", DataTypes.StringType)
            .add("group_ids", DataTypes.createArrayType(DataTypes.IntegerType))
            .add("group_names", DataTypes.createArrayType(DataTypes.StringType));
    List<Row> rows = new ArrayList<>();
    for (Language language : registry.languages()) {
      List<Integer> ids = new ArrayList<>(language.groups());
      List<String> names = ids.stream().map(id -> registry.group(id).name()).toList();
      rows.add(
          RowFactory.create(
              language.code(),
              language.floresCode(),
              language.name(),
              language.script(),
              language.resource().label(),
              ids,
              names));
    }
    return warehouse.spark().createDataFrame(rows, schema);
  }

  /**
   * What the run did.
   *
   * @param createdTables tables that did not exist before
   * @param registryLanguages languages in the registry
   * @param languagesWritten rows of the languages table inserted or changed (0 on a re-run)
   */
  public record Result(List<String> createdTables, int registryLanguages, long languagesWritten) {}
}

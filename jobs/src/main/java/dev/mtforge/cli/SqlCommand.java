package dev.mtforge.cli;

import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.mtforge.jobs.progress.JobProgress;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mtforge sql "QUERY"}: Spark SQL over the warehouse's tables by their plain names. */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = "Run a Spark SQL query over the warehouse's Delta tables, which are visible by"
        + " their plain names (SELECT * FROM parallel_sentences), and print the result.")
public final class SqlCommand implements Callable<Integer> {
  /** Output formats. */
  public enum Format { table, json, csv }

  @Mixin SparkOptions sparkOptions;
  @Spec CommandSpec spec;

  @Option(
      names = "--format",
      paramLabel = "<format>",
      defaultValue = "table",
      description = "table, json (one JSON object per row) or csv (with header). Default: ${DEFAULT-VALUE}.")
  Format format;

  @Option(
      names = "--limit",
      paramLabel = "<rows>",
      defaultValue = "1000",
      description = "Print at most this many rows. Default: ${DEFAULT-VALUE}.")
  int limit;

  @Parameters(paramLabel = "<query>", description = "The SQL query (quote it).")
  String query;

  public static void main(String[] args) {
    System.exit(MtforgeCli.run(new SqlCommand(), args));
  }

  @Override
  public Integer call() throws Exception {
    SparkSession spark = sparkOptions.session("sql");
    sparkOptions.openWarehouse(spark);
    JobProgress.begin(spark, "sql", query);
    Dataset<Row> result = spark.sql(query);
    PrintWriter out = spec.commandLine().getOut();
    List<Row> rows = result.limit(limit).collectAsList();
    switch (format) {
      case json -> {
        for (String line : result.limit(limit).toJSON().collectAsList()) {
          out.println(line);
        }
      }
      case csv -> printCsv(out, result.columns(), rows);
      case table -> out.print(TextTable.render(result.columns(), rows));
    }
    out.flush();
    return 0;
  }

  private static void printCsv(PrintWriter out, String[] columns, List<Row> rows) throws Exception {
    CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
    for (String column : columns) {
      schema.addColumn(column);
    }
    List<List<String>> values = new ArrayList<>();
    for (Row row : rows) {
      values.add(TextTable.cells(row));
    }
    new CsvMapper().writer(schema.build()).writeValues(out).writeAll(values).close();
  }
}

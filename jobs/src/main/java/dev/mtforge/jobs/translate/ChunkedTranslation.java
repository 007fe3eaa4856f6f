package dev.mtforge.jobs.translate;

import dev.mtforge.jobs.progress.JobProgress;
import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.udfs.spark.SerializableHadoopConf;
import dev.mtforge.udfs.spark.TranslatePartitions;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates rows and commits them to {@code translations} in numbered chunks, one Delta MERGE
 * (insert-only, on the table key) per chunk, so a run that dies loses at most its current chunk
 * and a re-run never writes a segment twice. The caller passes only the rows still missing.
 */
final class ChunkedTranslation {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkedTranslation.class);

  private final Warehouse warehouse;
  private final RunContext run;
  private final TranslatePartitions.Settings taskSettings;
  private final SerializableHadoopConf hadoopConf;
  private final int commitSegments;
  private final int partitions;
  private final String source;
  private final TranslateTestSetJob.ChunkListener listener;
  private final LongAccumulator padded;
  private final LongAccumulator cpuNanos;

  ChunkedTranslation(Warehouse warehouse, RunContext run, TranslatePartitions.Settings taskSettings,
      SerializableHadoopConf hadoopConf, int commitSegments, int partitions, String source,
      TranslateTestSetJob.ChunkListener listener) {
    this.warehouse = warehouse;
    this.run = run;
    this.taskSettings = taskSettings;
    this.hadoopConf = hadoopConf;
    this.commitSegments = commitSegments;
    this.partitions = partitions;
    this.source = source;
    this.listener = listener;
    this.padded = warehouse.spark().sparkContext().longAccumulator("mtforge.padded-prompt-tokens");
    this.cpuNanos = warehouse.spark().sparkContext().longAccumulator("mtforge.decode-cpu-nanos");
  }

  /**
   * What one {@link #run} did.
   *
   * @param missing rows that were to translate
   * @param written rows inserted into translations
   * @param chunks commits made
   */
  record Totals(long missing, long written, int chunks, long promptTokens, long outputTokens, double decodeMs) {}

  /**
   * Translates {@code input} and commits it chunk by chunk.
   *
   * @param input rows with {@link TranslatePartitions#INPUT_COLUMNS} first, maybe more after them
   * @param order columns that fix the chunk order (a re-run finds the same chunks)
   * @param finish turns a chunk's translated rows ({@link TranslatePartitions#OUTPUT_SCHEMA}) and
   *     the chunk's input rows into {@code translations} rows without lineage
   * @param what what is translated, for the log
   */
  Totals run(Dataset<Row> input, List<String> order, BiFunction<Dataset<Row>, Dataset<Row>, Dataset<Row>> finish,
      String what) {
    // Chunks in a fixed order, so a re-run after a crash picks up what the crash left out. Rows are
    // numbered by a distributed sort and zipWithIndex: a row_number() window without a partition
    // would move every row into one partition.
    int perChunk = commitSegments;
    StructType numberedSchema = input.schema().add("mtforge_chunk", DataTypes.IntegerType);
    JavaRDD<Row> chunked =
        input.sort(order.stream().map(functions::col).toArray(Column[]::new)).javaRDD().zipWithIndex()
            .map(rowAndIndex -> withChunk(rowAndIndex._1(), (int) (rowAndIndex._2() / perChunk)));
    // Checkpointed, not cached: each commit to translations makes Delta refresh cached plans that
    // read it, which would renumber the chunks left to do.
    Dataset<Row> numbered = warehouse.spark().createDataFrame(chunked, numberedSchema).localCheckpoint(true);
    try {
      long missing = numbered.count();
      int chunks = (int) ((missing + commitSegments - 1) / commitSegments);
      LOG.info("Translating {} segments ({}) in {} chunks", missing, what, chunks);
      Column[] inputColumns = TranslatePartitions.INPUT_COLUMNS.stream().map(functions::col).toArray(Column[]::new);
      long promptTokens = 0;
      long outputTokens = 0;
      double decodeMs = 0;
      long written = 0;
      for (int chunk = 0; chunk < chunks; chunk++) {
        Dataset<Row> part = numbered.where(functions.col("mtforge_chunk").equalTo(chunk)).drop("mtforge_chunk")
            .repartition(partitions);
        // Materialised once: Delta's MERGE reads its source twice, and translating twice would
        // double the cost.
        Dataset<Row> translated =
            part.select(inputColumns)
                .mapPartitions(new TranslatePartitions(taskSettings, padded, cpuNanos).withHadoopConf(hadoopConf),
                    Encoders.row(TranslatePartitions.OUTPUT_SCHEMA))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
          JobProgress.step(warehouse.spark(), "translating chunk " + (chunk + 1) + "/" + chunks + " (" + what + ")");
          Row sums = translated.agg(functions.count(functions.lit(1)), functions.sum("prompt_tokens"),
              functions.sum("output_tokens"), functions.sum("latency_ms")).first();
          long rows = sums.getLong(0);
          promptTokens += sums.isNullAt(1) ? 0 : sums.getLong(1);
          outputTokens += sums.isNullAt(2) ? 0 : sums.getLong(2);
          decodeMs += sums.isNullAt(3) ? 0 : sums.getDouble(3);
          written += warehouse.insertNew(Tables.TRANSLATIONS, run.stamp(finish.apply(translated, part), source));
          LOG.info("Chunk {}/{} ({}): {} segments committed", chunk + 1, chunks, what, rows);
          listener.committed(chunk, chunks, rows);
        } finally {
          translated.unpersist();
        }
      }
      return new Totals(missing, written, chunks, promptTokens, outputTokens, decodeMs);
    } finally {
      numbered.unpersist(); // frees the checkpoint's blocks
    }
  }

  /** Prompt positions fed so far, padding included. */
  long paddedPromptTokens() {
    return padded.value();
  }

  /** CPU time of the task threads while translating, so far. */
  long decodeCpuNanos() {
    return cpuNanos.value();
  }

  private static Row withChunk(Row row, int chunk) {
    Object[] values = new Object[row.length() + 1];
    for (int i = 0; i < row.length(); i++) {
      values[i] = row.get(i);
    }
    values[row.length()] = chunk;
    return RowFactory.create(values);
  }
}

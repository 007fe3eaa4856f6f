package dev.mtforge.udfs.readers;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * The narrow file access readers need, so that they stay free of Spark and testable without a
 * cluster. The Hadoop implementation ({@code dev.mtforge.udfs.spark.HadoopSourceFiles}) serves
 * local paths and {@code s3a://}.
 */
public interface SourceFiles {
  /** Opens a file; the caller closes the stream. */
  InputStream open(String path);

  /**
   * The records of a parquet file, in file order, as maps from column name to value; a struct
   * column is a nested map.
   */
  List<Map<String, Object>> parquetRecords(String path);

  /** Every file under a folder, recursively, as full paths sorted by name; a file lists itself. */
  List<String> listFiles(String folder);
}

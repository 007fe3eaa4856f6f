package dev.mtforge.udfs.spark;

import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.udfs.tokenize.HfTokenizers;
import dev.mtforge.udfs.tokenize.TokenCounter;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;

/**
 * {@code text -> tokens} of an HF tokenizer (special tokens excluded), for tokenizer fertility in
 * data_stats and token totals in training_shards. The driver reads {@code tokenizer.json} once
 * (local or {@code s3a://}), checks that DJL loads it, and broadcasts its bytes; each executor JVM
 * loads it once ({@link TokenCounter#shared}).
 *
 * <pre>{@code
 * TokenCountUdf tokens = TokenCountUdf.load(spark, "s3a://models/llama/");   // folder or file
 * df.withColumn("src_tokens", udf(tokens, DataTypes.LongType).apply(col("src_text")));
 * }</pre>
 */
public final class TokenCountUdf implements UDF1<String, Long> {
  /** File name looked up when the tokenizer path is a folder. */
  public static final String FILE_NAME = "tokenizer.json";

  private final String file;
  private final String sha256;
  private final Broadcast<byte[]> content;

  private TokenCountUdf(String file, String sha256, Broadcast<byte[]> content) {
    this.file = file;
    this.sha256 = sha256;
    this.content = content;
  }

  /**
   * Reads and checks the tokenizer at {@code path}: a {@code tokenizer.json} file or a folder
   * holding one. A missing or unreadable file throws {@link InvalidInputException} naming it.
   */
  public static TokenCountUdf load(SparkSession spark, String path) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path given = new Path(path);
    byte[] bytes;
    String file;
    try {
      FileSystem fs = given.getFileSystem(conf);
      Path json = fs.exists(given) && fs.getFileStatus(given).isDirectory() ? new Path(given, FILE_NAME) : given;
      file = json.toString();
      if (!fs.exists(json)) {
        throw new InvalidInputException("Cannot load tokenizer " + file + ": file not found", file, null);
      }
      try (InputStream in = fs.open(json)) {
        bytes = in.readAllBytes();
      }
    } catch (IOException e) {
      throw new InvalidInputException("Cannot read tokenizer " + path + ": " + e.getMessage(), path, e);
    }
    check(bytes, file);
    Broadcast<byte[]> content = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(bytes);
    return new TokenCountUdf(file, sha256(bytes), content);
  }

  /**
   * Loads the content of a {@code tokenizer.json} once to reject a bad file before any write; any
   * failure of the native loader becomes {@link InvalidInputException} naming the file.
   */
  public static void check(byte[] bytes, String file) {
    HfTokenizers.check(bytes, file); // what would crash the native loader, named by file
    try (var tokenizer = HfTokenizers.load(new java.io.ByteArrayInputStream(bytes))) {
      tokenizer.encode("mtforge"); // a tokenizer that loads but cannot encode is as bad
    } catch (IOException | RuntimeException e) {
      throw new InvalidInputException(
          "Cannot load tokenizer " + file + ": not a valid HF tokenizer.json (" + e.getMessage() + ")", file, e);
    }
  }

  /** The {@code tokenizer.json} that was loaded, as recorded in the tables' {@code tokenizer} column. */
  public String file() {
    return file;
  }

  @Override
  public Long call(String text) {
    return text == null ? null : TokenCounter.shared(sha256, content::value).count(text);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}

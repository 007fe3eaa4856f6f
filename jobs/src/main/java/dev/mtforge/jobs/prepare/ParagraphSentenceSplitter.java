package dev.mtforge.jobs.prepare;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.translate;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import com.johnsnowlabs.nlp.DocumentAssembler;
import com.johnsnowlabs.nlp.annotators.sbd.pragmatic.SentenceDetector;
import dev.mtforge.udfs.segment.AbbreviationMask;
import java.util.Objects;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Splits paragraph-level segments (WMT23 en-de, for example) into sentences with Spark NLP's
 * offline rule-based pipeline, {@code DocumentAssembler → SentenceDetector} (the "pragmatic"
 * detector: rules and an English abbreviation list, no model download). It runs on the executors
 * as an ordinary Spark ML transform. The detector knows no other language's abbreviations, so the
 * periods of those in {@link AbbreviationMask#ABBREVIATIONS} (German "z. B.", "usw.") are masked
 * before detection and restored in the sentences.
 *
 * <pre>{@code
 * Dataset<Row> sentences = new ParagraphSentenceSplitter().split(paragraphs);
 * warehouse.insertNew(Tables.PARAGRAPH_SENTENCES, run.stamp(sentences, null));
 * }</pre>
 *
 * <p>The input has the key columns of {@code parallel_sentences} plus {@code direction},
 * {@code src_text} and {@code source_file}; the output has the columns of
 * {@code paragraph_sentences} without lineage, one row per sentence of each source paragraph, with
 * its 1-based {@code sent_idx}, the paragraph's {@code sent_count} and the sentence's character
 * span in the paragraph. A paragraph with no text yields no row.
 *
 * <p>Spark NLP is a {@code provided} dependency (clusters add it as a library, see
 * docs/DESIGN.md): call {@link #requireSparkNlp} before any work so that a missing library fails
 * the run before anything is written.
 */
public final class ParagraphSentenceSplitter {
  /** A Spark NLP class the splitter needs; its absence means the library is not on the class path. */
  static final String PROBE_CLASS = "com.johnsnowlabs.nlp.annotators.sbd.pragmatic.SentenceDetector";

  /** The Maven coordinate a user must add to the cluster. */
  public static final String COORDINATE = "com.johnsnowlabs.nlp:spark-nlp_2.12:5.5.3";

  /**
   * Fails with a message saying how to add Spark NLP when {@code loader} cannot load it.
   *
   * @throws IllegalStateException when Spark NLP is missing
   */
  public static void requireSparkNlp(ClassLoader loader) {
    try {
      Class.forName(PROBE_CLASS, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalStateException(missingMessage());
    }
  }

  /** {@link #requireSparkNlp(ClassLoader)} with the loader of this class (Spark's on a cluster). */
  public static void requireSparkNlp() {
    requireSparkNlp(ParagraphSentenceSplitter.class.getClassLoader());
  }

  static String missingMessage() {
    return "Cannot split sentences (--split-sentences / " + PrepareCorpusJob.SPLIT_SENTENCES
        + "): Spark NLP is not on the class path. Add " + COORDINATE
        + " to the cluster (spark-submit --packages " + COORDINATE
        + ", a Databricks or EMR library; see deploy/) or run without --split-sentences";
  }

  /** What the {@code segmenter} column records: library, version and annotator settings. */
  public static String segmenter() {
    return "spark-nlp " + com.johnsnowlabs.nlp.SparkNLP.currentVersion()
        + " SentenceDetector(pragmatic, useAbbreviations=true) + mtforge AbbreviationMask";
  }

  /**
   * One row per source sentence of each paragraph.
   *
   * @param paragraphs rows with dataset, split, src_lang, tgt_lang, direction, doc_id, seg_id,
   *     src_text and source_file
   */
  public Dataset<Row> split(Dataset<Row> paragraphs) {
    Objects.requireNonNull(paragraphs, "paragraphs");
    requireSparkNlp();
    DocumentAssembler document = new DocumentAssembler();
    document.setInputCol("masked_text");
    document.setOutputCol("document");
    SentenceDetector sentences = new SentenceDetector();
    sentences.setInputCols(new String[] {"document"});
    sentences.setOutputCol("sentences");
    sentences.setUseAbbreviations(true);
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {document, sentences});
    // Both stages are rule-based: fit learns nothing and reads no data.
    PipelineModel model = pipeline.fit(paragraphs.limit(0).withColumn("masked_text", col("src_text")));

    UserDefinedFunction mask = udf((UDF2<String, String, String>) AbbreviationMask::mask, DataTypes.StringType);
    Dataset<Row> masked = paragraphs.filter(col("src_text").isNotNull())
        .withColumn("masked_text", mask.apply(col("src_text"), col("src_lang")));
    Dataset<Row> detected = model.transform(masked)
        .select(col("dataset"), col("split"), col("src_lang"), col("tgt_lang"), col("direction"),
            col("doc_id"), col("seg_id"), col("source_file"), col("src_text"), col("masked_text"),
            size(col("sentences")).as("sent_count"),
            posexplode(col("sentences")).as(new String[] {"pos", "sentence"}));
    return detected
        .select(col("dataset"), col("split"), col("src_lang"), col("tgt_lang"), col("direction"),
            col("doc_id"), col("seg_id"),
            expr("pos + 1").cast("int").as("sent_idx"),
            col("sent_count").cast("int").as("sent_count"),
            // masked periods back, unless the paragraph was left unmasked (it had U+2024 itself)
            when(col("masked_text").equalTo(col("src_text")), col("sentence.result"))
                .otherwise(translate(col("sentence.result"), String.valueOf(AbbreviationMask.MASK), "."))
                .as("src_sentence"),
            col("sentence.begin").as("char_begin"),
            expr("sentence.end + 1").as("char_end"),
            lit(segmenter()).as("segmenter"),
            col("source_file"));
  }
}

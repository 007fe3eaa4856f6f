package dev.mtforge.udfs.spark;

import dev.mtforge.udfs.metrics.Metric;
import dev.mtforge.udfs.metrics.MetricSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoSerializable;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Scores segments on executors: one output row per input segment and metric, with the sentence
 * score and the segment's sufficient statistics (which the driver's aggregation sums).
 *
 * <p>Input columns: {@link #INPUT_COLUMNS}. Output schema: {@link #OUTPUT}. Metrics are built
 * once per task and target language from the serializable {@link MetricSpec}s.
 */
public final class SegmentScorer implements MapPartitionsFunction<Row, Row>, KryoSerializable {
  private static final long serialVersionUID = 1L;

  /** Columns the input rows must have, in this order. */
  public static final List<String> INPUT_COLUMNS =
      List.of("system_id", "dataset", "split", "src_lang", "tgt_lang", "doc_id", "seg_id",
          "hypothesis", "tgt_text", "extra_refs");

  /** The rows produced: a segment_scores row without lineage, plus the reference count. */
  public static final StructType OUTPUT =
      new StructType()
          .add("system_id", DataTypes.StringType, false)
          .add("dataset", DataTypes.StringType, false)
          .add("split", DataTypes.StringType, false)
          .add("src_lang", DataTypes.StringType, false)
          .add("tgt_lang", DataTypes.StringType, false)
          .add("doc_id", DataTypes.StringType, true)
          .add("seg_id", DataTypes.IntegerType, false)
          .add("metric", DataTypes.StringType, false)
          .add("signature", DataTypes.StringType, false)
          .add("score", DataTypes.DoubleType, false)
          .add("stats", DataTypes.createArrayType(DataTypes.LongType, false), false)
          .add("nrefs", DataTypes.IntegerType, false);

  private List<MetricSpec> specs;

  public SegmentScorer(List<MetricSpec> specs) {
    this.specs = List.copyOf(specs);
  }

  // Kryo's FieldSerializer cannot build records (MetricSpec); carry the specs as Java bytes
  @Override
  public void write(Kryo kryo, Output output) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(new ArrayList<>(specs));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot serialize metric specs " + specs, e);
    }
    output.writeInt(bytes.size());
    output.writeBytes(bytes.toByteArray());
  }

  @Override
  @SuppressWarnings("unchecked")
  public void read(Kryo kryo, Input input) {
    byte[] bytes = input.readBytes(input.readInt());
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      this.specs = List.copyOf((List<MetricSpec>) in.readObject());
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalStateException("Cannot deserialize metric specs", e);
    }
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    // metrics are cheap to build but hold tokenizers; one per spec and target language per task
    Map<String, Metric> cache = new HashMap<>();
    return new Iterator<Row>() {
      private Iterator<Row> pending = List.<Row>of().iterator();

      @Override
      public boolean hasNext() {
        while (!pending.hasNext() && rows.hasNext()) {
          pending = score(rows.next(), specs, cache).iterator();
        }
        return pending.hasNext();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        return pending.next();
      }
    };
  }

  static List<Row> score(Row in, List<MetricSpec> specs, Map<String, Metric> cache) {
    String tgt = in.getString(4);
    List<String> refs = new ArrayList<>();
    refs.add(in.getString(8));
    if (!in.isNullAt(9)) {
      refs.addAll(in.getList(9));
    }
    List<Row> out = new ArrayList<>(specs.size());
    for (int k = 0; k < specs.size(); k++) {
      MetricSpec spec = specs.get(k);
      Metric metric = cache.computeIfAbsent(k + "\u0000" + tgt, key -> spec.sentence(tgt));
      long[] stats = metric.segmentStats(in.getString(7), refs);
      out.add(
          RowFactory.create(
              in.getString(0), in.getString(1), in.getString(2), in.getString(3), tgt,
              in.isNullAt(5) ? null : in.getString(5), in.getInt(6), spec.label(),
              metric.signature(refs.size()).format(), metric.score(stats).score(),
              stats, refs.size()));
    }
    return out;
  }
}

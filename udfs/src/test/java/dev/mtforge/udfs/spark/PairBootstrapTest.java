package dev.mtforge.udfs.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.udfs.metrics.BootstrapConfidence;
import dev.mtforge.udfs.metrics.Metric;
import dev.mtforge.udfs.metrics.MetricSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import scala.collection.JavaConverters;

/**
 * A pair's interval does not depend on the order Spark hands its segments over: they are put in
 * (doc_id nulls first, seg_id) order, and the result equals the bootstrap on that order.
 * (Parity of the bootstrap itself with sacreBLEU: ScoreCommandTest and EvaluateTranslationsJobTest.)
 */
class PairBootstrapTest {
  private static final StructType SEGMENT =
      new StructType().add("doc_id", DataTypes.StringType).add("seg_id", DataTypes.IntegerType)
          .add("stats", DataTypes.createArrayType(DataTypes.LongType));
  private static final StructType INPUT =
      new StructType().add("system_id", DataTypes.StringType).add("dataset", DataTypes.StringType)
          .add("split", DataTypes.StringType).add("src_lang", DataTypes.StringType)
          .add("tgt_lang", DataTypes.StringType).add("metric", DataTypes.StringType)
          .add("segments", DataTypes.createArrayType(SEGMENT));

  @Test
  void intervalIsTheBootstrapOnSegmentsInKeyOrderWhateverTheInputOrder() throws Exception {
    MetricSpec spec = MetricSpec.of("bleu");
    Metric bleu = spec.corpus("de");
    String[] hyps = {"The cat sat on a mat.", "It rains in Berlin.", "Prices rose by 3 %.", "Close the door.",
        "He likes tea.", "A quick fox.", "We will not give up.", "The bridge opens Monday."};
    String[] refs = {"The cat sat on the mat.", "It is raining in Berlin.", "Prices rose by 3.5%.",
        "Please close the door.", "He loves tea.", "The quick brown fox.", "We won't give up.", "The bridge opens on Monday."};
    List<Row> inOrder = new ArrayList<>();
    List<long[]> stats = new ArrayList<>();
    for (int i = 0; i < hyps.length; i++) {
      long[] s = bleu.segmentStats(hyps[i], List.of(refs[i]));
      stats.add(s);
      List<Long> boxed = new ArrayList<>();
      for (long v : s) {
        boxed.add(v);
      }
      // two documents: null (first) then "d2"; seg ids restart per document
      String doc = i < 4 ? null : "d2";
      inOrder.add(RowFactory.create(doc, i % 4 + 1, JavaConverters.asScalaBuffer(boxed).toSeq()));
    }
    BootstrapConfidence.Interval expected = BootstrapConfidence.of(200, 7).estimate(bleu, stats);
    PairBootstrap bootstrap = new PairBootstrap(List.of(spec), 200, 7);
    List<Row> shuffled = new ArrayList<>(inOrder);
    Collections.shuffle(shuffled, new Random(3));
    assertThat(shuffled).isNotEqualTo(inOrder);
    for (PairBootstrap b : List.of(bootstrap, javaRoundTrip(bootstrap))) {
      Row out = b.call(pair(shuffled));
      assertThat(out.getString(5)).isEqualTo("BLEU");
      assertThat(out.getDouble(6)).isEqualTo(expected.low());
      assertThat(out.getDouble(7)).isEqualTo(expected.high());
      assertThat(out.getDouble(7)).isGreaterThan(out.getDouble(6));
    }
  }

  private static Row pair(List<Row> segments) {
    return new GenericRowWithSchema(
        new Object[] {"sysA", "flores", "devtest", "en", "de", "BLEU", JavaConverters.asScalaBuffer(segments).toSeq()},
        INPUT);
  }

  private static PairBootstrap javaRoundTrip(PairBootstrap b) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(b);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (PairBootstrap) in.readObject();
    }
  }
}

package dev.mtforge.udfs.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.udfs.metrics.Bleu;
import dev.mtforge.udfs.metrics.Chrf;
import dev.mtforge.udfs.metrics.Metric;
import dev.mtforge.udfs.metrics.MetricSpec;
import dev.mtforge.udfs.metrics.Ter;
import dev.mtforge.udfs.tokenize.Tokenizers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/** What we ship to executors survives Java and Kryo serialization and still scores the same. */
class SegmentScorerSerializationTest {
  private static final List<MetricSpec> SPECS =
      List.of(MetricSpec.of("bleu"), MetricSpec.of("chrf++"), MetricSpec.of("ter"));

  @Test
  void roundTripsThroughJavaAndKryo() throws Exception {
    SegmentScorer scorer = new SegmentScorer(SPECS);
    List<Row> expected = score(scorer);
    assertThat(score(javaRoundTrip(scorer))).isEqualTo(expected);
    assertThat(score(kryoRoundTrip(scorer))).isEqualTo(expected);
    for (Metric m :
        List.of(Bleu.builder().tokenizer(Tokenizers.create("zh")).build(), Chrf.builder().build(), Ter.builder().build())) {
      long[] stats = m.segmentStats("The cat is on the mat.", List.of("The cat sat on the mat."));
      assertThat(javaRoundTrip(m).segmentStats("The cat is on the mat.", List.of("The cat sat on the mat.")))
          .containsExactly(stats);
      assertThat(kryoRoundTrip(m).segmentStats("The cat is on the mat.", List.of("The cat sat on the mat.")))
          .containsExactly(stats);
    }
  }

  private static List<Row> score(SegmentScorer scorer) throws Exception {
    Row in = RowFactory.create("sys", "flores", "devtest", "en", "de", "d1", 1,
        "The cat is on the mat.", "The cat sat on the mat.", null);
    Iterator<Row> it = scorer.call(List.of(in).iterator());
    List<Row> out = new ArrayList<>();
    it.forEachRemaining(r -> out.add(RowFactory.create(r.get(7), r.get(8), r.get(9),
        java.util.Arrays.toString((long[]) r.get(10)), r.get(11))));
    assertThat(out).hasSize(3);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static <T> T javaRoundTrip(T value) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T kryoRoundTrip(T value) {
    SerializerInstance kryo = new KryoSerializer(new SparkConf()).newInstance();
    ByteBuffer buffer = kryo.serialize(value, ClassTag$.MODULE$.apply(Object.class));
    return (T) kryo.deserialize(buffer, ClassTag$.MODULE$.apply(Object.class));
  }
}

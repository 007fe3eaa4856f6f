package dev.mtforge.udfs.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.testing.SparkTestSession;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/** The analysis functions shipped to executors survive Java and Kryo serialization and compute the same. */
class AnalysisFunctionsSerializationTest {

  @Test
  void pairedDeltasRoundTrips() throws Exception {
    PairedDeltas f = new PairedDeltas(100, 3);
    List<Row> segments = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      // out of order on purpose: the function sorts by (doc_id, seg_id)
      segments.add(RowFactory.create(i % 2 == 0 ? "b" : "a", 12 - i, null, 0.5 + 0.01 * i, null, 0.5 + 0.005 * i));
    }
    // Spark hands array columns to functions as Scala sequences
    Row pair = RowFactory.create("sys", "flores200", "devtest", "de", "en", "comet",
        scala.collection.JavaConverters.asScalaBuffer(segments).toSeq());
    Row expected = f.call(pair);
    assertThat(expected.getDouble(6) - expected.getDouble(7)).isCloseTo(0.0275, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(expected.getLong(9)).isEqualTo(12);
    assertThat(javaRoundTrip(f).call(pair)).isEqualTo(expected);
    assertThat(kryoRoundTrip(f).call(pair)).isEqualTo(expected);
  }

  @Test
  void languageVerdictsRoundTrips() throws Exception {
    LanguageRegistry registry = LanguageRegistry.load(SparkTestSession.repoRoot().resolve("conf"));
    StructType input = new StructType().add("tgt_lang", DataTypes.StringType).add("hypothesis", DataTypes.StringType);
    LanguageVerdicts f = new LanguageVerdicts(List.of(registry.language("de"), registry.language("en")), input);
    List<Row> rows = List.of(RowFactory.create("en", "The house is small and the river is old."),
        RowFactory.create("en", "Das Haus ist klein und der Fluss ist alt."), RowFactory.create("en", "42 !"));
    List<Row> expected = new ArrayList<>();
    f.call(rows.iterator()).forEachRemaining(expected::add);
    assertThat(expected).extracting(Row::toString).containsExactly(
        "[en,The house is small and the river is old.,en,false]",
        "[en,Das Haus ist klein und der Fluss ist alt.,de,true]",
        "[en,42 !,null,null]");
    List<Row> java = new ArrayList<>();
    javaRoundTrip(f).call(rows.iterator()).forEachRemaining(java::add);
    assertThat(java).isEqualTo(expected);
    List<Row> kryo = new ArrayList<>();
    kryoRoundTrip(f).call(rows.iterator()).forEachRemaining(kryo::add);
    assertThat(kryo).isEqualTo(expected);
    assertThat(LanguageVerdicts.output(input).fieldNames()).containsExactly("tgt_lang", "hypothesis", "detected_lang",
        "off_target");
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

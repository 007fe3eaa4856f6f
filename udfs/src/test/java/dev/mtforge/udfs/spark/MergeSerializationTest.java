package dev.mtforge.udfs.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.udfs.tensor.merge.AdapterMergePlan;
import dev.mtforge.udfs.tensor.merge.AdapterMergePlan.NamedAdapter;
import dev.mtforge.udfs.tensor.merge.MergeOptions;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import scala.reflect.ClassTag$;

/** What the merge ships to executors survives Java serialization, and task results survive Kryo. */
class MergeSerializationTest {
  private static final Path SAMPLES = Path.of(System.getProperty("mtforge.repo.root", ".."))
      .resolve("sample-data/adapters/xx-en");

  @Test
  void planAndFunctionsRoundTripThroughJavaSerialization() throws Exception {
    AdapterMergePlan plan = AdapterMergePlan.create(TensorFiles.local(), List.of(
        new NamedAdapter("de", SAMPLES.resolve("de").toString()), new NamedAdapter("nl", SAMPLES.resolve("nl").toString())),
        MergeOptions.parse(Map.of(MergeOptions.METHOD, "ties", MergeOptions.PRESET, "ties-paper")));
    AdapterMergePlan copy = javaRoundTrip(plan);
    assertThat(copy.modules()).hasSize(14);
    assertThat(copy.options()).isEqualTo(plan.options());
    assertThat(copy.outputSpecs()).isEqualTo(plan.outputSpecs());
    assertThat(copy.adapters()).isEqualTo(plan.adapters());
    Configuration conf = new Configuration(false);
    conf.set("fs.s3a.endpoint", "http://127.0.0.1:9000");
    assertThat(javaRoundTrip(new SerializableHadoopConf(conf)).get().get("fs.s3a.endpoint"))
        .isEqualTo("http://127.0.0.1:9000");
  }

  /**
   * A broadcast goes through the session's serializer (Kryo in every profile), which skips
   * transient fields and ignores writeObject/readObject: the executor of a real cluster once got a
   * null configuration here while local mode, which never deserializes a broadcast, passed.
   */
  @Test
  void hadoopConfRoundTripsThroughKryo() {
    Configuration conf = new Configuration(false);
    conf.set("fs.s3a.endpoint", "http://127.0.0.1:9000");
    SerializerInstance kryo = new KryoSerializer(new SparkConf()).newInstance();
    SerializableHadoopConf copy = kryo.deserialize(
        kryo.serialize(new SerializableHadoopConf(conf), ClassTag$.MODULE$.apply(SerializableHadoopConf.class)),
        ClassTag$.MODULE$.apply(SerializableHadoopConf.class));
    assertThat(copy.get()).isNotNull();
    assertThat(copy.get().get("fs.s3a.endpoint")).isEqualTo("http://127.0.0.1:9000");
  }

  @Test
  void mergedModulesRoundTripThroughKryo() {
    SerializerInstance kryo = new KryoSerializer(new SparkConf()).newInstance();
    MergeModulesFunction.Merged merged = new MergeModulesFunction.Merged();
    merged.index = 3;
    merged.a = new float[] {1f, -2f};
    merged.b = new float[] {0.5f};
    merged.stats = new long[] {1, 2, 3, 4};
    MergeModulesFunction.Merged copy = kryo.deserialize(
        kryo.serialize(merged, ClassTag$.MODULE$.apply(MergeModulesFunction.Merged.class)),
        ClassTag$.MODULE$.apply(MergeModulesFunction.Merged.class));
    assertThat(copy.index).isEqualTo(3);
    assertThat(copy.a).containsExactly(1f, -2f);
    assertThat(copy.b).containsExactly(0.5f);
    assertThat(copy.stats).containsExactly(1, 2, 3, 4);
    long[][] histograms = {{1, 2}, {3}};
    long[][] histogramsCopy = kryo.deserialize(kryo.serialize(histograms, ClassTag$.MODULE$.apply(long[][].class)),
        ClassTag$.MODULE$.apply(long[][].class));
    assertThat(histogramsCopy).isDeepEqualTo(histograms);
  }

  @SuppressWarnings("unchecked")
  private static <T> T javaRoundTrip(T value) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }
}

package dev.mtforge.udfs.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mtforge.udfs.metrics.Comet;
import dev.mtforge.udfs.metrics.MetricSpec;
import dev.mtforge.udfs.metrics.comet.CometPackage;
import dev.mtforge.udfs.metrics.comet.CometSpec;
import dev.mtforge.udfs.metrics.comet.TinyComet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/**
 * The executor function outside Spark: it survives Java serialization (how Spark ships task
 * closures), and scores every system of a segment row with the package's signature and
 * fixed-point statistics.
 */
class CometSegmentScorerTest {
  @Test
  void roundTripsThroughJavaSerializationAndScoresEverySystem() throws Exception {
    CometSpec da = new CometSpec(TinyComet.regression().toString(), CometPackage.open(TinyComet.regression()).manifest());
    CometSpec kiwi = new CometSpec(TinyComet.unified().toString(), CometPackage.open(TinyComet.unified()).manifest());
    CometSegmentScorer.Settings settings = new CometSegmentScorer.Settings(
        List.of(MetricSpec.comet("comet", da), MetricSpec.comet("cometkiwi", kiwi)), 512, 8, 2, 1, "cpu");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(new CometSegmentScorer(settings, null));
    }
    CometSegmentScorer copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (CometSegmentScorer) in.readObject();
    }
    List<Row> rows = new ArrayList<>();
    for (int seg = 1; seg <= 3; seg++) {
      rows.add(RowFactory.create("flores", "devtest", "de", "en", null, seg, "Guten Morgen " + seg + ".",
          "Good morning " + seg + ".", seq(List.of(RowFactory.create("sysA", "Good morning."),
              RowFactory.create("sysB", "Morning " + seg + ".")))));
    }
    List<Row> out = new ArrayList<>();
    for (Iterator<Row> it = copy.call(rows.iterator()); it.hasNext(); ) {
      out.add(it.next());
    }
    assertThat(out).hasSize(3 * 2 * 2);
    Row first = out.get(0);
    assertThat(first.getString(0)).isEqualTo("sysA");
    assertThat(first.getInt(6)).isEqualTo(1);
    assertThat(first.getString(7)).isEqualTo("COMET");
    assertThat(first.getString(8)).isEqualTo(new Comet(da.manifest()).signature(1).format());
    assertThat(first.getString(8)).startsWith("nrefs:1|model:tiny-comet-da|class:regression_metric|mix:sparsemax"
        + "|dtype:float32|version:mtforge-");
    assertThat((long[]) first.get(10)).containsExactly(Math.round(first.getDouble(9) * 4294967296.0), 1L);
    assertThat(first.getInt(11)).isEqualTo(1);
    Row kiwiRow = out.get(1);
    assertThat(kiwiRow.getString(7)).isEqualTo("CometKiwi");
    assertThat(kiwiRow.getString(8)).startsWith("nrefs:0|model:tiny-cometkiwi-da|class:unified_metric|mix:softmax");
    assertThat(kiwiRow.getInt(11)).isZero();
  }

  /** An array column's value as Spark hands it to a function (a Scala Seq). */
  private static scala.collection.Seq<Row> seq(List<Row> rows) {
    return scala.collection.JavaConverters.asScalaBufferConverter(rows).asScala().toSeq();
  }
}

package dev.mtforge.jobs.analysis;

import static dev.mtforge.jobs.analysis.AnalysisFixtures.REGISTRY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtforge.jobs.systems.SystemRow;
import dev.mtforge.schemas.tables.SystemStrategy;
import dev.mtforge.testing.SparkTestSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * DAT against DATM on known scores and the sample adapters' real files: deltas per group and
 * direction, parameters merged away, and the per-parameter cost of one direction against xx-en.
 */
class MergeCostTest {
  private static final Path ADAPTERS = SparkTestSession.repoRoot().resolve("sample-data/adapters/xx-en");

  /** Parameters of one sample adapter, read from its safetensors header with plain Jackson. */
  private static long parameters(String lang) throws IOException {
    byte[] file = Files.readAllBytes(ADAPTERS.resolve(lang).resolve("adapter_model.safetensors"));
    long headerLength = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    JsonNode header = new ObjectMapper().readTree(new String(file, 8, (int) headerLength, java.nio.charset.StandardCharsets.UTF_8));
    long total = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> tensor = it.next();
      if (!tensor.getKey().equals("__metadata__")) {
        long n = 1;
        for (JsonNode d : tensor.getValue().get("shape")) {
          n *= d.asLong();
        }
        total += n;
      }
    }
    return total;
  }

  private static String path(String lang) {
    return ADAPTERS.resolve(lang).toString();
  }

  @Test
  void deltasPerMergedParameterPerGroupAndDirection() throws IOException {
    long p = parameters("de");
    assertThat(p).isEqualTo(parameters("es")).isPositive(); // every sample adapter has the same shapes
    Map<String, SystemRow> systems = new HashMap<>();
    systems.put("dat", new SystemRow("dat", "translate", SystemStrategy.DAT, "tiny", List.of(),
        Map.of("de-en", "dat-de", "nl-en", "dat-nl", "es-en", "dat-es", "en-de", "dat-g1"), Map.of(), null, null, null));
    systems.put("datm", new SystemRow("datm", "translate", SystemStrategy.DATM, "tiny", List.of(),
        Map.of("de-en", "m-g1", "nl-en", "m-g1", "es-en", "m-g2", "en-de", "m-en-g1"), Map.of(), null, null, null));
    // a DAT system of another model is no reference for this DATM
    systems.put("big-dat", new SystemRow("big-dat", "translate", SystemStrategy.DAT, "big", List.of(), Map.of(),
        Map.of(), null, null, null));
    List<MergeCost.Merge> merges = List.of(
        new MergeCost.Merge("merge-1", "m-g1", 1, List.of(path("de"), path("nl"), path("sv")), path("de")),
        new MergeCost.Merge("merge-2", "m-g2", 2, List.of(path("es"), path("it"), path("pt")), path("es")),
        new MergeCost.Merge("merge-3", "m-en-g1", 1, List.of(path("de"), path("nl")), path("sv")));
    List<PairScore> scores = List.of(
        score("dat", "de", "en", 0.80), score("dat", "nl", "en", 0.82), score("dat", "es", "en", 0.85),
        score("dat", "en", "de", 0.78),
        score("datm", "de", "en", 0.79), score("datm", "nl", "en", 0.80), score("datm", "es", "en", 0.84),
        score("datm", "en", "de", 0.70),
        score("big-dat", "de", "en", 0.50));

    List<Row> rows = new MergeCost(REGISTRY, new AdapterParameters(new Configuration()))
        .rows(List.of("dat", "datm", "big-dat"), systems, scores, merges);

    Map<String, Row> byCell = new HashMap<>();
    for (Row r : rows) {
      assertThat(r.getString(0)).isEqualTo("datm");
      assertThat(r.getString(1)).isEqualTo("dat");
      byCell.put(r.getString(5) + " " + (r.isNullAt(6) ? "all" : "g" + r.getInt(6)), r);
    }
    assertThat(byCell.keySet()).containsExactlyInAnyOrder("xx-en all", "xx-en g1", "xx-en g2", "en-xx all", "en-xx g1");
    assertRow(byCell.get("xx-en g1"), 2, (-0.01 - 0.02) / 2, 1, 3, 3 * p, p);
    assertRow(byCell.get("xx-en g2"), 1, -0.01, 1, 3, 3 * p, p);
    double xxEn = (-0.01 - 0.02 - 0.01) / 3;
    assertRow(byCell.get("xx-en all"), 3, xxEn, 2, 6, 6 * p, 2 * p);
    assertRow(byCell.get("en-xx all"), 1, -0.08, 1, 2, 2 * p, p);
    assertThat(byCell.get("xx-en all").isNullAt(17)).isTrue();
    assertThat(byCell.get("en-xx g1").isNullAt(17)).as("the ratio is a direction row's").isTrue();
    // en-xx lost 0.08 for p merged parameters, xx-en 0.0133 for 4p: 24 times more per parameter
    assertThat(byCell.get("en-xx all").getDouble(17)).isCloseTo((-0.08 / p) / (xxEn / (4 * p)), within(1e-9))
        .isCloseTo(24.0, within(1e-9));
  }

  @Test
  void unreadableAdapterFilesLeaveTheParametersUnknown() {
    Map<String, SystemRow> systems = Map.of(
        "dat", new SystemRow("dat", "translate", SystemStrategy.DAT, null, null, Map.of("de-en", "a"), Map.of(), null, null, null),
        "datm", new SystemRow("datm", "translate", SystemStrategy.DATM, null, null, Map.of("de-en", "m"), Map.of(), null, null, null));
    List<Row> rows = new MergeCost(REGISTRY, new AdapterParameters(new Configuration())).rows(List.of("dat", "datm"),
        systems, List.of(score("dat", "de", "en", 0.8), score("datm", "de", "en", 0.7)),
        List.of(new MergeCost.Merge("x", "m", 1, List.of("/no/such/adapter"), path("de"))));
    assertThat(rows).hasSize(2);
    Row all = rows.stream().filter(r -> r.isNullAt(6)).findFirst().orElseThrow();
    assertThat(all.getDouble(10)).isCloseTo(-0.1, within(1e-12));
    assertThat(all.isNullAt(13)).isTrue();
    assertThat(all.isNullAt(16)).isTrue();
  }

  private static void assertRow(Row r, int pairs, double delta, int merges, int inputs, long in, long out) {
    assertThat(r.getInt(7)).isEqualTo(pairs);
    assertThat(r.getDouble(10)).isCloseTo(delta, within(1e-12));
    assertThat(r.getDouble(9) - r.getDouble(8)).isCloseTo(delta, within(1e-12));
    assertThat(r.getInt(11)).isEqualTo(merges);
    assertThat(r.getInt(12)).isEqualTo(inputs);
    assertThat(r.getLong(13)).isEqualTo(in);
    assertThat(r.getLong(14)).isEqualTo(out);
    assertThat(r.getLong(15)).isEqualTo(in - out);
    assertThat(r.getDouble(16)).isCloseTo(delta / (in - out) * 1e6, within(1e-9));
  }

  private static PairScore score(String system, String src, String tgt, double score) {
    return new PairScore(system, "flores200", "devtest", src, tgt, "comet", score);
  }
}

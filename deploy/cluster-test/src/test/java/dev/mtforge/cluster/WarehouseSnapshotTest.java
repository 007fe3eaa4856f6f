package dev.mtforge.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The table comparison tolerates COMET's float32 noise and nothing else. */
class WarehouseSnapshotTest {

  @Test
  void floatsWithinTheToleranceMatch() {
    // the scores local mode and the cluster wrote for one COMET segment (StandaloneClusterIT, 2026-12-02)
    List<String> local = List.of("{\"seg_id\":14,\"metric\":\"COMET\",\"score\":-0.9571910500526428}",
        "{\"seg_id\":15,\"metric\":\"BLEU\",\"score\":12.5,\"stats\":[3,4]}");
    List<String> cluster = List.of("{\"seg_id\":14,\"metric\":\"COMET\",\"score\":-0.9571911096572876}",
        "{\"seg_id\":15,\"metric\":\"BLEU\",\"score\":12.5,\"stats\":[3,4]}");
    assertThat(WarehouseSnapshot.sameWithinTolerance(local, cluster)).isTrue();
  }

  @Test
  void anyOtherDifferenceFails() {
    List<String> local = List.of("{\"seg_id\":14,\"score\":0.5,\"stats\":[3,4]}");
    assertThat(WarehouseSnapshot.sameWithinTolerance(local, List.of("{\"seg_id\":14,\"score\":0.5001,\"stats\":[3,4]}")))
        .as("a float beyond the tolerance").isFalse();
    assertThat(WarehouseSnapshot.sameWithinTolerance(local, List.of("{\"seg_id\":14,\"score\":0.5,\"stats\":[3,5]}")))
        .as("an integer").isFalse();
    assertThat(WarehouseSnapshot.sameWithinTolerance(local, List.of("{\"seg_id\":15,\"score\":0.5,\"stats\":[3,4]}")))
        .as("a key").isFalse();
    assertThat(WarehouseSnapshot.sameWithinTolerance(local,
        List.of("{\"seg_id\":14,\"score\":0.5,\"stats\":[3,4]}", "{\"seg_id\":14,\"score\":0.5,\"stats\":[3,4]}")))
        .as("a duplicated row").isFalse();
  }
}

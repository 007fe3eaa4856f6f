package dev.mtforge.schemas.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TablesTest {
  @Test
  void everyContractEndsWithLineage() {
    assertThat(Tables.ALL)
        .extracting(TableContract::name)
        .containsExactly(
            "languages", "parallel_sentences", "paragraph_sentences", "rejected_pairs",
            "wmt_system_outputs", "data_stats",
            "training_shards", "translations", "segment_scores", "system_scores", "adapters",
            "merges", "systems", "analysis_deltas", "analysis_curves", "analysis_merge_cost",
            "analysis_off_target");
    for (TableContract table : Tables.ALL) {
      List<String> columns = table.columnNames();
      assertThat(columns.subList(columns.size() - 3, columns.size()))
          .as(table.name())
          .containsExactly("run_id", "created_at", "source");
      assertThat(table.keyColumns()).as(table.name()).isNotEmpty();
    }
  }

  @Test
  void createTableSql() {
    TableContract t =
        TableContract.of("t", "a STRING NOT NULL, b INT", List.of("a"), List.of("a", "b"), "It's a test.");
    assertThat(t.createTableSql("`t`", "file:/w/t"))
        .isEqualTo(
            "CREATE TABLE IF NOT EXISTS `t` (a STRING NOT NULL,b INT,run_id STRING NOT NULL,"
                + "created_at TIMESTAMP NOT NULL,source STRING) USING delta PARTITIONED BY (a)"
                + " COMMENT 'It\\'s a test.' LOCATION 'file:/w/t'");
  }

  @Test
  void contractsRejectUnknownColumns() {
    assertThatThrownBy(() -> TableContract.of("t", "a STRING", List.of("x"), List.of("a"), "doc"))
        .hasMessage("Table t: partition column 'x' is not in the schema");
    assertThatThrownBy(() -> TableContract.of("t", "a STRING", List.of(), List.of("y"), "doc"))
        .hasMessage("Table t: key column 'y' is not in the schema");
    assertThatThrownBy(() -> TableContract.of("t", "run_id STRING", List.of(), List.of(), "doc"))
        .hasMessage("Table t declares lineage column 'run_id' itself");
    assertThatThrownBy(() -> Tables.byName("nope"))
        .hasMessageStartingWith("Unknown table 'nope'; known: languages, parallel_sentences,");
  }
}

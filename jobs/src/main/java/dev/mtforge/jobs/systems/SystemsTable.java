package dev.mtforge.jobs.systems;

import static org.apache.spark.sql.functions.col;

import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.tables.Tables;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and records rows of the {@code systems} table. Recording is an upsert on
 * {@code system_id} over the row already there ({@link SystemRow#over}), so a translate run that
 * adds directions to a system keeps the adapters of the earlier runs.
 */
public final class SystemsTable {
  private static final Logger LOG = LoggerFactory.getLogger(SystemsTable.class);

  private final Warehouse warehouse;

  public SystemsTable(Warehouse warehouse) {
    this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
  }

  /** The rows of these system ids that the table has, by id. */
  public Map<String, SystemRow> read(Collection<String> systemIds) {
    Map<String, SystemRow> out = new TreeMap<>();
    if (systemIds.isEmpty()) {
      return out;
    }
    for (Row row : warehouse.read(Tables.SYSTEMS).where(col("system_id").isin(systemIds.toArray())).collectAsList()) {
      SystemRow system = SystemRow.fromRow(row);
      out.put(system.systemId(), system);
    }
    return out;
  }

  /** The row of one system, if recorded. */
  public Optional<SystemRow> find(String systemId) {
    return Optional.ofNullable(read(List.of(systemId)).get(systemId));
  }

  /** Records rows over the ones already there, in one MERGE; returns the rows written or changed. */
  public long record(Collection<SystemRow> systems, RunContext run, String source) {
    Map<String, SystemRow> earlier = read(systems.stream().map(SystemRow::systemId).toList());
    List<Row> rows = new ArrayList<>();
    for (SystemRow system : systems) {
      SystemRow before = earlier.get(system.systemId());
      if (before != null && !before.decoding().equals(system.decoding())) {
        LOG.warn("System {} was recorded with decoding {}; this run used {} (the row now says so)",
            system.systemId(), before.decoding(), system.decoding());
      }
      rows.add(system.over(before).toRow());
    }
    var frame = warehouse.spark().createDataFrame(rows, Tables.SYSTEMS.dataSchema());
    return warehouse.upsert(Tables.SYSTEMS, run.stamp(frame, source));
  }
}

package dev.mtforge.udfs.spark;

import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.udfs.readers.RawPair;
import dev.mtforge.udfs.readers.ReadUnit;
import dev.mtforge.udfs.readers.UnitReader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads {@link ReadUnit}s on executors into rows of {@link #SCHEMA}: each task opens its unit's
 * files through Hadoop, checks their alignment and emits one row per pair or system output.
 *
 * <p>Rejected input does not fail the task: it becomes one row with {@code error} set (the
 * message) and {@code source_file} (the location), which the driver turns back into an
 * {@link dev.mtforge.schemas.InvalidInputException}. Spark does not keep a task's exception as
 * the cause of the job failure, so this is how the exact message reaches the user.
 *
 * <pre>{@code
 * Dataset<Row> raw = spark.createDataset(units, Encoders.javaSerialization(ReadUnit.class))
 *     .repartition(units.size())
 *     .flatMap(new ReadUnitsFunction(new HadoopSourceFiles(hadoopConf)), Encoders.row(SCHEMA));
 * }</pre>
 */
public final class ReadUnitsFunction implements FlatMapFunction<ReadUnit, Row> {
  /** Columns of a raw pair row; {@code system} is set for WMT system outputs only. */
  public static final StructType SCHEMA =
      new StructType()
          .add("dataset", DataTypes.StringType, false)
          .add("split", DataTypes.StringType, false)
          .add("doc_id", DataTypes.StringType, true)
          .add("seg_id", DataTypes.IntegerType, false)
          .add("src_lang", DataTypes.StringType, false)
          .add("tgt_lang", DataTypes.StringType, false)
          .add("src_text", DataTypes.StringType, false)
          .add("tgt_text", DataTypes.StringType, false)
          .add("extra_refs", DataTypes.createArrayType(DataTypes.StringType), true)
          .add("system", DataTypes.StringType, true)
          .add("source_file", DataTypes.StringType, false)
          .add("both_directions", DataTypes.BooleanType, false)
          .add("error", DataTypes.StringType, true);

  private final HadoopSourceFiles files;

  public ReadUnitsFunction(HadoopSourceFiles files) {
    this.files = files;
  }

  @Override
  public Iterator<Row> call(ReadUnit unit) {
    List<RawPair> pairs;
    try {
      pairs = UnitReader.read(unit, files);
    } catch (InvalidInputException e) {
      return List.of(RowFactory.create(unit.dataset(), unit.split(), null, 0, unit.srcLang(), unit.tgtLang(), "", "",
          null, null, e.location().orElse(unit.srcPath()), false, e.getMessage())).iterator();
    }
    List<Row> rows = new ArrayList<>(pairs.size());
    for (RawPair p : pairs) {
      rows.add(RowFactory.create(p.dataset(), p.split(), p.docId(), p.segId(), p.srcLang(), p.tgtLang(),
          p.srcText(), p.tgtText(), p.extraRefs().isEmpty() ? null : p.extraRefs().toArray(new String[0]),
          p.system(), p.sourceFile(), p.bothDirections(), null));
    }
    return rows.iterator();
  }
}

package dev.mtforge.udfs.spark;

import dev.mtforge.schemas.languages.Language;
import dev.mtforge.udfs.filters.FilterSettings;
import dev.mtforge.udfs.filters.PairFilters;
import dev.mtforge.udfs.langid.LanguageIdentifier;
import dev.mtforge.udfs.langid.LinguaAccuracy;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code (src_text, tgt_text, src_lang, tgt_lang) -> array<struct<reason, detail>>}: the
 * {@link PairFilters} problems of a pair, computed on executors with the JVM's shared
 * {@link LanguageIdentifier} for the run's languages.
 */
public final class PairCheckUdf implements UDF4<String, String, String, String, List<Row>> {
  /** Element type of the result. */
  public static final StructType PROBLEM =
      new StructType().add("reason", DataTypes.StringType, false).add("detail", DataTypes.StringType, true);
  /** Return type to register the UDF with. */
  public static final DataType RETURN_TYPE = DataTypes.createArrayType(PROBLEM, false);

  private final List<Language> languages;
  private final FilterSettings settings;
  private final LinguaAccuracy accuracy;

  public PairCheckUdf(List<Language> languages, FilterSettings settings) {
    this(languages, settings, LinguaAccuracy.HIGH);
  }

  /** Checks with lingua in the given mode ({@code OFF}: script check only). */
  public PairCheckUdf(List<Language> languages, FilterSettings settings, LinguaAccuracy accuracy) {
    this.languages = List.copyOf(languages);
    this.settings = settings;
    this.accuracy = accuracy;
  }

  @Override
  public List<Row> call(String src, String tgt, String srcLang, String tgtLang) {
    LanguageIdentifier id = LanguageIdentifier.shared(languages, accuracy);
    List<Row> rows = new ArrayList<>();
    for (PairFilters.Problem p : PairFilters.check(src, tgt, srcLang, tgtLang, settings, id)) {
      rows.add(RowFactory.create(p.reason(), p.detail()));
    }
    return rows;
  }
}

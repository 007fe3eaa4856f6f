package dev.mtforge.udfs.spark;

import dev.mtforge.schemas.languages.Language;
import dev.mtforge.udfs.langid.LanguageCheck;
import dev.mtforge.udfs.langid.LanguageIdentifier;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Adds the off-target verdict of a hypothesis to each row, with the rule translate applies to its
 * own outputs: the JVM's shared {@link LanguageIdentifier} for the run's languages checks the
 * text against the row's {@code tgt_lang}; a text without letters gets no verdict (empty output
 * is a failure, not another language). Appends {@code detected_lang} and {@code off_target} to the
 * input columns.
 */
public final class LanguageVerdicts implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final ArrayList<Language> languages;
  private final int hypothesisColumn;
  private final int targetColumn;

  /**
   * @param languages every language of the rows (lingua models are loaded for these only)
   * @param input the input schema, which must have {@code hypothesis} and {@code tgt_lang}
   */
  public LanguageVerdicts(List<Language> languages, StructType input) {
    this.languages = new ArrayList<>(languages);
    this.hypothesisColumn = input.fieldIndex("hypothesis");
    this.targetColumn = input.fieldIndex("tgt_lang");
  }

  /** The output schema: the input's plus {@code detected_lang} and {@code off_target}. */
  public static StructType output(StructType input) {
    return input.add("detected_lang", DataTypes.StringType).add("off_target", DataTypes.BooleanType);
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    LanguageIdentifier identifier = LanguageIdentifier.shared(languages);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        Row in = rows.next();
        String text = in.isNullAt(hypothesisColumn) ? "" : in.getString(hypothesisColumn);
        LanguageIdentifier.Identification id =
            text.codePoints().anyMatch(Character::isLetter) ? identifier.identify(text, in.getString(targetColumn)) : null;
        LanguageCheck check = id == null ? null : id.check();
        Object[] values = new Object[in.length() + 2];
        for (int i = 0; i < in.length(); i++) {
          values[i] = in.get(i);
        }
        values[in.length()] = id == null ? null : id.detected().orElse(null);
        values[in.length() + 1] = check == null ? null : !check.ok();
        return RowFactory.create(values);
      }
    };
  }
}

package dev.mtforge.udfs.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoSerializable;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.mtforge.schemas.languages.Language;
import dev.mtforge.udfs.langid.LanguageCheck;
import dev.mtforge.udfs.langid.LanguageIdentifier;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
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
public final class LanguageVerdicts implements MapPartitionsFunction<Row, Row>, KryoSerializable {
  private static final long serialVersionUID = 1L;

  private ArrayList<Language> languages;
  private int hypothesisColumn;
  private int targetColumn;

  /**
   * @param languages every language of the rows (lingua models are loaded for these only)
   * @param input the input schema, which must have {@code hypothesis} and {@code tgt_lang}
   */
  public LanguageVerdicts(List<Language> languages, StructType input) {
    this.languages = new ArrayList<>(languages);
    this.hypothesisColumn = input.fieldIndex("hypothesis");
    this.targetColumn = input.fieldIndex("tgt_lang");
  }

  // Kryo's FieldSerializer cannot build records (Language); carry the languages as Java bytes
  @Override
  public void write(Kryo kryo, Output output) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(languages);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot serialize languages " + languages, e);
    }
    output.writeInt(bytes.size());
    output.writeBytes(bytes.toByteArray());
    output.writeInt(hypothesisColumn);
    output.writeInt(targetColumn);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void read(Kryo kryo, Input input) {
    byte[] bytes = input.readBytes(input.readInt());
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      this.languages = (ArrayList<Language>) in.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalStateException("Cannot deserialize languages", e);
    }
    this.hypothesisColumn = input.readInt();
    this.targetColumn = input.readInt();
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

package dev.mtforge.udfs.spark;

import dev.mtforge.udfs.filters.TextNormalizer;
import org.apache.spark.sql.api.java.UDF1;

/** {@code text -> normalized text} for contamination joins ({@link TextNormalizer}). */
public final class NormalizeUdf implements UDF1<String, String> {
  @Override
  public String call(String text) {
    return TextNormalizer.normalize(text);
  }
}

package dev.mtforge.schemas.tables;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Quoting for the few values mtforge must put into SQL text (table locations, database names):
 * whatever a user passes stays a value or a name and can never end the literal early. Everything
 * else a user names (system ids, dataset names, adapter ids) goes through the DataFrame API as
 * values, never into SQL text.
 */
public final class SqlText {
  private SqlText() {}

  /** A Spark SQL string literal: backslashes and single quotes escaped. */
  public static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** A backtick-quoted identifier; a backtick inside is doubled. */
  public static String identifier(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /**
   * A possibly qualified name ({@code catalog.schema} or {@code schema}): each dot-separated part
   * quoted as an identifier. A part cannot itself hold a dot.
   */
  public static String qualified(String name) {
    return Arrays.stream(name.split("\\.", -1)).map(SqlText::identifier).collect(Collectors.joining("."));
  }
}

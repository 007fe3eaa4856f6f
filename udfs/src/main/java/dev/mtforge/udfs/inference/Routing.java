package dev.mtforge.udfs.inference;

import dev.mtforge.schemas.InvalidOptionException;
import java.util.Locale;

/**
 * How a translation job picks the adapter of a language pair (BRIEF.md):
 *
 * <ul>
 *   <li>{@code none}: the base model.
 *   <li>{@code multilingual}: one adapter for every pair ({@code strategy = multilingual}; one per
 *       direction if the table has direction-specific ones).
 *   <li>{@code separate}: one adapter per pair: {@code strategy = separate}, the pair's direction,
 *       {@code language} = the non-English language.
 *   <li>{@code group}: one adapter per group and direction: {@code strategy = group}, {@code group_id}
 *       = the non-English language's group.
 *   <li>{@code dat}: xx→en per language ({@code strategy = dat, direction = xx-en, language = xx}),
 *       en→xx per group ({@code strategy = dat, direction = en-xx, group_id}).
 *   <li>{@code datm}: as dat for en→xx; xx→en uses the TIES merge of the group's adapters (the
 *       {@code merges} row with {@code direction = xx-en} and the group).
 * </ul>
 */
public enum Routing {
  NONE,
  MULTILINGUAL,
  SEPARATE,
  GROUP,
  DAT,
  DATM;

  /** Parses the lower-case name ({@code dat}). */
  public static Routing parse(String value) {
    for (Routing r : values()) {
      if (r.label().equals(value.toLowerCase(Locale.ROOT))) {
        return r;
      }
    }
    throw new InvalidOptionException(
        "Unknown routing '" + value + "'; known: none, multilingual, separate, group, dat, datm");
  }

  /** The name used in options and the {@code strategy} column. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}

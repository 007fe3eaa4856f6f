package dev.mtforge.schemas.languages;

import java.io.Serializable;
import java.util.List;

/**
 * A language group: the unit of the DAT en→xx adapters and of the DATM merge.
 *
 * @param id group number (1-based, as in the paper)
 * @param name display name
 * @param members its languages except English, in registry order
 */
public record LanguageGroup(int id, String name, List<Language> members) implements Serializable {
  public LanguageGroup {
    members = List.copyOf(members);
  }

  @Override
  public String toString() {
    return "group " + id + " (" + name + ")";
  }
}

package dev.mtforge.jobs.multiway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.schemas.languages.LanguageRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing and resolving {@code --directions} / {@code inference.languages}, without Spark. */
class DirectionSpecTest {
  private static final LanguageRegistry REGISTRY = LanguageRegistry.defaults();

  private static DirectionSpec parse(String directions, String languages) {
    return DirectionSpec.parse(directions, languages, "inference.directions", "inference.languages", REGISTRY);
  }

  @Test
  void allIsEveryOrderedPairOfTheTestSetsLanguagesOrOfSomeOfThem() {
    List<String> flores = List.of("cs", "de", "en", "zh");
    assertThat(parse("all", null).resolve(flores, "flores200:devtest")).hasSize(12)
        .startsWith(new Direction("cs", "de"), new Direction("cs", "en")).endsWith(new Direction("zh", "en"));
    assertThat(parse("ALL", "zh, de").resolve(flores, "f")).containsExactly(new Direction("de", "zh"),
        new Direction("zh", "de"));
    assertThat(parse("all", "de,cs").describe()).isEqualTo("all of de, cs");
    assertThatThrownBy(() -> parse("all", "de,ja").resolve(flores, "flores200:devtest"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Test set flores200:devtest has no segments in ja; its languages: cs, de, en, zh");
  }

  @Test
  void listsKeepTheirOrderAndDropRepeats() {
    DirectionSpec spec = parse("de-cs, zh-ja,de-cs", "");
    assertThat(spec.storedOnly()).isFalse();
    assertThat(spec.resolve(List.of(), "x")).containsExactly(new Direction("de", "cs"), new Direction("zh", "ja"));
    assertThat(new Direction("de", "cs").kind()).isEqualTo("xx-yy");
    assertThat(new Direction("en", "cs").kind()).isEqualTo("en-xx");
    assertThat(parse(null, null).storedOnly()).isTrue();
  }

  @Test
  void badValuesNameTheOption() {
    assertThatThrownBy(() -> parse("de_en", null))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Invalid direction 'de_en' in option inference.directions; expected src-tgt such as de-en");
    assertThatThrownBy(() -> parse("de-de", null))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Invalid direction 'de-de' in option inference.directions: source and target are the same");
    assertThatThrownBy(() -> parse("de-xx", null))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessageStartingWith("Unknown language 'xx' in option inference.directions; known: af, ar, az,");
    assertThatThrownBy(() -> parse("de-cs", "de,cs"))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Option inference.languages restricts inference.directions = all; got inference.directions = 'de-cs'");
    assertThatThrownBy(() -> parse("all", "de"))
        .isInstanceOf(InvalidOptionException.class)
        .hasMessage("Option inference.languages needs two languages or more to make a direction, got de");
  }
}

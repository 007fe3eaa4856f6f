package dev.mtforge.udfs.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.testing.SparkTestSession;
import dev.mtforge.udfs.inference.AdapterRouter.AdapterRow;
import dev.mtforge.udfs.inference.AdapterRouter.MergeRow;
import dev.mtforge.udfs.inference.AdapterRouter.Route;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Routing of every strategy over one adapters table (de: group 1, fr: group 4, ru: group 3). */
class AdapterRouterTest {
  static final LanguageRegistry REGISTRY = LanguageRegistry.load(SparkTestSession.repoRoot().resolve("conf"));

  static final List<AdapterRow> ADAPTERS = List.of(
      new AdapterRow("multi", "/a/multi", "multilingual", null, null, null),
      new AdapterRow("sep-de-en", "/a/sep-de-en", "separate", "xx-en", "de", null),
      new AdapterRow("sep-en-de", "/a/sep-en-de", "separate", "en-xx", "de", null),
      new AdapterRow("grp-1-xx-en", "/a/g1x", "group", "xx-en", null, 1),
      new AdapterRow("grp-1-en-xx", "/a/g1e", "group", "en-xx", null, 1),
      new AdapterRow("dat-de-en", "/a/dat-de-en", "dat", "xx-en", "de", null),
      // as RegisterAdaptersJob writes per-language rows: with the language's group id
      new AdapterRow("dat-fr-en", "/a/dat-fr-en", "dat", "xx-en", "fr", 4),
      new AdapterRow("dat-en-fr", "/a/dat-en-fr", "dat", "en-xx", "fr", 4),
      new AdapterRow("dat-en-g1", "/a/dat-en-g1", "dat", "en-xx", null, 1),
      new AdapterRow("dat-en-g4", "/a/dat-en-g4", "dat", "en-xx", null, 4));
  static final List<MergeRow> MERGES = List.of(
      new MergeRow("m1", "datm-g1-xx-en", "/a/datm-g1", "xx-en", 1),
      new MergeRow("m4", "datm-g4-xx-en", "/a/datm-g4", "xx-en", 4));

  static AdapterRouter router(String routing) {
    return new AdapterRouter(Routing.parse(routing), REGISTRY, ADAPTERS, MERGES);
  }

  @ParameterizedTest(name = "{0} {1}-{2} -> {3}")
  @CsvSource(nullValues = "null", value = {
    "none, de, en, null, null, null",
    "multilingual, de, en, multi, /a/multi, null",
    "multilingual, en, fr, multi, /a/multi, null",
    "separate, de, en, sep-de-en, /a/sep-de-en, null",
    "separate, en, de, sep-en-de, /a/sep-en-de, null",
    "group, de, en, grp-1-xx-en, /a/g1x, 1",
    "group, en, de, grp-1-en-xx, /a/g1e, 1",
    "dat, de, en, dat-de-en, /a/dat-de-en, null",
    "dat, fr, en, dat-fr-en, /a/dat-fr-en, null",
    "dat, en, de, dat-en-g1, /a/dat-en-g1, 1",
    "dat, en, fr, dat-en-g4, /a/dat-en-g4, 4",
    "datm, de, en, datm-g1-xx-en, /a/datm-g1, 1",
    "datm, fr, en, datm-g4-xx-en, /a/datm-g4, 4",
    "datm, en, fr, dat-en-g4, /a/dat-en-g4, 4",
  })
  void routesEachStrategy(String routing, String src, String tgt, String id, String path, Integer group) {
    assertThat(router(routing).route(src, tgt)).isEqualTo(new Route(id, path, group));
  }

  @Test
  void missingOrAmbiguousAdaptersNameWhatWasLookedFor() {
    assertThatThrownBy(() -> router("dat").route("ru", "en"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot route ru-en with routing dat: no row in table adapters with strategy = 'dat',"
            + " direction = 'xx-en', language = 'ru'; expected one");
    assertThatThrownBy(() -> router("datm").route("ru", "en"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot route ru-en with routing datm: no row in table merges with direction = 'xx-en',"
            + " group_id = 3; expected one");
    List<AdapterRow> twice = new java.util.ArrayList<>(ADAPTERS);
    twice.add(new AdapterRow("dat-de-en-v2", "/a/v2", "dat", "xx-en", "de", null));
    assertThatThrownBy(() -> new AdapterRouter(Routing.DAT, REGISTRY, twice, MERGES).route("de", "en"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot route de-en with routing dat: 2 rows (dat-de-en, dat-de-en-v2) in table adapters with"
            + " strategy = 'dat', direction = 'xx-en', language = 'de'; expected one");
    assertThatThrownBy(() -> router("dat").route("en", "ru"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot route en-ru with routing dat: no row in table adapters with strategy = 'dat',"
            + " direction = 'en-xx', language = null, group_id = 3; expected one");
    assertThatThrownBy(() -> router("group").route("de", "fr"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot route de-fr with routing group: it routes English-centric pairs only (xx-en, en-xx)");
  }
}

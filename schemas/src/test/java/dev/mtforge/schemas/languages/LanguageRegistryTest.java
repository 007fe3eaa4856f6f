package dev.mtforge.schemas.languages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.schemas.InvalidInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LanguageRegistryTest {
  private static final Path CONF =
      Path.of(System.getProperty("mtforge.repo.root", ".."), "conf");

  // The group table of BRIEF.md (Zheng et al. 2025, Table 6), language -> Flores-200 code.
  private static final Map<Integer, String> BRIEF_GROUPS =
      Map.of(
          1, "af:afr_Latn da:dan_Latn nl:nld_Latn de:deu_Latn is:isl_Latn no:nob_Latn sv:swe_Latn",
          2, "ca:cat_Latn gl:glg_Latn it:ita_Latn pt:por_Latn ro:ron_Latn es:spa_Latn",
          3, "bg:bul_Cyrl mk:mkd_Cyrl ru:rus_Cyrl sr:srp_Cyrl uk:ukr_Cyrl",
          4, "fr:fra_Latn id:ind_Latn mg:plt_Latn ms:zsm_Latn th:tha_Thai vi:vie_Latn",
          5, "cs:ces_Latn el:ell_Grek hu:hun_Latn lv:lvs_Latn lt:lit_Latn pl:pol_Latn",
          6, "zh:zho_Hans et:est_Latn fi:fin_Latn ka:kat_Geor ja:jpn_Jpan ko:kor_Hang",
          7, "gu:guj_Gujr hi:hin_Deva mr:mar_Deva ne:npi_Deva ur:urd_Arab",
          8, "ar:arb_Arab az:azj_Latn he:heb_Hebr kk:kaz_Cyrl ky:kir_Cyrl fa:pes_Arab tr:tur_Latn"
              + " uz:uzn_Latn");

  private final LanguageRegistry registry = LanguageRegistry.load(CONF);

  @Test
  void hasFiftyLanguagesInEightGroups() {
    assertThat(registry.languages()).hasSize(50);
    assertThat(registry.groups()).extracting(LanguageGroup::id).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    int members = registry.groups().stream().mapToInt(g -> g.members().size()).sum();
    assertThat(members).as("49 non-English languages, each in exactly one group").isEqualTo(49);
  }

  @Test
  void groupsMatchTheBrief() {
    for (Map.Entry<Integer, String> entry : BRIEF_GROUPS.entrySet()) {
      String actual =
          registry.group(entry.getKey()).members().stream()
              .map(l -> l.code() + ":" + l.floresCode())
              .collect(Collectors.joining(" "));
      assertThat(actual).as("group %d", entry.getKey()).isEqualTo(entry.getValue());
    }
  }

  @Test
  void englishIsThePivotOfEveryGroup() {
    Language en = registry.pivot();
    assertThat(en.code()).isEqualTo("en");
    assertThat(en.floresCode()).isEqualTo("eng_Latn");
    assertThat(en.groups()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(registry.groups()).allSatisfy(g -> assertThat(g.members()).doesNotContain(en));
  }

  @ParameterizedTest(name = "{0} = {1}, {2}, {3}, {4}")
  @CsvSource({
    "de, deu_Latn, German, Latn, HIGH",
    "no, nob_Latn, Norwegian, Latn, LOW",
    "mg, plt_Latn, Malagasy, Latn, LOW",
    "zh, zho_Hans, Chinese, Hans, HIGH",
    "ur, urd_Arab, Urdu, Arab, MID",
    "uz, uzn_Latn, Uzbek, Latn, LOW",
  })
  void languageAttributes(String code, String flores, String name, String script, ResourceLevel level) {
    Language language = registry.language(code);
    assertThat(language.floresCode()).isEqualTo(flores);
    assertThat(language.name()).isEqualTo(name);
    assertThat(language.script()).isEqualTo(script);
    assertThat(language.resource()).isEqualTo(level);
    assertThat(registry.byFloresCode(flores)).isEqualTo(language);
  }

  @Test
  void unknownCodeNamesTheKnownCodes() {
    assertThatThrownBy(() -> registry.language("xx"))
        .isInstanceOf(UnknownLanguageException.class)
        .hasMessage(
            "Unknown language code 'xx'; known: en, af, da, nl, de, is, no, sv, ca, gl, it, pt, ro,"
                + " es, bg, mk, ru, sr, uk, fr, id, mg, ms, th, vi, cs, el, hu, lv, lt, pl, zh, et,"
                + " fi, ka, ja, ko, gu, hi, mr, ne, ur, ar, az, he, kk, ky, fa, tr, uz");
    assertThatThrownBy(() -> registry.group(9))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Unknown language group '9'; known: 1, 2, 3, 4, 5, 6, 7, 8");
    assertThatThrownBy(() -> registry.byFloresCode("deu_Latx"))
        .hasMessageStartingWith("Unknown Flores-200 code 'deu_Latx'; known: eng_Latn, afr_Latn,");
  }

  @Test
  void packagedCopyEqualsConf() {
    assertThat(LanguageRegistry.defaults().languages()).isEqualTo(registry.languages());
    assertThat(LanguageRegistry.defaults().groups()).isEqualTo(registry.groups());
  }

  @Test
  void usersCanRegroupAndAddLanguages() throws IOException {
    LanguageRegistry custom =
        parse(
            "code,flores_code,name,script,resource,groups\n"
                + "en,eng_Latn,English,Latn,High,1 2\n"
                + "de,deu_Latn,German,Latn,High,1\n"
                + "eu,eus_Latn,Basque,Latn,Low,2\n",
            "group_id,name\n1,West\n2,Isolates\n");
    assertThat(custom.group(2).members()).extracting(Language::code).containsExactly("eu");
    assertThat(custom.language("eu").resource()).isEqualTo(ResourceLevel.LOW);
  }

  @Test
  void malformedFilesNameTheFileAndLine() {
    String groups = "group_id,name\n1,West\n";
    assertThatThrownBy(
            () -> parse("code,flores_code,name,script,resource,groups\n"
                + "en,eng_Latn,English,Latn,High,1\nde,deu_Latn,German,Latn,High,4\n", groups))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("languages.csv:3: group 4 is not in language-groups.csv");
    assertThatThrownBy(
            () -> parse("code,flores_code,name,script,resource,groups\n"
                + "en,eng_Latn,English,Latn,High,1\nen,deu_Latn,German,Latn,High,1\n", groups))
        .hasMessage("languages.csv:3: duplicate code 'en' (first at languages.csv:2)");
    assertThatThrownBy(
            () -> parse("code,flores_code,name,script,resource,groups\n"
                + "en,eng_Latn,English,Latn,Huge,1\n", groups))
        .hasMessage("languages.csv:2: Unknown resource level 'Huge'; known: High, Mid, Low");
    assertThatThrownBy(() -> parse("code,name\nen,English\n", groups))
        .hasMessage(
            "languages.csv: missing column 'flores_code'; expected [code, flores_code, name,"
                + " script, resource, groups]");
    assertThatThrownBy(
            () -> parse("code,flores_code,name,script,resource,groups\n"
                + "de,deu_Latn,German,Latn,High,1\n", groups))
        .hasMessage("languages.csv: English ('en') must be listed: it is the pivot of every group");
  }

  private static LanguageRegistry parse(String languages, String groups) throws IOException {
    return LanguageRegistry.parse(
        new ByteArrayInputStream(languages.getBytes(StandardCharsets.UTF_8)),
        "languages.csv",
        new ByteArrayInputStream(groups.getBytes(StandardCharsets.UTF_8)),
        "language-groups.csv");
  }

  @Test
  void languagesAreSerializableForExecutors() throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(registry);
    }
    try (java.io.ObjectInputStream in =
        new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      LanguageRegistry copy = (LanguageRegistry) in.readObject();
      assertThat(copy.languages()).isEqualTo(registry.languages());
      assertThat(List.copyOf(copy.group(3).members())).isEqualTo(registry.group(3).members());
    }
  }
}

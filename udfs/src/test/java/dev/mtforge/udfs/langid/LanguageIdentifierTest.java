package dev.mtforge.udfs.langid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.schemas.languages.LanguageRegistry;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LanguageIdentifierTest {
  private static final LanguageRegistry REGISTRY = LanguageRegistry.defaults();
  private static final LanguageIdentifier ID =
      LanguageIdentifier.shared(
          List.of("en", "de", "fr", "cs", "ru", "zh", "hi", "gl", "ja").stream()
              .map(REGISTRY::language)
              .toList());

  @Test
  void scriptShareIgnoresDigitsAndPunctuation() {
    assertThat(ScriptDetector.matches("Привет, мир 2024!", "Cyrl")).isTrue();
    assertThat(ScriptDetector.matches("Привет, мир", "Latn")).isFalse();
    assertThat(ScriptDetector.matches("2024 — 12:30", "Deva")).isTrue();
    assertThat(ScriptDetector.matches("東京で寿司を食べた。", "Jpan")).isTrue();
    assertThat(ScriptDetector.matches("我们使用 Spark 处理数据。", "Hans")).isTrue();
    assertThat(ScriptDetector.dominantScript("Мой брат живёт в городе.")).isEqualTo("Cyrl");
    assertThat(ScriptDetector.dominantScript("...")).isNull();
  }

  @Test
  void linguaDecidesAmongTheRunsLanguages() {
    assertThat(ID.check("Die Kinder im Dorf lernen im Sommer schwimmen.", "de").ok()).isTrue();
    assertThat(ID.check("Das ist leider ein deutscher Satz statt eines tschechischen.", "cs"))
        .extracting(LanguageCheck::verdict, LanguageCheck::detected, LanguageCheck::method)
        .containsExactly(LanguageCheck.Verdict.WRONG_LANGUAGE, "de", "lingua");
    assertThat(ID.detect("Le chat dort sur le canapé depuis ce matin.")).contains("fr");
  }

  @Test
  void lowAccuracyStillCatchesWrongLanguageAndOffChecksOnlyTheScript() {
    List<dev.mtforge.schemas.languages.Language> langs =
        List.of("en", "de", "cs").stream().map(REGISTRY::language).toList();
    LanguageIdentifier low = LanguageIdentifier.shared(langs, LinguaAccuracy.LOW);
    assertThat(low).isNotSameAs(LanguageIdentifier.shared(langs));
    assertThat(low.check("Das ist leider ein deutscher Satz statt eines tschechischen.", "cs"))
        .extracting(LanguageCheck::verdict, LanguageCheck::detected, LanguageCheck::method)
        .containsExactly(LanguageCheck.Verdict.WRONG_LANGUAGE, "de", "lingua");
    assertThat(low.check("Die Kinder im Dorf lernen im Sommer schwimmen.", "de").ok()).isTrue();

    LanguageIdentifier off = LanguageIdentifier.of(langs, LinguaAccuracy.OFF);
    assertThat(off.check("Das ist leider ein deutscher Satz statt eines tschechischen.", "cs"))
        .isEqualTo(new LanguageCheck(LanguageCheck.Verdict.OK, "cs", null, "script"));
    assertThat(off.check("Это предложение написано не тем алфавитом.", "cs").verdict())
        .isEqualTo(LanguageCheck.Verdict.WRONG_SCRIPT);
    assertThat(LinguaAccuracy.parse(" Low ", "prepare.language-check")).isEqualTo(LinguaAccuracy.LOW);
    assertThatThrownBy(() -> LinguaAccuracy.parse("medium", "prepare.language-check"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid value 'medium' for prepare.language-check; known: high, low, off");
  }

  @Test
  void wrongScriptIsReportedWithTheScriptFound() {
    LanguageCheck check = ID.check("Это предложение написано не тем алфавитом.", "cs");
    assertThat(check.verdict()).isEqualTo(LanguageCheck.Verdict.WRONG_SCRIPT);
    assertThat(check.describe()).isEqualTo("expected cs, found script Cyrl");
  }

  @Test
  void galicianFallsBackToTheScriptCheck() {
    assertThat(ID.scriptOnly("gl")).isTrue();
    assertThat(ID.check("O tren chegou con media hora de atraso.", "gl").method()).isEqualTo("script");
    assertThat(ID.check("Мой брат живёт в большом городе.", "gl").verdict())
        .isEqualTo(LanguageCheck.Verdict.WRONG_SCRIPT);
  }

  @Test
  void shortTextsOnlyGetTheScriptCheck() {
    assertThat(ID.check("Ano.", "cs").ok()).isTrue();
    assertThat(ID.detect("...")).isEqualTo(Optional.empty());
  }

  @Test
  void unknownExpectedLanguageIsAnError() {
    assertThatThrownBy(() -> ID.check("text", "xx"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Language 'xx' is not one of this identifier's languages [cs, de, en, fr, gl, hi, ja, ru, zh]");
  }

  @Test
  void registryCodesMapToLingua() {
    assertThat(LanguageIdentifier.linguaLanguage("no")).contains(com.github.pemistahl.lingua.api.Language.BOKMAL);
    assertThat(LanguageIdentifier.linguaLanguage("uz")).isEmpty();
    assertThat(LanguageIdentifier.linguaLanguage("zh")).contains(com.github.pemistahl.lingua.api.Language.CHINESE);
  }

  @Test
  void identifyGivesWhatCheckAndDetectGiveSeparately() {
    String[][] cases = {
      {"Das ist leider ein deutscher Satz statt eines tschechischen.", "cs"},
      {"Die Kinder im Dorf lernen im Sommer schwimmen.", "de"},
      {"Это предложение написано не тем алфавитом.", "cs"},
      {"O tren chegou con media hora de atraso.", "gl"},
      {"Ano.", "cs"},
      {"東京で寿司を食べた。", "ja"},
    };
    for (String[] c : cases) {
      LanguageIdentifier.Identification id = ID.identify(c[0], c[1]);
      assertThat(id.check()).as(c[0]).isEqualTo(ID.check(c[0], c[1]));
      assertThat(id.detected()).as(c[0]).isEqualTo(ID.detect(c[0]));
    }
  }
}

package dev.mtforge.udfs.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.udfs.langid.LanguageCheck;
import dev.mtforge.udfs.langid.LanguageCheckSettings;
import dev.mtforge.udfs.langid.LanguageIdentifier;
import dev.mtforge.udfs.langid.ScriptDetector;
import dev.mtforge.udfs.langid.ScriptTokens;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The wrong_script / wrong_language rules on pairs shaped like the false rejections found on
 * NTREX-128 (issue 17) and like real wrong pairs. Every sentence is written for this test; none
 * comes from a data set. The thresholds behind them were measured with FilterPrecisionBench.
 */
class LanguageFilterRulesTest {
  private static final LanguageRegistry REGISTRY = LanguageRegistry.defaults();
  private static final LanguageIdentifier ID = LanguageIdentifier.shared(
      List.of("en", "de", "fr", "cs", "ru", "uk", "zh", "ja").stream().map(REGISTRY::language).toList());

  private static String problems(String srcLang, String tgtLang, String src, String tgt) {
    return PairFilters.check(src, tgt, srcLang, tgtLang, FilterSettings.defaults(), ID).stream()
        .map(p -> p.reason() + ": " + p.detail()).collect(Collectors.joining("; "));
  }

  @ParameterizedTest(name = "{0}-{1}: {2}")
  @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
      # Chinese and Japanese carrying Latin names that the English side repeats
      zh | en | BBC Radio Leeds 的 Anna Price 在 Elland Road 报道。 | BBC Radio Leeds's Anna Price reporting from Elland Road.
      zh | en | Jones 今年 31 岁。 | Jones is 31 years old.
      ja | en | 先週、Northwind TradersとContoso Pharmaの株価が下がった。 | Shares of Northwind Traders and Contoso Pharma fell last week.
      # short and name-heavy lines: too few letters of their own for lingua
      de | en | Hut ab vor Karl. | Hats off to Karl.
      cs | en | Dobrá práce, Jonasi. | Well done, Jonas.
      ru | en | Рейтинги считали по каналам CBS, ABC, NBC, CNN, Fox News и MSNBC. | Ratings were counted for CBS, ABC, NBC, CNN, Fox News and MSNBC.
      uk | en | Рейтинги рахували за каналами CBS, ABC, NBC, CNN, Fox News і MSNBC. | Ratings were counted for CBS, ABC, NBC, CNN, Fox News and MSNBC.
      de | en | Die Sendung Desert Island Discs läuft am Sonntag auf BBC Radio 4. | Desert Island Discs airs on BBC Radio 4 on Sunday.
      # a Russian quote that lingua leans Ukrainian on (0.92 of uk): a close call, kept
      ru | en | «Я стою тут, перед вами», — сказала одна из них. | "I'm standing here in front of you," one of them said.
      """)
  void goodTranslationsPass(String srcLang, String tgtLang, String src, String tgt) {
    assertThat(problems(srcLang, tgtLang, src, tgt)).isEmpty();
  }

  @ParameterizedTest(name = "{0}-{1}: {2}")
  @CsvSource(delimiter = '|', textBlock = """
      # an untranslated copy: every word is shared, none is Chinese
      zh | en | The museum opens at nine. | The museum opens at nine on Sundays. | wrong_script: expected zh, found script Latn
      # transliterated Russian
      ru | en | Moy brat zhivyot v bolshom gorode u reki. | My brother lives in a big city by the river. | wrong_script: expected ru, found script Latn
      # a French line on the English side
      de | en | Man ändert keine Mannschaft, die gewinnt, sagte er. | On ne change pas une équipe qui gagne, disait-il. | wrong_language: expected en, detected fr (lingua 1.00 vs 0.79)
      # swapped sides: both are wrong, the first is the reason
      de | en | The train to Hamburg was cancelled again this morning. | Der Zug nach Hamburg fiel heute Morgen wieder aus. | wrong_language: expected de, detected en (lingua 1.00 vs 0.71); wrong_language: expected en, detected de (lingua 1.00 vs 0.69)
      # a third language: German on the Czech side
      cs | en | Der Zug nach Hamburg fiel heute Morgen wieder aus. | The train to Hamburg was cancelled again this morning. | wrong_language: expected cs, detected de (lingua 1.00 vs 0.66)
      # Ukrainian labelled Russian and the other way round
      ru | en | Ми поїхали до бабусі в село на всі літні канікули, і це було чудово. | We spent the whole summer holidays at grandma's in the village, and it was wonderful. | wrong_language: expected ru, detected uk (lingua 1.00 vs 0.59)
      uk | en | Мы поехали к бабушке в деревню на все летние каникулы, и это было замечательно. | We spent the whole summer holidays at grandma's in the village, and it was wonderful. | wrong_language: expected uk, detected ru (lingua 1.00 vs 0.71)
      # Japanese labelled Chinese (kana), Chinese labelled Japanese (no kana, lingua's rule)
      zh | en | 昨日の会議はベルリンで開かれ、すべての大臣が出席した。 | Yesterday's meeting was held in Berlin and all ministers attended. | wrong_language: expected zh, detected ja (lingua 1.00 vs 0.00)
      ja | en | 昨天的会议在柏林举行，所有部长都参加了。 | Yesterday's meeting was held in Berlin and all ministers attended. | wrong_language: expected ja, detected zh (lingua 1.00 vs 0.00)
      """)
  void wrongPairsAreCaught(String srcLang, String tgtLang, String src, String tgt, String expected) {
    assertThat(problems(srcLang, tgtLang, src, tgt)).isEqualTo(expected);
  }

  @Test
  void scriptIsWeighedByDensityAndSharedNamesAreLeftOut() {
    // 5 Latin letters against 3 Han characters, but 1 word against 3
    assertThat(ScriptDetector.share("Jones 今年 31 岁。", "Hans")).isEqualTo(0.75);
    String zh = "BBC Radio Leeds 的 Anna Price 在 Elland Road 报道。";
    // 4 units of Chinese against 7 Latin words: fails alone, passes when the English side has the names
    assertThat(ScriptDetector.matches(zh, "Hans")).isFalse();
    ScriptDetector.Measure measure = ScriptDetector.measure(zh, "Hans",
        ScriptTokens.keys("BBC Radio Leeds's Anna Price reporting from Elland Road."));
    assertThat(measure).isEqualTo(new ScriptDetector.Measure(4.0, 0.0, 7.0, "Latn"));
    assertThat(measure.matches()).isTrue();
    assertThat(ScriptTokens.of("PBS、C-SPANなどの数値")).extracting(ScriptTokens.Token::text, ScriptTokens.Token::units)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("PBS", 1.0), org.assertj.core.groups.Tuple.tuple("C", 1.0),
            org.assertj.core.groups.Tuple.tuple("SPAN", 1.0), org.assertj.core.groups.Tuple.tuple("などの", 1.5),
            org.assertj.core.groups.Tuple.tuple("数値", 2.0));
  }

  @Test
  void thresholdsAreSettingsAndTheOffTargetRuleIsUnchanged() {
    String quote = "«Я стою тут, перед вами», — сказала одна из них.";
    // prepare's default lets the close call through; translate's off-target rule flags any other language
    assertThat(ID.check(quote, "ru", null, LanguageCheckSettings.defaults()).ok()).isTrue();
    assertThat(ID.check(quote, "ru").describe()).isEqualTo("expected ru, detected uk (lingua 1.00 vs 0.92)");
    // a stricter minimum length: the Ukrainian line labelled Russian (53 letters) is no longer judged
    String uk = "Ми поїхали до бабусі в село на всі літні канікули, і це було чудово.";
    assertThat(ID.check(uk, "ru", null, new LanguageCheckSettings(60, 0.1)))
        .isEqualTo(new LanguageCheck(LanguageCheck.Verdict.OK, "ru", null, "script"));
    // a wider margin: 0.59 of Russian is close enough when the margin is 0.5
    assertThat(ID.check(uk, "ru", null, new LanguageCheckSettings(12, 0.5)).ok()).isTrue();
    assertThatThrownBy(() -> new LanguageCheckSettings(12, 1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid value 1.5 for minMargin: must be from 0 to 1");
    assertThatThrownBy(() -> new LanguageCheckSettings(-1, 0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid value -1 for minLetters: must be 0 or more");
  }
}

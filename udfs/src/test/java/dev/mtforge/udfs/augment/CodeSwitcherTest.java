package dev.mtforge.udfs.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.mtforge.udfs.readers.InputFormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** MUSE dictionaries, the lexicon and code-switching: ratio, determinism, bad lines. */
class CodeSwitcherTest {

  private static MuseDictionary dict(String file, String text) {
    return MuseDictionary.parse(file, text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void museLinesAreWordAndTranslationSeparatedByASpaceOrATab() {
    MuseDictionary d = dict("dicts/en-de.txt", "\uFEFFhouse haus\r\nHouse Haus\nhouse gebäude\nsmall\tklein\n");
    assertThat(d.srcLang()).isEqualTo("en");
    assertThat(d.tgtLang()).isEqualTo("de");
    assertThat(d.entryLines()).isEqualTo(4);
    assertThat(d.translations("HOUSE")).containsExactly("haus", "Haus", "gebäude");
    assertThat(d.translations("small")).containsExactly("klein");
    assertThat(d.malformed()).isEmpty();
    // printf 'a b\n' | sha256sum
    assertThat(dict("x/en-fr.txt", "a b\n").sha256())
        .isEqualTo("01186fcf04b4b447f393e552964c08c7b419c1ad7a25c342a0b631b1967d3a27");
    assertThat(dict("muse/en-de.0-5000.txt", "a b\n").tgtLang()).isEqualTo("de");
  }

  @Test
  void malformedLinesAreKeptWithFileAndLineNotDropped() {
    byte[] bytes = concat("house haus\n\nthe die der\nlonely\n".getBytes(StandardCharsets.UTF_8),
        new byte[] {'b', 'a', 'd', ' ', (byte) 0xC3, '\n'}, "ok gut".getBytes(StandardCharsets.UTF_8));
    MuseDictionary d = MuseDictionary.parse("s3a://b/muse/en-de.txt", bytes);
    assertThat(d.entryLines()).isEqualTo(2);
    assertThat(d.malformed()).extracting(MuseDictionary.MalformedLine::toString).containsExactly(
        "s3a://b/muse/en-de.txt:2: empty line; expected 'word translation'",
        "s3a://b/muse/en-de.txt:3: expected 2 fields (word, translation) separated by a space or a tab, found 3",
        "s3a://b/muse/en-de.txt:4: expected 2 fields (word, translation) separated by a space or a tab, found 1",
        "s3a://b/muse/en-de.txt:5: not valid UTF-8");
    assertThat(d.translations("ok")).containsExactly("gut");
  }

  @Test
  void fileNamesMustNameTwoLanguages() {
    assertThatThrownBy(() -> dict("d/english-german.txt", "a b\n"))
        .isInstanceOf(InputFormatException.class)
        .hasMessage("Cannot read d/english-german.txt as a MUSE dictionary: expected a name like <src>-<tgt>.txt such as en-de.txt");
    assertThatThrownBy(() -> dict("d/en-en.txt", "a b\n"))
        .isInstanceOf(InputFormatException.class)
        .hasMessage("d/en-en.txt: a dictionary must translate between two languages, got en-en");
  }

  private static CodeSwitchLexicon lexicon() {
    return CodeSwitchLexicon.of(List.of(
        dict("en-de.txt", "house Haus\nsmall klein\nthe die\nthe der\n"),
        dict("en-fr.txt", "house maison\nsmall petit\n"),
        dict("en-de.0-5000.txt", "house Gebäude\nhouse Haus\n"),
        dict("de-en.txt", "haus house\n")));
  }

  @Test
  void lexiconGroupsTranslationsByTargetLanguage() {
    CodeSwitchLexicon lexicon = lexicon();
    CodeSwitchLexicon.Candidates house = lexicon.candidates("en", "house");
    assertThat(house.languages()).containsExactly("de", "fr");
    assertThat(house.translations()[0]).containsExactly("Haus", "Gebäude");
    assertThat(house.translations()[1]).containsExactly("maison");
    assertThat(lexicon.candidates("de", "haus").languages()).containsExactly("en");
    assertThat(lexicon.candidates("fr", "maison")).isNull();
    assertThat(lexicon.sourceLanguages()).containsExactly("de", "en");
  }

  @Test
  void ratioOneReplacesEveryDictionaryWordAndKeepsEverythingElse() {
    CodeSwitcher all = new CodeSwitcher(lexicon(), 1.0, 42);
    CodeSwitcher.Result r = all.apply("The house, small!  Unknown word.", "en", "k1");
    assertThat(r.replacements()).isEqualTo(3);
    assertThat(r.text()).matches("(die|der) (Haus|Gebäude|maison), (klein|petit)!  Unknown word\\.");
    assertThat(new CodeSwitcher(lexicon(), 0.5, 42).apply("Nothing to see.", "en", "k1"))
        .isEqualTo(new CodeSwitcher.Result("Nothing to see.", 0));
    // No dictionary for the source language: unchanged.
    assertThat(all.apply("house", "cs", "k1")).isEqualTo(new CodeSwitcher.Result("house", 0));
    assertThatThrownBy(() -> new CodeSwitcher(lexicon(), 1.5, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("code-switch ratio must be in [0, 1], got 1.5");
  }

  @Test
  void sameSeedAndKeyGiveTheSameTextAndOtherSeedsOtherChoices() {
    CodeSwitcher a = new CodeSwitcher(lexicon(), 0.5, 7);
    CodeSwitcher b = new CodeSwitcher(lexicon(), 0.5, 7);
    CodeSwitcher c = new CodeSwitcher(lexicon(), 0.5, 8);
    String sentence = "the small house the small house the small house the small house";
    int differ = 0;
    for (int k = 0; k < 50; k++) {
      CodeSwitcher.Result ra = a.apply(sentence, "en", "key-" + k);
      assertThat(b.apply(sentence, "en", "key-" + k)).isEqualTo(ra);
      assertThat(a.apply(sentence, "en", "key-" + k)).as("a switcher has no state").isEqualTo(ra);
      if (!c.apply(sentence, "en", "key-" + k).equals(ra)) {
        differ++;
      }
    }
    assertThat(differ).as("another seed changes the choices").isGreaterThan(40);
  }

  @Test
  void shareOfReplacedWordsIsTheRatioAndLanguagesAreChosenEvenly() {
    StringBuilder entries = new StringBuilder();
    StringBuilder fr = new StringBuilder();
    List<String> words = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      words.add("w" + i);
      entries.append("w").append(i).append(" de").append(i).append('\n');
      fr.append("w").append(i).append(" fr").append(i).append('\n');
    }
    CodeSwitchLexicon lexicon = CodeSwitchLexicon.of(List.of(dict("en-de.txt", entries.toString()),
        dict("en-fr.txt", fr.toString())));
    for (double ratio : new double[] {0.1, 0.3, 0.75}) {
      CodeSwitcher cs = new CodeSwitcher(lexicon, ratio, 2026);
      long replaced = 0;
      long total = 0;
      Map<String, Integer> byLanguage = new TreeMap<>();
      for (int s = 0; s < 50; s++) {
        String sentence = String.join(" ", words.subList(s * 40, s * 40 + 40));
        CodeSwitcher.Result r = cs.apply(sentence, "en", "sentence-" + s);
        replaced += r.replacements();
        total += 40;
        for (String w : r.text().split(" ")) {
          if (!w.startsWith("w")) {
            byLanguage.merge(w.substring(0, 2), 1, Integer::sum);
          }
        }
      }
      // 2000 Bernoulli(ratio) draws: the binomial standard deviation is at most 0.0112.
      assertThat((double) replaced / total).as("ratio %s", ratio).isCloseTo(ratio, within(0.035));
      assertThat(byLanguage.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo((int) replaced);
      assertThat((double) byLanguage.get("de") / replaced).isCloseTo(0.5, within(0.1));
    }
  }

  @Test
  void lexiconAndSwitcherSurviveJavaSerialization() throws Exception {
    CodeSwitcher cs = new CodeSwitcher(lexicon(), 0.6, 3);
    CodeSwitcher copy = roundTrip(cs);
    Map<String, CodeSwitcher.Result> seen = new HashMap<>();
    for (int k = 0; k < 20; k++) {
      seen.put("k" + k, cs.apply("the small house", "en", "k" + k));
    }
    seen.forEach((k, r) -> assertThat(copy.apply("the small house", "en", k)).isEqualTo(r));
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T value) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}

package dev.mtforge.udfs.segment;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AbbreviationMaskTest {
  @Test
  void masksGermanAbbreviationsKeepingLength() {
    String text = "Brot, Kuchen usw. kosten z. B. 3.50 Euro, z.B. bei Dr. Weber. Das ist Afrika.";
    String masked = AbbreviationMask.mask(text, "de");
    assertThat(masked)
        .isEqualTo("Brot, Kuchen usw\u2024 kosten z\u2024 B\u2024 3.50 Euro, z\u2024B\u2024 bei Dr\u2024 Weber. Das ist Afrika.");
    assertThat(masked).hasSameSizeAs(text);
    assertThat(AbbreviationMask.unmask(masked)).isEqualTo(text);
  }

  @Test
  void leavesOtherLanguagesAndPreMaskedTextAlone() {
    assertThat(AbbreviationMask.mask("It costs ca. 5 euros, e.g. here.", "en")).isEqualTo("It costs ca. 5 euros, e.g. here.");
    assertThat(AbbreviationMask.mask("usw. und a\u2024b", "de")).isEqualTo("usw. und a\u2024b");
    assertThat(AbbreviationMask.mask(null, "de")).isNull();
    assertThat(AbbreviationMask.mask("usw.", null)).isEqualTo("usw.");
  }
}

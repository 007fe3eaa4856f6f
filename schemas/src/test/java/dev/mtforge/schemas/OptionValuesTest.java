package dev.mtforge.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionValuesTest {
  private static final Map<String, String> OPTIONS =
      Map.of("a.ratio", " 2.5 ", "a.seed", "9007199254740993", "a.beams", "5", "a.shots", "0", "a.flag", "TRUE",
          "a.bad", "many", "a.inf", "Infinity", "a.neg", "-1", "a.half", "1.5");

  @Test
  void parsesValuesAndFallsBackWhenMissing() {
    assertThat(OptionValues.number(OPTIONS, "a.ratio", 1)).isEqualTo(2.5);
    assertThat(OptionValues.number(OPTIONS, "a.none", 1.5)).isEqualTo(1.5);
    // 2^53 + 1: a seed read through a double would come back as 2^53.
    assertThat(OptionValues.integer(OPTIONS, "a.seed", 42)).isEqualTo(9007199254740993L);
    assertThat(OptionValues.integer(OPTIONS, "a.none", 42)).isEqualTo(42);
    assertThat(OptionValues.positiveInt(OPTIONS, "a.beams", 1)).isEqualTo(5);
    assertThat(OptionValues.nonNegativeInt(OPTIONS, "a.shots", 3)).isZero();
    assertThat(OptionValues.bool(OPTIONS, "a.flag", false)).isTrue();
    assertThat(OptionValues.bool(OPTIONS, "a.none", true)).isTrue();
  }

  @Test
  void badValuesNameTheOptionAndTheValue() {
    assertThatThrownBy(() -> OptionValues.number(OPTIONS, "a.bad", 1))
        .isInstanceOf(InvalidOptionException.class).hasMessage("Option a.bad must be a number, got 'many'");
    assertThatThrownBy(() -> OptionValues.number(OPTIONS, "a.inf", 1))
        .hasMessage("Option a.inf must be a number, got 'Infinity'");
    assertThatThrownBy(() -> OptionValues.integer(OPTIONS, "a.half", 1))
        .hasMessage("Option a.half must be an integer, got '1.5'");
    assertThatThrownBy(() -> OptionValues.positiveInt(OPTIONS, "a.shots", 1))
        .hasMessage("Option a.shots must be a positive integer, got '0'");
    assertThatThrownBy(() -> OptionValues.nonNegativeInt(OPTIONS, "a.neg", 1))
        .hasMessage("Option a.neg must be a non-negative integer, got '-1'");
    assertThatThrownBy(() -> OptionValues.bool(OPTIONS, "a.bad", true))
        .hasMessage("Option a.bad must be true or false, got 'many'");
  }
}

package dev.mtforge.udfs.filters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.udfs.langid.LanguageIdentifier;
import dev.mtforge.udfs.readers.ReadUnit;
import dev.mtforge.udfs.readers.SourceFormat;
import dev.mtforge.udfs.spark.HadoopSourceFiles;
import dev.mtforge.udfs.spark.PairCheckUdf;
import dev.mtforge.udfs.spark.ReadUnitsFunction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class PairFiltersTest {
  private static final LanguageRegistry REGISTRY = LanguageRegistry.defaults();
  private static final LanguageIdentifier ID =
      LanguageIdentifier.shared(List.of(REGISTRY.language("en"), REGISTRY.language("zh"), REGISTRY.language("de")));

  private static List<PairFilters.Problem> check(String src, String tgt, String srcLang, String tgtLang) {
    return PairFilters.check(src, tgt, srcLang, tgtLang, FilterSettings.defaults(), ID);
  }

  @Test
  void cleanPairsPassIncludingShortChinese() {
    assertThat(check("广场上的老钟又停了。", "The old clock in the square has stopped working again.", "zh", "en")).isEmpty();
    assertThat(PairFilters.weightedLength("老钟 停了")).isEqualTo(12);
  }

  @Test
  void eachProblemHasItsReasonAndDetail() {
    assertThat(check(" ", "Hello there, my friend.", "de", "en"))
        .containsExactly(new PairFilters.Problem("empty", "de side"));
    assertThat(check("Berlin Marathon 2024", "Berlin Marathon 2024", "de", "en"))
        .containsExactly(new PairFilters.Problem("same_text", "source equals target"));
    assertThat(check("Ja.", "Yes, and I would also like to say that the meeting has moved.", "de", "en"))
        .containsExactly(new PairFilters.Problem("length_ratio", "length 3 vs 49 (ratio 16.33 > 3.00)"));
  }

  @Test
  void normalisationIgnoresCasePunctuationAndSpacing() {
    assertThat(TextNormalizer.normalize("  The bakery, on the corner!  ")).isEqualTo("the bakery on the corner");
    assertThat(TextNormalizer.normalize("ＡＢＣ　１２３")).isEqualTo("abc 123");
    assertThat(TextNormalizer.normalize("नदी पर बना पुल।")).isEqualTo("नदी पर बना पुल");
  }

  @Test
  void settingsAreRangeChecked() {
    assertThatThrownBy(() -> new FilterSettings(0.5, 20))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Invalid value 0.5 for prepare.max-length-ratio: must be at least 1");
  }

  @Test
  void executorFunctionsSurviveJavaSerialization() throws Exception {
    Configuration conf = new Configuration(false);
    conf.set("fs.s3a.endpoint", "http://127.0.0.1:9000");
    HadoopSourceFiles files = roundTrip(new HadoopSourceFiles(conf));
    assertThat(files.listFiles("/nonexistent-folder")).isEmpty();
    ReadUnitsFunction function = roundTrip(new ReadUnitsFunction(new HadoopSourceFiles(conf)));
    assertThat(function).isNotNull();
    PairCheckUdf udf = roundTrip(new PairCheckUdf(List.of(REGISTRY.language("en"), REGISTRY.language("de")), FilterSettings.defaults()));
    assertThat(udf.call("", "x", "de", "en")).hasSize(1);
    ReadUnit unit = new ReadUnit(SourceFormat.WMT_TXT, "wmt22", "test", "de", "en", "s3a://b/x.src.de",
        List.of("s3a://b/x.ref.A.en"), Map.of("Sys", "s3a://b/x.hyp.Sys.en"), false);
    assertThat(roundTrip(unit)).isEqualTo(unit);
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
}

package dev.mtforge.udfs.readers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.testing.SparkTestSession;
import dev.mtforge.udfs.spark.HadoopSourceFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every reader on the sample files of sample-data/prepare/, plus the error cases. */
class ReadersTest {
  private static final LanguageRegistry REGISTRY = LanguageRegistry.defaults();
  private static final SourceFiles FILES = new HadoopSourceFiles(new Configuration());
  private static final Path SAMPLES = SparkTestSession.repoRoot().resolve("sample-data/prepare");

  private static List<ReadUnit> plan(SourceFormat format, String folder) {
    return SourceLayout.plan(format, SAMPLES.resolve(folder).toString(), FILES, REGISTRY,
        Optional.empty(), Optional.empty());
  }

  private static List<RawPair> readAll(List<ReadUnit> units) {
    return units.stream().flatMap(u -> UnitReader.read(u, FILES).stream()).toList();
  }

  @Test
  void floresPairsEveryLanguageWithEnglishPerSplit() {
    List<ReadUnit> units = plan(SourceFormat.FLORES200, "flores200");
    assertThat(units).hasSize(12);
    assertThat(units.stream().map(u -> u.split() + ":" + u.srcLang()).collect(Collectors.toSet()))
        .contains("dev:de", "devtest:zh", "dev:hi", "devtest:cs");
    ReadUnit de = units.stream().filter(u -> u.split().equals("dev") && u.srcLang().equals("de")).findFirst().orElseThrow();
    List<RawPair> pairs = UnitReader.read(de, FILES);
    assertThat(pairs).hasSize(20);
    assertThat(pairs.get(6))
        .extracting(RawPair::segId, RawPair::srcText, RawPair::tgtText, RawPair::bothDirections)
        .containsExactly(7, "Die Kinder im Dorf lernen im Sommer schwimmen.",
            "Children in the village learn to swim in the summer.", true);
  }

  @Test
  void ntrexReadsCrlfFilesAndMapsItsCodes() throws IOException {
    assertThat(Files.readString(SAMPLES.resolve("ntrex128/NTREX-128/newstest2019-ref.deu.txt"))).contains("\r\n");
    List<RawPair> pairs = readAll(plan(SourceFormat.NTREX128, "ntrex128"));
    assertThat(pairs).hasSize(24);
    assertThat(pairs.stream().map(RawPair::srcLang).distinct().sorted().toList()).containsExactly("de", "sr", "zh");
    assertThat(pairs).allSatisfy(p -> assertThat(p.srcText() + p.tgtText()).doesNotContain("\r"));
    assertThat(pairs.stream().filter(p -> p.srcLang().equals("sr")).findFirst().orElseThrow().srcText())
        .isEqualTo("Комитет ће објавити свој коначни извештај у марту.");
  }

  @Test
  void sgmlKeepsBareAmpersandsAndCleansWhitespaceLikeSacrebleu() {
    List<ReadUnit> units = plan(SourceFormat.WMT_SGML, "wmt-sgml");
    assertThat(units).singleElement()
        .extracting(ReadUnit::dataset, ReadUnit::srcLang, ReadUnit::tgtLang, ReadUnit::split, ReadUnit::bothDirections)
        .containsExactly("newstest2019", "en", "cs", "test", false);
    List<RawPair> pairs = readAll(units);
    assertThat(pairs).extracting(RawPair::docId, RawPair::segId, RawPair::srcText)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("shop-news", 1, "Smith & Sons opened a new store on Main Street."),
            org.assertj.core.groups.Tuple.tuple("shop-news", 2, "The store sells tools, paint & garden supplies."),
            org.assertj.core.groups.Tuple.tuple("shop-news", 3, "Customers queued outside before the doors opened."),
            org.assertj.core.groups.Tuple.tuple("weather-news", 4, "The weather service issued a warning for strong winds."),
            org.assertj.core.groups.Tuple.tuple("weather-news", 5, "Schools in the region will close early on Friday."));
    assertThat(pairs.get(1).tgtText()).isEqualTo("Obchod prodává nářadí, barvy & zahradní potřeby.");
  }

  @Test
  void wmtXmlGivesMultiReferencePairsAndSystemOutputs() {
    List<RawPair> rows = readAll(plan(SourceFormat.WMT_XML, "wmt-xml"));
    List<RawPair> pairs = rows.stream().filter(r -> r.system() == null).toList();
    assertThat(pairs).hasSize(4);
    assertThat(pairs.get(3))
        .extracting(RawPair::dataset, RawPair::docId, RawPair::segId, RawPair::srcText, RawPair::tgtText, RawPair::extraRefs)
        .containsExactly("wmttest2022", "social_shop", 4, "Is the shop open on Sunday & Monday?",
            "Магазин открыт в воскресенье и понедельник?", List.of("Работает ли магазин в воскресенье & понедельник?"));
    Map<String, Long> bySystem = rows.stream().filter(r -> r.system() != null)
        .collect(Collectors.groupingBy(RawPair::system, Collectors.counting()));
    assertThat(bySystem).containsExactlyInAnyOrderEntriesOf(Map.of("Alpha", 4L, "Beta", 4L));
  }

  @Test
  void wmtTextUsesTheFirstReferenceAsPrimary() {
    List<RawPair> rows = readAll(plan(SourceFormat.WMT_TXT, "wmt-txt"));
    assertThat(rows).hasSize(12);
    RawPair first = rows.get(0);
    assertThat(first.dataset()).isEqualTo("wmt22");
    assertThat(first.tgtText()).isEqualTo("The city administration has decided on new opening hours for the swimming pool.");
    assertThat(first.extraRefs()).containsExactly("The town administration approved new opening times for the pool.");
    assertThat(rows.get(6).system()).isEqualTo("SysOne");
  }

  @Test
  void almaReadsJsonLinesAndJsonArrays() {
    List<ReadUnit> units = plan(SourceFormat.ALMA_JSON, "alma-json");
    assertThat(units).extracting(ReadUnit::split, ReadUnit::srcLang, ReadUnit::tgtLang)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("train", "cs", "en"),
            org.assertj.core.groups.Tuple.tuple("valid", "cs", "en"));
    assertThat(UnitReader.read(units.get(0), FILES)).hasSize(15);
    assertThat(UnitReader.read(units.get(1), FILES)).extracting(RawPair::tgtText)
        .containsExactly("The train leaves at eight in the evening.", "I left my keys at home.");
  }

  @Test
  void parquetLayoutsReadInFileOrderAndById() {
    List<RawPair> xalma = readAll(plan(SourceFormat.XALMA_PARQUET, "xalma-parquet"));
    assertThat(xalma).hasSize(12);
    assertThat(xalma.get(0)).extracting(RawPair::srcLang, RawPair::split, RawPair::srcText)
        .containsExactly("de", "train", "Ich trinke morgens gern einen starken Kaffee.");
    List<RawPair> floresPlus = readAll(plan(SourceFormat.FLORES_PLUS, "flores-plus"));
    assertThat(floresPlus).hasSize(20);
    RawPair ukFirst = floresPlus.stream().filter(p -> p.srcLang().equals("uk") && p.split().equals("dev")).findFirst().orElseThrow();
    assertThat(ukFirst.segId()).isEqualTo(1);
    assertThat(ukFirst.tgtText()).isEqualTo("The lighthouse has guided ships along this coast for two centuries.");
    assertThat(floresPlus.stream().filter(p -> p.split().equals("devtest")).count()).isEqualTo(10);
  }

  @Test
  void misalignedFilesNameBothFilesAndCounts(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("eng_Latn.dev"), "one\ntwo\nthree\n");
    Files.writeString(dir.resolve("deu_Latn.dev"), "eins\nzwei\n");
    ReadUnit unit = SourceLayout.plan(SourceFormat.FLORES200, dir.toString(), FILES, REGISTRY, Optional.empty(), Optional.empty()).get(0);
    String de = unit.srcPath();
    String en = unit.refPaths().get(0);
    assertThatThrownBy(() -> UnitReader.read(unit, FILES))
        .isInstanceOf(InputFormatException.class)
        .hasMessage("Cannot align " + de + " (2 segments) with " + en + " (3 segments): aligned files must have the same number of segments");
  }

  @Test
  void invalidUtf8NamesFileLineAndByteOffset() {
    byte[] bytes = "ok line\nbad \u00e9".getBytes(StandardCharsets.UTF_8);
    bytes[bytes.length - 1] = (byte) 0x28; // 0xC3 0x28: a lead byte without its continuation
    assertThatThrownBy(() -> LineFileReader.read(new ByteArrayInputStream(bytes), "s3a://b/x.dev"))
        .isInstanceOf(InputFormatException.class)
        .hasMessage("s3a://b/x.dev:2: invalid UTF-8 at byte offset 12");
  }

  @Test
  void malformedAlmaJsonNamesTheLine() {
    List<String> lines = List.of("{\"translation\": {\"cs\": \"a\", \"en\": \"b\"}}", "{\"translation\": {\"cs\": \"a\"}}");
    assertThatThrownBy(() -> AlmaJsonReader.read(lines, "train.cs-en.json", "cs", "en"))
        .isInstanceOf(InputFormatException.class)
        .hasMessage("train.cs-en.json:2: object 2 has no \"en\" text in \"translation\"");
  }
}

package dev.mtforge.udfs.readers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.testing.SparkTestSession;
import dev.mtforge.udfs.spark.HadoopSourceFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Source folders as their publishers ship them (generated here, or the NTREX-128-shaped sample):
 * data files are read, README/LICENSE/metadata and unrelated files are skipped and listed, files
 * that look like the format but do not fit are errors naming the file.
 */
class PublishedLayoutsTest {
  private static final LanguageRegistry REGISTRY = LanguageRegistry.defaults();
  private static final SourceFiles FILES = new HadoopSourceFiles(new Configuration());
  private static final Path SAMPLES = SparkTestSession.repoRoot().resolve("sample-data/prepare");

  private static SourcePlan scan(SourceFormat format, Path root) {
    return SourceLayout.scan(format, root.toString(), FILES, REGISTRY, Optional.empty(), Optional.empty());
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  @Test
  void ntrexFolderAsPublishedReadsRegistryLanguagesWithDocumentIds() {
    Path root = SAMPLES.resolve("ntrex128");
    SourcePlan plan = scan(SourceFormat.NTREX128, root);
    assertThat(plan.units()).extracting(ReadUnit::srcLang, u -> SourceLayout.relative(root.toString(), u.docIdsPath()))
        .containsExactly(tuple("de", "DOCUMENT_IDS.tsv"), tuple("sr", "DOCUMENT_IDS.tsv"), tuple("zh", "DOCUMENT_IDS.tsv"));
    assertThat(plan.describe()).isEqualTo("ntrex128 " + root + ": 4 files in 3 read units; skipped 7:"
        + " not ntrex128 data (LANGUAGES.tsv, LICENSE.md, README.md);"
        + " English reference of the English source (NTREX-128/newstest2019-ref.eng-GB.txt);"
        + " language not in the registry (NTREX-128/newstest2019-ref.srp-Latn.txt, NTREX-128/newstest2019-ref.zho-TW.txt,"
        + " NTREX-additional/newstest2019-ref.gsw-BE.txt)");
    List<RawPair> zh = UnitReader.read(plan.units().get(2), FILES);
    assertThat(zh).extracting(RawPair::docId, RawPair::segId)
        .startsWith(tuple("sample.committee", 1), tuple("sample.traffic", 2), tuple("sample.traffic", 3))
        .endsWith(tuple("sample.transport", 8));
  }

  @Test
  void ntrexRegionVariantsAndSecondReferences(@TempDir Path root) throws IOException {
    String lines = "One.\r\nTwo.\r\n";
    write(root.resolve("NTREX-128/newstest2019-src.eng.txt"), lines);
    for (String code : List.of("fra", "fra-CA", "por-BR", "spa", "spa-MX", "nno", "ces")) {
      write(root.resolve("NTREX-128/newstest2019-ref." + code + ".txt"), lines);
    }
    write(root.resolve("NTREX-128/newstest2019-ref-2.spa.txt"), lines);
    SourcePlan plan = scan(SourceFormat.NTREX128, root);
    // por-BR is read as Portuguese: no plain "por" file beside it
    assertThat(plan.units()).extracting(ReadUnit::srcLang, ReadUnit::docIdsPath)
        .containsExactly(tuple("cs", null), tuple("fr", null), tuple("pt", null), tuple("es", null));
    assertThat(plan.describe()).endsWith("skipped 4: second reference (a multi-way set keeps one per language)"
        + " (NTREX-128/newstest2019-ref-2.spa.txt); regional variant (the file without a region is read)"
        + " (NTREX-128/newstest2019-ref.fra-CA.txt, NTREX-128/newstest2019-ref.spa-MX.txt);"
        + " language not in the registry (NTREX-128/newstest2019-ref.nno.txt)");
  }

  @Test
  void documentIdsMustHaveOneLinePerSegment(@TempDir Path root) throws IOException {
    write(root.resolve("NTREX-128/newstest2019-src.eng.txt"), "One.\r\nTwo.\r\nThree.\r\n");
    write(root.resolve("NTREX-128/newstest2019-ref.deu.txt"), "Eins.\r\nZwei.\r\nDrei.\r\n");
    write(root.resolve("DOCUMENT_IDS.tsv"), "doc.1\ndoc.1\n");
    ReadUnit unit = scan(SourceFormat.NTREX128, root).units().get(0);
    assertThatThrownBy(() -> UnitReader.read(unit, FILES))
        .isInstanceOf(InputFormatException.class)
        .hasMessage("Cannot use " + unit.docIdsPath() + " (2 document ids) for " + unit.refPaths().get(0)
            + " (3 segments): it must have one line per segment");
    write(root.resolve("DOCUMENT_IDS.tsv"), "doc.1\n\ndoc.2\n");
    assertThatThrownBy(() -> UnitReader.read(unit, FILES))
        .isInstanceOf(InputFormatException.class)
        .hasMessage(unit.docIdsPath() + ":2: empty document id");
  }

  @Test
  void ntrexSourceMustBeEnglish(@TempDir Path root) throws IOException {
    write(root.resolve("newstest2019-src.deu.txt"), "Eins.\n");
    assertThatThrownBy(() -> scan(SourceFormat.NTREX128, root))
        .isInstanceOf(InputFormatException.class)
        .hasMessage("Cannot read file:" + root.resolve("newstest2019-src.deu.txt")
            + " as ntrex128: expected a name like newstest2019-src.eng.txt (the source is English)");
  }

  /** The layout of the WMT20 test tarball: sgm/ and txt/ folders, a README, WMT20's extra references. */
  @Test
  void wmtSgmlFolderWithReadmeAndPlainTextCopies(@TempDir Path root) throws IOException {
    write(root.resolve("README"), "Test sets of the news task.\n");
    write(root.resolve("txt/newstest2020-deen-src.de.txt"), "Guten Morgen.\nDanke.\n");
    write(root.resolve("sgm/newstest2020-deen-src.de.sgm"), sgml("srcset", "de", "Guten Morgen.", "Danke & tschüss."));
    write(root.resolve("sgm/newstest2020-deen-ref.en.sgm"), sgml("refset", "en", "Good morning.", "Thanks & bye."));
    write(root.resolve("sgm/newstestB2020-deen-ref.en.sgm"), sgml("refset", "en", "Morning.", "Thank you & goodbye."));
    write(root.resolve("sgm/newstest2012-src.de.sgm"), sgml("srcset", "de", "Alt.", "Älter."));
    write(root.resolve("sgm/newstest2020-iuen-src.iu.sgm"), sgml("srcset", "iu", "ᐊᐃ", "ᖁᔭᓐᓇᒦᒃ"));
    write(root.resolve("sgm/newstest2020-iuen-ref.en.sgm"), sgml("refset", "en", "Hello.", "Thanks."));
    SourcePlan plan = scan(SourceFormat.WMT_SGML, root);
    assertThat(plan.describe()).isEqualTo("wmt-sgml " + root + ": 3 files in 1 read units; skipped 5:"
        + " not wmt-sgml data (README, txt/newstest2020-deen-src.de.txt);"
        + " multi-way test set without a language pair in its name (sgm/newstest2012-src.de.sgm);"
        + " language not in the registry (sgm/newstest2020-iuen-ref.en.sgm, sgm/newstest2020-iuen-src.iu.sgm)");
    List<RawPair> pairs = UnitReader.read(plan.units().get(0), FILES);
    assertThat(pairs).extracting(RawPair::dataset, RawPair::docId, RawPair::srcText, RawPair::tgtText, RawPair::extraRefs)
        .containsExactly(
            tuple("newstest2020", "d1", "Guten Morgen.", "Good morning.", List.of("Morning.")),
            tuple("newstest2020", "d1", "Danke & tschüss.", "Thanks & bye.", List.of("Thank you & goodbye.")));
  }

  @Test
  void sgmFilesThatDoNotFitAreErrors(@TempDir Path root) throws IOException {
    write(root.resolve("newstest2020-deen-src.de.sgm"), "<srcset>\n<doc docid=\"d1\">\n<seg id=\"1\">Guten Morgen.\n</doc>\n");
    write(root.resolve("newstest2020-deen-ref.en.sgm"), sgml("refset", "en", "Good morning."));
    ReadUnit unit = scan(SourceFormat.WMT_SGML, root).units().get(0);
    assertThatThrownBy(() -> UnitReader.read(unit, FILES))
        .isInstanceOf(InputFormatException.class)
        .hasMessage(unit.srcPath() + ":3: segment without </seg> on the same line");
    write(root.resolve("test-deen.sgm"), sgml("srcset", "de", "Hallo."));
    assertThatThrownBy(() -> scan(SourceFormat.WMT_SGML, root))
        .isInstanceOf(InputFormatException.class)
        .hasMessage("Cannot read file:" + root.resolve("test-deen.sgm")
            + " as wmt-sgml: expected a name like newstest2019-deen-src.de.sgm or newstest2019-deen-ref.en.sgm");
  }

  /** The layout of wmt22-news-systems/txt: sources/, references/ (several), system-outputs/. */
  @Test
  void wmtTextFolderWithSubFoldersAndUnknownLanguages(@TempDir Path root) throws IOException {
    write(root.resolve("README.md"), "# WMT22\n");
    write(root.resolve("sources/generaltest2022.cs-en.src.cs"), "Dobrý den.\n");
    write(root.resolve("references/generaltest2022.cs-en.ref.A.en"), "Good day.\n");
    write(root.resolve("references/generaltest2022.cs-en.ref.B.en"), "Hello.\n");
    write(root.resolve("system-outputs/generaltest2022.cs-en.hyp.Sys1.en"), "Good afternoon.\n");
    write(root.resolve("sources/generaltest2022.en-liv.src.en"), "Good day.\n");
    write(root.resolve("references/generaltest2022.en-liv.ref.A.liv"), "Tēriņtš.\n");
    write(root.resolve("scores/automatic-scores.tsv"), "system\tBLEU\n");
    write(root.resolve("references/generaltest2022.de-en.ref.A.en"), "Good day.\n");
    SourcePlan plan = scan(SourceFormat.WMT_TXT, root);
    assertThat(plan.units()).singleElement()
        .extracting(ReadUnit::dataset, ReadUnit::srcLang, ReadUnit::tgtLang, u -> u.refPaths().size(), u -> u.hypPaths().keySet())
        .containsExactly("generaltest2022", "cs", "en", 2, java.util.Set.of("Sys1"));
    assertThat(plan.describe()).endsWith("skipped 5: not wmt-txt data (README.md, scores/automatic-scores.tsv);"
        + " no source file for its test set (references/generaltest2022.de-en.ref.A.en);"
        + " language not in the registry (references/generaltest2022.en-liv.ref.A.liv, sources/generaltest2022.en-liv.src.en)");
  }

  @Test
  void floresFolderAsPublishedWithHiddenFiles(@TempDir Path root) throws IOException {
    write(root.resolve("README"), "FLORES 200 dataset\n");
    write(root.resolve("metadata_dev.tsv"), "URL\tdomain\n");
    write(root.resolve("dev/eng_Latn.dev"), "One.\n");
    write(root.resolve("dev/deu_Latn.dev"), "Eins.\n");
    write(root.resolve("dev/ace_Arab.dev"), "ᨕ\n");
    write(root.resolve("augmented_data/eng_Latn_augmented.devtest"), "One!\n");
    write(root.resolve(".git/HEAD"), "ref: refs/heads/main\n");
    write(root.resolve("dev/_SUCCESS"), "");
    SourcePlan plan = scan(SourceFormat.FLORES200, root);
    assertThat(plan.units()).extracting(ReadUnit::split, ReadUnit::srcLang).containsExactly(tuple("dev", "de"));
    assertThat(plan.describe()).isEqualTo("flores200 " + root + ": 2 files in 1 read units; skipped 4:"
        + " not flores200 data (README, augmented_data/eng_Latn_augmented.devtest, metadata_dev.tsv);"
        + " language not in the registry (dev/ace_Arab.dev)");
  }

  @Test
  void aRelativeFolderHidesItsHiddenFoldersToo() throws IOException {
    // relative to the module folder, where the tests run; Hadoop lists it as absolute paths
    Path root = Path.of("target/relative-source-" + ProcessHandle.current().pid());
    write(root.resolve("dev/eng_Latn.dev"), "One.\n");
    write(root.resolve("dev/deu_Latn.dev"), "Eins.\n");
    write(root.resolve(".backup/dev/deu_Latn.dev"), "Eins!\n"); // would be the same file twice
    SourcePlan plan = SourceLayout.scan(SourceFormat.FLORES200, root.toString(), FILES, REGISTRY,
        Optional.empty(), Optional.empty());
    assertThat(plan.describe()).isEqualTo("flores200 " + root + ": 2 files in 1 read units");
  }

  @Test
  void aFolderWithNothingToReadListsWhatItSkipped(@TempDir Path root) throws IOException {
    write(root.resolve("README.md"), "# data\n");
    write(root.resolve("eng_Latn.dev"), "One.\n");
    write(root.resolve("xyz_Latn.dev"), "Eins.\n");
    assertThatThrownBy(() -> scan(SourceFormat.FLORES200, root))
        .isInstanceOf(InputFormatException.class)
        .hasMessage("Cannot read " + root + ": no flores200 files (skipped README.md (not flores200 data),"
            + " xyz_Latn.dev (language not in the registry))");
  }

  @Test
  void theSameFileInTwoFoldersIsAnError(@TempDir Path root) throws IOException {
    write(root.resolve("txt/sources/generaltest2022.cs-en.src.cs"), "Dobrý den.\n");
    write(root.resolve("txt-ts/sources/generaltest2022.cs-en.src.cs"), "Dobrý den.\nAhoj.\n");
    assertThatThrownBy(() -> scan(SourceFormat.WMT_TXT, root))
        .isInstanceOf(InputFormatException.class)
        .hasMessage("Cannot read " + root + " as wmt-txt: file:" + root.resolve("txt-ts/sources/generaltest2022.cs-en.src.cs")
            + " and file:" + root.resolve("txt/sources/generaltest2022.cs-en.src.cs")
            + " are the same file of the layout; point --source at the folder that holds one of them");
  }

  private static String sgml(String set, String lang, String... segments) {
    StringBuilder text = new StringBuilder("<" + set + " setid=\"newstest2020\" srclang=\"any\" trglang=\"" + lang + "\">\n"
        + "<doc sysid=\"ref\" docid=\"d1\" genre=\"news\" origlang=\"de\">\n<p>\n");
    for (int i = 0; i < segments.length; i++) {
      text.append("<seg id=\"").append(i + 1).append("\">").append(segments[i]).append("</seg>\n");
    }
    return text.append("</p>\n</doc>\n</").append(set).append(">\n").toString();
  }
}

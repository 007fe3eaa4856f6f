package dev.mtforge.jobs.report;

import dev.mtforge.jobs.systems.SystemRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The analysis page's table of the systems compared: role, strategy, model, training languages, decoding, prompt. */
final class SystemsSection {
  static final List<String> HEADER = List.of("system", "role", "strategy", "made by", "model", "training languages",
      "adapters", "decoding", "prompt", "pivot");

  private SystemsSection() {}

  static List<List<AnalysisPage.Cell>> rows(List<String> ids, String baseline, Map<String, SystemRow> meta) {
    List<List<AnalysisPage.Cell>> rows = new ArrayList<>();
    for (String id : ids) {
      SystemRow s = meta.get(id);
      String role = id.equals(baseline) ? "baseline" : "system";
      if (s == null) {
        rows.add(List.of(AnalysisPage.Cell.of(id), AnalysisPage.Cell.of(role), AnalysisPage.Cell.of("(no systems row)"),
            AnalysisPage.Cell.of(""), AnalysisPage.Cell.of(""), AnalysisPage.Cell.of(""), AnalysisPage.Cell.of(""),
            AnalysisPage.Cell.of(""), AnalysisPage.Cell.of(""), AnalysisPage.Cell.of("")));
        continue;
      }
      String languages = s.trainingLanguages() == null ? "unknown"
          : s.trainingLanguages().size() + (s.trainingLanguages().isEmpty() ? "" : ": " + String.join(" ", s.trainingLanguages()));
      List<String> decoding = new ArrayList<>();
      s.decoding().forEach((k, v) -> decoding.add(k + "=" + v));
      rows.add(List.of(AnalysisPage.Cell.of(id), AnalysisPage.Cell.of(role), AnalysisPage.Cell.of(s.strategy().label()),
          AnalysisPage.Cell.of(s.madeBy()), AnalysisPage.Cell.of(s.model()), AnalysisPage.Cell.of(languages),
          AnalysisPage.Cell.of(Integer.toString(new TreeSet<>(s.adapters().values()).size())),
          AnalysisPage.Cell.of(String.join(" ", decoding)), AnalysisPage.Cell.of(s.promptTemplate()),
          AnalysisPage.Cell.of(s.pivotLang() == null ? "direct" : s.pivotLang())));
    }
    return rows;
  }

}

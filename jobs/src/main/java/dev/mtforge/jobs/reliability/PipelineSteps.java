package dev.mtforge.jobs.reliability;

import java.util.ArrayList;
import java.util.List;

/**
 * The writing commands of mtforge in pipeline order, on the bundled sample data: the table the
 * kill harness and the campaign run. A job that lands later is one more entry here.
 *
 * <p>Each step lists its kill points most telling first (a state between two commits or file
 * writes); CI kills at the first only, {@code -Dmtforge.kill.points=all} at every one.
 */
public final class PipelineSteps {
  private PipelineSteps() {}

  /** Every writing command, in the order their inputs need. */
  public static List<PipelineStep> all() {
    List<PipelineStep> steps = new ArrayList<>();
    steps.add(step("init", List.of(),
        KillPoint.after("Creating table paragraph_sentences", 1, 0), // between table creations
        KillPoint.after("Merging into languages", 1, 0)));         // during the registry MERGE
    steps.add(step("prepare", List.of(
            "--source", "flores200={samples}/prepare/flores200",
            "--source", "flores-plus={samples}/prepare/flores-plus",
            "--source", "ntrex128={samples}/prepare/ntrex128",
            "--source", "wmt-txt={samples}/prepare/wmt-txt",
            "--source", "wmt-sgml={samples}/prepare/wmt-sgml",
            "--source", "wmt-xml={samples}/prepare/wmt-xml",
            "--source", "wmt-xml={samples}/prepare/wmt-xml-paragraphs",
            "--source", "alma-json={samples}/prepare/alma-json",
            "--source", "xalma-parquet={samples}/prepare/xalma-parquet",
            "--split-sentences"),
        KillPoint.after("Wrote rejected_pairs", 1, 0),             // three committed, two to go
        KillPoint.after("Merging into parallel_sentences", 1, 0))); // during the first of five commits
    steps.add(step("build-training", List.of("--strategy", "dat", "--sample", "1012"),
        KillPoint.after("as parquet", 1, 0),                       // JSONL written, parquet half
        KillPoint.after("Merging into training_shards", 1, 0)));   // files done, manifest commit
    steps.add(step("register-adapters", List.of("--from", "{samples}/adapters"),
        KillPoint.after("Merging into adapters", 1, 0),
        KillPoint.after("Wrote adapters", 1, 0)));
    steps.add(step("merge-groups", List.of("--method", "ties", "--density", "0.5"),
        KillPoint.after("Wrote merges", 1, 0),                     // merges committed, adapters not
        KillPoint.after("Merged group", 1, 0)));                   // one group's files, no rows
    steps.add(step("translate", List.of(
            "--model", "{samples}/models/tiny-llama", "--test-set", "flores200:devtest",
            // de-fr, zh-cs: non-English pairs read through the English alignment (issue #14)
            "--directions", "de-en,en-de,fr-en,de-fr,zh-cs", "--routing", "none", "--num-beams", "1",
            "--max-new-tokens", "24", "--batch-size", "4", "--commit-segments", "20"),
        KillPoint.after("Wrote translations", 1, 0),               // chunk 1 of 5 committed
        KillPoint.after("Merging into translations", 1, 0)));      // during chunk 1
    // outputs made elsewhere: here the English references themselves, as a second system
    steps.add(step("import-translations", List.of(
            "--system-id", "reference-copy", "--test-set", "flores200:devtest", "--direction", "de-en",
            "--hyp", "{samples}/prepare/flores200/eng_Latn.devtest"),
        KillPoint.after("Merging into systems", 1, 0),             // translations committed, systems not
        KillPoint.after("Merging into translations", 1, 0)));
    steps.add(step("evaluate", List.of("--metrics", "bleu,chrf++"),
        KillPoint.after("Wrote segment_scores", 1, 0),             // before system_scores
        KillPoint.after("Merging into segment_scores", 1, 0)));
    steps.add(step("analyze", List.of(
            "--baseline", "tiny-llama-none", "--systems", "reference-copy", "--metrics", "bleu,chrf++"),
        KillPoint.after("Merging into analysis_curves", 1, 0),     // deltas committed, three tables to go
        KillPoint.after("Merging into analysis_deltas", 1, 0)));
    steps.add(step("report", List.of(),
        KillPoint.after("Wrote report file", 1, 0),                // first chart written
        KillPoint.after("Wrote report file", 3, 0)));
    return steps;
  }

  private static PipelineStep step(String command, List<String> options, KillPoint... killPoints) {
    List<String> args = new ArrayList<>(List.of(command, "--warehouse", "{warehouse}", "--database", "{db}",
        "--run-id", "{run}", "--master", "local[2]"));
    args.addAll(options);
    return new PipelineStep(command, args, List.of(killPoints));
  }
}

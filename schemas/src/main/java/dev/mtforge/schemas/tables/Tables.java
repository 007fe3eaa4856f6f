package dev.mtforge.schemas.tables;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every table mtforge writes. Language columns hold registry ISO 639-1 codes; {@code direction}
 * is {@code xx-en}, {@code en-xx} or {@code xx-yy}; {@code group_id} is a registry group.
 * docs/TABLES.md is generated from these definitions by {@code bin/mtforge tables --markdown}.
 */
public final class Tables {

  /** The language registry as loaded by the run that last wrote it (conf/languages.csv). */
  public static final TableContract LANGUAGES =
      TableContract.of(
          "languages",
          "code STRING NOT NULL, flores_code STRING NOT NULL, name STRING NOT NULL,"
              + " script STRING NOT NULL, resource_level STRING NOT NULL,"
              + " group_ids ARRAY<INT> NOT NULL, group_names ARRAY<STRING> NOT NULL",
          List.of(),
          List.of("code"),
          "One row per registry language; join on code for groups, scripts and resource levels.");

  /** Aligned sentence pairs from every ingested dataset, in each direction they are used. */
  public static final TableContract PARALLEL_SENTENCES =
      TableContract.of(
          "parallel_sentences",
          "dataset STRING NOT NULL, split STRING NOT NULL, doc_id STRING, seg_id INT NOT NULL,"
              + " src_lang STRING NOT NULL, tgt_lang STRING NOT NULL, src_text STRING NOT NULL,"
              + " tgt_text STRING NOT NULL, extra_refs ARRAY<STRING>, direction STRING NOT NULL,"
              + " group_ids ARRAY<INT>, resource_level STRING, pair_hash STRING NOT NULL,"
              + " source_file STRING, flags ARRAY<STRING>",
          List.of("dataset", "split"),
          List.of("dataset", "split", "src_lang", "tgt_lang", "doc_id", "seg_id"),
          "One aligned segment pair (src_lang -> tgt_lang) of a dataset split; seg_id is 1-based"
              + " within its file or document set.");

  /**
   * Source sentences of paragraph-level test segments (prepare --split-sentences), so that a
   * system can translate sentence by sentence and the outputs can be re-joined per paragraph.
   */
  public static final TableContract PARAGRAPH_SENTENCES =
      TableContract.of(
          "paragraph_sentences",
          "dataset STRING NOT NULL, split STRING NOT NULL, src_lang STRING NOT NULL,"
              + " tgt_lang STRING NOT NULL, direction STRING NOT NULL, doc_id STRING,"
              + " seg_id INT NOT NULL, sent_idx INT NOT NULL, sent_count INT NOT NULL,"
              + " src_sentence STRING NOT NULL, char_begin INT NOT NULL, char_end INT NOT NULL,"
              + " segmenter STRING NOT NULL, source_file STRING",
          List.of("dataset", "split"),
          List.of("dataset", "split", "src_lang", "tgt_lang", "doc_id", "seg_id", "sent_idx"),
          "One source sentence of a paragraph-level segment of parallel_sentences (same dataset,"
              + " split, languages, doc_id and seg_id); sent_idx is 1-based of sent_count, and"
              + " [char_begin, char_end) is its span in the paragraph's src_text. The paragraph and"
              + " its reference stay in parallel_sentences for paragraph-level scoring.");

  /** Training pairs that a filter or the contamination check dropped, with the reason. */
  public static final TableContract REJECTED_PAIRS =
      TableContract.of(
          "rejected_pairs",
          "dataset STRING NOT NULL, split STRING NOT NULL, doc_id STRING, seg_id INT NOT NULL,"
              + " src_lang STRING NOT NULL, tgt_lang STRING NOT NULL, src_text STRING,"
              + " tgt_text STRING, pair_hash STRING NOT NULL, reason STRING NOT NULL,"
              + " detail STRING, source_file STRING",
          List.of("dataset"),
          List.of("dataset", "split", "src_lang", "tgt_lang", "doc_id", "seg_id", "reason"),
          "A training pair that was not kept, and why (filter name or contaminating test set).");

  /** WMT system submissions read with a test set (wmt-txt hyp files, wmt-xml {@code <hyp>}). */
  public static final TableContract WMT_SYSTEM_OUTPUTS =
      TableContract.of(
          "wmt_system_outputs",
          "system STRING NOT NULL, dataset STRING NOT NULL, split STRING NOT NULL,"
              + " src_lang STRING NOT NULL, tgt_lang STRING NOT NULL, doc_id STRING,"
              + " seg_id INT NOT NULL, source_text STRING NOT NULL, hypothesis STRING NOT NULL,"
              + " source_file STRING",
          List.of("dataset"),
          List.of("system", "dataset", "split", "src_lang", "tgt_lang", "doc_id", "seg_id"),
          "One segment of a WMT system submission; joins parallel_sentences on dataset, split,"
              + " languages, doc_id and seg_id, so it can be scored like our own translations.");

  /** Per dataset, split and direction: sizes and length distribution of parallel_sentences. */
  public static final TableContract DATA_STATS =
      TableContract.of(
          "data_stats",
          "dataset STRING NOT NULL, split STRING NOT NULL, src_lang STRING NOT NULL,"
              + " tgt_lang STRING NOT NULL, direction STRING NOT NULL, pairs BIGINT NOT NULL,"
              + " rejected BIGINT NOT NULL, src_chars_p50 INT, src_chars_p95 INT,"
              + " tgt_chars_p50 INT, tgt_chars_p95 INT, src_words BIGINT, tgt_words BIGINT,"
              + " tokenizer STRING, src_tokens BIGINT, tgt_tokens BIGINT, src_fertility DOUBLE,"
              + " tgt_fertility DOUBLE",
          List.of(),
          List.of("dataset", "split", "src_lang", "tgt_lang"),
          "Size and length percentiles (characters) of one dataset split and direction; rejected"
              + " counts the pairs of the language pair that filters dropped; fertility = tokens per"
              + " whitespace word (per character for zh/ja) when a tokenizer was given.");

  /** One row per adapter training set written by build-training. */
  public static final TableContract TRAINING_SHARDS =
      TableContract.of(
          "training_shards",
          "adapter_id STRING NOT NULL, strategy STRING NOT NULL, direction STRING NOT NULL,"
              + " group_id INT, languages ARRAY<STRING> NOT NULL, pairs BIGINT NOT NULL,"
              + " whitespace_tokens BIGINT, tokenizer_tokens BIGINT, sample_size INT, seed BIGINT,"
              + " jsonl_path STRING, parquet_path STRING, code_switch_ratio DOUBLE,"
              + " code_switch_dictionaries ARRAY<STRUCT<file: STRING, sha256: STRING, entries: BIGINT,"
              + " malformed_lines: BIGINT>>, augmented_pairs BIGINT",
          List.of("strategy"),
          List.of("strategy", "adapter_id"),
          "The training set of one adapter to train (e.g. DAT: 49 xx-en shards + 8 en-xx shards);"
              + " with build-training --code-switch, pairs includes augmented_pairs code-switched"
              + " copies, made from code_switch_dictionaries (MUSE files, their sha256, entry and"
              + " malformed line counts) with word replacement probability code_switch_ratio.");

  /** One row per translated segment. */
  public static final TableContract TRANSLATIONS =
      TableContract.of(
          "translations",
          "system_id STRING NOT NULL, dataset STRING NOT NULL, split STRING NOT NULL,"
              + " src_lang STRING NOT NULL, tgt_lang STRING NOT NULL, direction STRING NOT NULL,"
              + " doc_id STRING, seg_id INT NOT NULL, source_text STRING NOT NULL,"
              + " hypothesis STRING NOT NULL, raw_output STRING, strategy STRING,"
              + " adapter_id STRING, group_id INT, model STRING, decoding STRING,"
              + " prompt_tokens INT, output_tokens INT, latency_ms DOUBLE, detected_lang STRING,"
              + " off_target BOOLEAN, pivot_lang STRING",
          List.of("system_id"),
          List.of("system_id", "dataset", "split", "src_lang", "tgt_lang", "doc_id", "seg_id"),
          "A system's output for one test segment, with the adapter and decoding that made it; a"
              + " pivoted segment (pivot_lang set) has the system's src -> pivot_lang row as its first"
              + " leg, and its own adapter and tokens are the second leg's.");

  /** One row per scored segment and metric. */
  public static final TableContract SEGMENT_SCORES =
      TableContract.of(
          "segment_scores",
          "system_id STRING NOT NULL, dataset STRING NOT NULL, split STRING NOT NULL,"
              + " src_lang STRING NOT NULL, tgt_lang STRING NOT NULL, doc_id STRING,"
              + " seg_id INT NOT NULL, metric STRING NOT NULL, signature STRING NOT NULL,"
              + " score DOUBLE NOT NULL, stats ARRAY<BIGINT>",
          List.of("metric"),
          List.of(
              "system_id", "dataset", "split", "src_lang", "tgt_lang", "doc_id", "seg_id", "metric",
              "signature"),
          "A sentence-level score with the sufficient statistics it was computed from.");

  /** Corpus scores, per language pair and aggregated per group, resource level and overall. */
  public static final TableContract SYSTEM_SCORES =
      TableContract.of(
          "system_scores",
          "system_id STRING NOT NULL, dataset STRING NOT NULL, split STRING NOT NULL,"
              + " scope STRING NOT NULL, src_lang STRING, tgt_lang STRING, direction STRING,"
              + " group_id INT, resource_level STRING, strategy STRING, metric STRING NOT NULL,"
              + " signature STRING NOT NULL, score DOUBLE NOT NULL, segments BIGINT NOT NULL,"
              + " stats ARRAY<BIGINT>, ci_low DOUBLE, ci_high DOUBLE",
          List.of(),
          List.of(
              "system_id", "dataset", "split", "scope", "src_lang", "tgt_lang", "direction",
              "group_id", "resource_level", "metric", "signature"),
          "A corpus score of a system on a test set; scope is pair, direction, group, resource or"
              + " all.");

  /** LoRA adapters known to the pipeline. */
  public static final TableContract ADAPTERS =
      TableContract.of(
          "adapters",
          "adapter_id STRING NOT NULL, path STRING NOT NULL, strategy STRING, direction STRING,"
              + " language STRING, group_id INT, rank INT, lora_alpha DOUBLE,"
              + " target_modules ARRAY<STRING>, base_model STRING, sha256 STRING",
          List.of(),
          List.of("adapter_id"),
          "One PEFT adapter folder and what it was trained for (language for xx-en DAT adapters,"
              + " group for en-xx and merged ones).");

  /** One row per merged adapter. */
  public static final TableContract MERGES =
      TableContract.of(
          "merges",
          "merge_id STRING NOT NULL, output_adapter_id STRING NOT NULL, direction STRING,"
              + " group_id INT, method STRING NOT NULL, preset STRING,"
              + " options MAP<STRING, STRING>,"
              + " inputs ARRAY<STRUCT<adapter_id: STRING, path: STRING, sha256: STRING,"
              + " weight: DOUBLE>> NOT NULL, output_path STRING NOT NULL,"
              + " tensor_stats ARRAY<STRUCT<tensor: STRING, kept_fraction: DOUBLE,"
              + " sign_conflict_rate: DOUBLE>>",
          List.of(),
          List.of("merge_id"),
          "A merge of several adapters into one, with its inputs (and their sha256), options and"
              + " per-tensor statistics.");

  /**
   * What each system is: who made it, with which strategy, model, adapters, decoding and prompt.
   * {@code translate} and {@code import-translations} write it; {@code analyze} back-fills rows of
   * older systems from {@code translations}.
   */
  public static final TableContract SYSTEMS =
      TableContract.of(
          "systems",
          "system_id STRING NOT NULL, made_by STRING NOT NULL, strategy STRING NOT NULL,"
              + " model STRING, training_languages ARRAY<STRING>, adapters MAP<STRING, STRING>,"
              + " decoding MAP<STRING, STRING>, prompt_template STRING, prompt_text STRING,"
              + " pivot_lang STRING",
          List.of(),
          List.of("system_id"),
          "One system (a system_id of translations): made_by is translate or import; strategy is"
              + " none, separate, group, multilingual, dat, datm or external; training_languages are"
              + " the languages its adapters were trained on ([] for none, null when unknown);"
              + " adapters maps a language pair (de-en) to the adapter_id that translated it;"
              + " decoding holds the generation settings by name (num_beams, max_new_tokens, ...);"
              + " prompt_template names the prompt and prompt_text is it with {src_lang},"
              + " {tgt_lang} and {source} placeholders; pivot_lang is the language a pivoted"
              + " system translates through (null: direct).");

  /**
   * Conflict and synergy: each system against a baseline per language pair (with sacreBLEU's
   * paired bootstrap), and the pair deltas averaged per direction, language group and resource
   * level.
   */
  public static final TableContract ANALYSIS_DELTAS =
      TableContract.of(
          "analysis_deltas",
          "baseline_id STRING NOT NULL, system_id STRING NOT NULL, dataset STRING NOT NULL,"
              + " split STRING NOT NULL, metric STRING NOT NULL, scope STRING NOT NULL,"
              + " direction STRING NOT NULL, src_lang STRING, tgt_lang STRING, language STRING,"
              + " group_id INT, resource_level STRING, score DOUBLE NOT NULL,"
              + " baseline_score DOUBLE NOT NULL, delta DOUBLE NOT NULL, p_value DOUBLE,"
              + " significant BOOLEAN, reading STRING NOT NULL, pairs INT NOT NULL,"
              + " wins INT NOT NULL, losses INT NOT NULL, segments BIGINT NOT NULL,"
              + " higher_is_better BOOLEAN NOT NULL, samples INT NOT NULL, seed BIGINT NOT NULL",
          List.of(),
          List.of(
              "baseline_id", "system_id", "dataset", "split", "metric", "scope", "direction",
              "src_lang", "tgt_lang", "group_id", "resource_level"),
          "A system against a baseline on one test set and metric. scope pair: one language pair"
              + " (language is its non-English side), delta = score - baseline_score, p_value from"
              + " sacreBLEU's paired bootstrap (samples, seed) on the pair's segments in (doc_id,"
              + " seg_id) order, significant when p_value <= 0.05; scope group, resource or"
              + " direction: means of the pair rows, with pairs counted and wins/losses counting"
              + " significant pairs better/worse than the baseline. reading is the paper's: synergy"
              + " when the system is better (delta > 0, or < 0 for TER), conflict when worse.");

  /** The curse-of-multilinguality curve: mean score per direction against training languages. */
  public static final TableContract ANALYSIS_CURVES =
      TableContract.of(
          "analysis_curves",
          "baseline_id STRING NOT NULL, system_id STRING NOT NULL, dataset STRING NOT NULL,"
              + " split STRING NOT NULL, metric STRING NOT NULL, direction STRING NOT NULL,"
              + " strategy STRING, training_languages INT, score DOUBLE NOT NULL, pairs INT NOT NULL,"
              + " anchor_score DOUBLE, anchor_pairs INT NOT NULL",
          List.of(),
          List.of("baseline_id", "system_id", "dataset", "split", "metric", "direction"),
          "One point of the curse-of-multilinguality curve: an analysed system (or the baseline)"
              + " with the number of languages in systems.training_languages and its mean pair"
              + " score per direction (xx-en, en-xx, xx-yy, or all); anchor_score is the mean over"
              + " the anchor pairs, those every system of the analysis was scored on.");

  /** DAT against DATM: what merging the adapters cost, per direction and group. */
  public static final TableContract ANALYSIS_MERGE_COST =
      TableContract.of(
          "analysis_merge_cost",
          "datm_system_id STRING NOT NULL, dat_system_id STRING NOT NULL,"
              + " dataset STRING NOT NULL, split STRING NOT NULL, metric STRING NOT NULL,"
              + " direction STRING NOT NULL, group_id INT, pairs INT NOT NULL,"
              + " dat_score DOUBLE NOT NULL, datm_score DOUBLE NOT NULL, delta DOUBLE NOT NULL,"
              + " merges INT NOT NULL, merged_adapters INT NOT NULL, input_parameters BIGINT,"
              + " output_parameters BIGINT, merged_parameters BIGINT,"
              + " delta_per_million_parameters DOUBLE, cost_ratio_vs_xx_en DOUBLE",
          List.of(),
          List.of("datm_system_id", "dat_system_id", "dataset", "split", "metric", "direction", "group_id"),
          "DATM against DAT (same model) on the pairs whose DATM adapter is a merge output:"
              + " delta = mean(datm - dat) pair score per direction and merge group (group_id"
              + " null: the whole direction); merged_parameters = parameters of the merge inputs"
              + " minus the output's (read from the adapter files), delta_per_million_parameters ="
              + " delta / merged_parameters * 1e6; on a direction row other than xx-en,"
              + " cost_ratio_vs_xx_en is its delta per parameter over xx-en's (the paper: 6.86 for"
              + " en-xx).");

  /** Share of outputs in the wrong language, per system and pair. */
  public static final TableContract ANALYSIS_OFF_TARGET =
      TableContract.of(
          "analysis_off_target",
          "system_id STRING NOT NULL, dataset STRING NOT NULL, split STRING NOT NULL,"
              + " src_lang STRING NOT NULL, tgt_lang STRING NOT NULL, direction STRING NOT NULL,"
              + " segments BIGINT NOT NULL, checked BIGINT NOT NULL, off_target BIGINT NOT NULL,"
              + " rate DOUBLE, top_wrong_lang STRING",
          List.of(),
          List.of("system_id", "dataset", "split", "src_lang", "tgt_lang"),
          "Off-target outputs of a system on a language pair, from translations: checked counts"
              + " the outputs with a language verdict, rate = off_target / checked (null when none"
              + " was checked), top_wrong_lang the language most often detected instead.");

  /** Every contract, in pipeline order. */
  public static final List<TableContract> ALL =
      List.of(
          LANGUAGES,
          PARALLEL_SENTENCES,
          PARAGRAPH_SENTENCES,
          REJECTED_PAIRS,
          WMT_SYSTEM_OUTPUTS,
          DATA_STATS,
          TRAINING_SHARDS,
          TRANSLATIONS,
          SEGMENT_SCORES,
          SYSTEM_SCORES,
          ADAPTERS,
          MERGES,
          SYSTEMS,
          ANALYSIS_DELTAS,
          ANALYSIS_CURVES,
          ANALYSIS_MERGE_COST,
          ANALYSIS_OFF_TARGET);

  private static final Map<String, TableContract> BY_NAME =
      ALL.stream().collect(Collectors.toUnmodifiableMap(TableContract::name, Function.identity()));

  private Tables() {}

  /** The contract of a table by its plain name. */
  public static TableContract byName(String name) {
    TableContract contract = BY_NAME.get(name);
    if (contract == null) {
      throw new IllegalArgumentException(
          "Unknown table '" + name + "'; known: "
              + ALL.stream().map(TableContract::name).collect(Collectors.joining(", ")));
    }
    return contract;
  }
}

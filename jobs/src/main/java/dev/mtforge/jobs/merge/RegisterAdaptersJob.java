package dev.mtforge.jobs.merge;

import dev.mtforge.jobs.warehouse.RunContext;
import dev.mtforge.jobs.warehouse.Warehouse;
import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.schemas.InvalidOptionException;
import dev.mtforge.schemas.languages.Language;
import dev.mtforge.schemas.languages.LanguageRegistry;
import dev.mtforge.schemas.tables.Tables;
import dev.mtforge.udfs.tensor.merge.Sha256;
import dev.mtforge.udfs.tensor.peft.PeftAdapter;
import dev.mtforge.udfs.tensor.peft.PeftConfig;
import dev.mtforge.udfs.tensor.safetensors.HadoopTensorFiles;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Fills the {@code adapters} table from a folder layout or a CSV. Every adapter is loaded and
 * validated (config, safetensors header, A/B pairing) and hashed before anything is written; the
 * rows are upserted on {@code adapter_id}, so registering again changes only what changed.
 *
 * <p>Folder layout: {@code <root>/<direction>/<name>/adapter_config.json} with direction
 * {@code xx-en} or {@code en-xx} and name a registry language code ({@code de}) or
 * {@code group-<id>}; the id is {@code <strategy>-<direction>-<name>}. CSV: header
 * {@code adapter_id,path,direction,language,group_id[,strategy]}; relative paths are resolved
 * against the CSV's folder.
 */
public final class RegisterAdaptersJob {
  /** Strategy written for adapters found in a folder layout. Default: dat (direction-aware training). */
  public static final String STRATEGY = "register.strategy";
  public static final String STRATEGY_DEFAULT = "dat";
  private static final Set<String> VALID_OPTIONS = Set.of(STRATEGY);
  private static final Set<String> DIRECTIONS = Set.of("xx-en", "en-xx");

  private final Warehouse warehouse;
  private final LanguageRegistry registry;
  private final RunContext run;
  private final Map<String, String> options = new java.util.HashMap<>();
  private String source;

  public RegisterAdaptersJob(Warehouse warehouse, LanguageRegistry registry, RunContext run) {
    this.warehouse = Objects.requireNonNull(warehouse, "warehouse");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.run = Objects.requireNonNull(run, "run");
  }

  /** The folder (layout above) or {@code .csv} file to register. */
  public RegisterAdaptersJob source(String folderOrCsv) {
    this.source = folderOrCsv;
    return this;
  }

  public RegisterAdaptersJob option(String key, String value) {
    if (!VALID_OPTIONS.contains(key)) {
      throw new InvalidOptionException("Unknown option '" + key + "' for register-adapters; known: " + VALID_OPTIONS);
    }
    options.put(key, value);
    return this;
  }

  /** An adapter to register, before validation. */
  record Candidate(String id, String path, String strategy, String direction, String language, Integer groupId) {}

  public Result execute() {
    Objects.requireNonNull(source, "source");
    warehouse.spark().sparkContext().setJobGroup("mtforge-register-adapters", "Register adapters from " + source, false);
    Configuration conf = warehouse.spark().sparkContext().hadoopConfiguration();
    TensorFiles files = new HadoopTensorFiles(conf);
    List<Candidate> candidates = source.toLowerCase(Locale.ROOT).endsWith(".csv") ? fromCsv(conf) : fromFolders(conf);
    List<Row> rows = new ArrayList<>();
    for (Candidate c : candidates) {
      PeftConfig config;
      try (PeftAdapter adapter = PeftAdapter.load(files, c.path())) {
        config = adapter.config();
      }
      String sha = Sha256.ofAdapter(files, c.path(), PeftAdapter.CONFIG_FILE, PeftAdapter.WEIGHTS_FILE);
      List<String> targets = config.targetModules().isEmpty() && config.targetModulesRegex() != null
          ? List.of(config.targetModulesRegex()) : config.targetModules();
      rows.add(RowFactory.create(c.id(), c.path(), c.strategy(), c.direction(), c.language(), c.groupId(),
          config.r(), config.loraAlpha(), targets, config.baseModel(), sha));
    }
    long inserted = rows.isEmpty() ? 0
        : warehouse.upsert(Tables.ADAPTERS, run.stamp(frame(rows), source));
    return new Result(candidates.stream().map(Candidate::id).toList(), inserted);
  }

  private List<Candidate> fromFolders(Configuration conf) {
    String strategy = options.getOrDefault(STRATEGY, STRATEGY_DEFAULT);
    Path root = new Path(source);
    List<Candidate> found = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        throw new InvalidInputException(source + ": adapter folder not found", source, null);
      }
      TreeSet<String> seen = new TreeSet<>();
      for (FileStatus dirStatus : fs.listStatus(root)) {
        String direction = dirStatus.getPath().getName();
        if (!dirStatus.isDirectory() || !DIRECTIONS.contains(direction)) {
          continue;
        }
        for (FileStatus adapter : fs.listStatus(dirStatus.getPath())) {
          if (!adapter.isDirectory() || !fs.exists(new Path(adapter.getPath(), PeftAdapter.CONFIG_FILE))) {
            continue;
          }
          String name = adapter.getPath().getName();
          String path = fs.makeQualified(adapter.getPath()).toString();
          seen.add(path);
          found.add(candidate(strategy + "-" + direction + "-" + name, path, strategy, direction, name, path));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list adapters under " + source, e);
    }
    if (found.isEmpty()) {
      throw new InvalidInputException(source + ": no adapters found (expected <direction>/<language or group-N>/"
          + PeftAdapter.CONFIG_FILE + " with direction xx-en or en-xx)", source, null);
    }
    found.sort(java.util.Comparator.comparing(Candidate::id));
    return found;
  }

  private Candidate candidate(String id, String path, String strategy, String direction, String name, String where) {
    if (name.startsWith("group-")) {
      int group;
      try {
        group = Integer.parseInt(name.substring("group-".length()));
      } catch (NumberFormatException e) {
        throw new InvalidInputException(where + ": folder name '" + name + "' is neither a language code nor group-<id>",
            where, null);
      }
      registry.group(group);
      return new Candidate(id, path, strategy, direction, null, group);
    }
    Language language = registry.language(name);
    int group = language.groups().first();
    return new Candidate(id, path, strategy, direction, language.code(), group);
  }

  private List<Candidate> fromCsv(Configuration conf) {
    Path csv = new Path(source);
    List<Candidate> found = new ArrayList<>();
    try {
      FileSystem fs = csv.getFileSystem(conf);
      Path base = fs.makeQualified(csv).getParent();
      List<AdapterCsv.Entry> entries;
      try (InputStream in = fs.open(csv)) {
        entries = AdapterCsv.read(in, source, registry, options.getOrDefault(STRATEGY, STRATEGY_DEFAULT));
      }
      for (AdapterCsv.Entry e : entries) {
        String qualified = e.relative() ? new Path(base, e.path()).toString() : fs.makeQualified(new Path(e.path())).toString();
        found.add(new Candidate(e.id(), qualified, e.strategy(), e.direction(), e.language(), e.groupId()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + source, e);
    }
    return found;
  }

  private Dataset<Row> frame(List<Row> rows) {
    return warehouse.spark().createDataFrame(rows, Tables.ADAPTERS.dataSchema());
  }

  /**
   * What the run did.
   *
   * @param adapterIds adapters found and validated, in id order
   * @param inserted rows new to the table (0 on a re-run)
   */
  public record Result(List<String> adapterIds, long inserted) {}
}

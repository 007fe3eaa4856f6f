package dev.mtforge.udfs.reliability;

import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.udfs.inference.ModelManifest;
import dev.mtforge.udfs.readers.AlmaJsonReader;
import dev.mtforge.udfs.readers.LineFileReader;
import dev.mtforge.udfs.readers.SgmlReader;
import dev.mtforge.udfs.readers.WmtXmlReader;
import dev.mtforge.udfs.spark.TokenCountUdf;
import dev.mtforge.udfs.tensor.peft.PeftAdapter;
import dev.mtforge.udfs.tensor.safetensors.SafetensorsFile;
import dev.mtforge.udfs.tensor.safetensors.TensorSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The parsers mtforge runs on files users bring, each with valid seed inputs from sample-data/:
 * the fuzz tests and the campaign feed them mutants and require a result or an
 * {@link InvalidInputException} (exit 3), nothing else, within a time limit.
 */
public final class HostileInputs {
  /** A parser under test. */
  public interface Parser {
    void parse(byte[] input) throws Exception;
  }

  /** A named parser and its seeds. */
  public record Target(String name, List<byte[]> seeds, Parser parser) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** How one input ended: null problem means a result or a named error. */
  public record Verdict(String problem, Throwable thrown) {
    public boolean ok() {
      return problem == null;
    }
  }

  private HostileInputs() {}

  /** Every parser target, seeds read from {@code sample-data} under {@code repo}. */
  public static List<Target> all(Path repo) {
    Path samples = repo.resolve("sample-data");
    List<Target> targets = new ArrayList<>();
    targets.add(new Target("flores-ntrex-lines", read(samples, "prepare/flores200/deu_Latn.devtest",
        "prepare/ntrex128/newstest2019-ref.zho-CN.txt"),
        in -> LineFileReader.read(new ByteArrayInputStream(in), "deu_Latn.devtest")));
    targets.add(new Target("wmt-sgml", read(samples, "prepare/wmt-sgml/newstest2019-encs-src.en.sgm",
        "prepare/wmt-sgml/newstest2019-encs-ref.cs.sgm"),
        in -> SgmlReader.read(LineFileReader.read(new ByteArrayInputStream(in), "src.en.sgm"), "src.en.sgm")));
    targets.add(new Target("wmt-xml", read(samples, "prepare/wmt-xml/wmttest2022.en-ru.all.xml",
        "prepare/wmt-xml-paragraphs/wmttest2023.de-en.all.xml"),
        in -> WmtXmlReader.read(new ByteArrayInputStream(in), "wmttest.all.xml")));
    targets.add(new Target("alma-json", read(samples, "prepare/alma-json/csen/valid.cs-en.json",
        "prepare/alma-json/csen/train.cs-en.json"),
        in -> AlmaJsonReader.read(LineFileReader.read(new ByteArrayInputStream(in), "valid.cs-en.json"),
            "valid.cs-en.json", "cs", "en")));
    List<byte[]> safetensors = new ArrayList<>(read(samples, "adapters/xx-en/de/adapter_model.safetensors"));
    safetensors.add(safetensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
        + "\"b\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[16,22]},\"__metadata__\":{\"format\":\"pt\"}}", 22));
    safetensors.add(safetensors("{\"w\":{\"dtype\":\"BF16\",\"shape\":[2,1],\"data_offsets\":[0,4]}}", 4));
    targets.add(new Target("safetensors", safetensors, HostileInputs::readSafetensors));
    targets.add(new Target("adapter-config", read(samples, "adapters/xx-en/de/adapter_config.json",
        "models/tiny-llama/adapters/dat-de-en/adapter_config.json"),
        in -> PeftAdapter.readConfig(new MemoryTensorFiles().put("a/adapter_config.json", in), "a/adapter_config.json")));
    targets.add(new Target("tokenizer-json", read(samples, "models/tiny-llama/tokenizer.json"),
        in -> TokenCountUdf.check(in, "tokenizer.json")));
    targets.add(new Target("model-manifest", read(samples, "models/tiny-llama/mtforge-model.json"),
        in -> ModelManifest.parse(in, "mtforge-model.json")));
    return targets;
  }

  /** Opens a safetensors file and reads every tensor it declares. */
  static void readSafetensors(byte[] in) {
    MemoryTensorFiles files = new MemoryTensorFiles().put("m.safetensors", in);
    try (SafetensorsFile file = SafetensorsFile.open(files, "m.safetensors")) {
      for (TensorSpec spec : file.specs()) {
        file.readFloats(spec.name());
      }
    }
  }

  /** A safetensors file: 8-byte little-endian header length, the header, then zeroed data. */
  static byte[] safetensors(String header, int dataBytes) {
    byte[] json = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ByteBuffer buffer = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putLong(json.length).put(json);
    return buffer.array();
  }

  /**
   * Runs one input with a time limit. A result or an {@link InvalidInputException} is fine;
   * anything else (another exception, an error such as OutOfMemoryError, a timeout) is a problem.
   */
  public static Verdict check(ExecutorService executor, Target target, byte[] input, Duration limit) {
    Future<?> run = executor.submit(() -> {
      target.parser().parse(input);
      return null;
    });
    try {
      run.get(limit.toMillis(), TimeUnit.MILLISECONDS);
      return new Verdict(null, null);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof InvalidInputException) {
        return new Verdict(null, cause);
      }
      return new Verdict(target + ": " + cause.getClass().getName() + ": " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      run.cancel(true);
      return new Verdict(target + ": no result within " + limit, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Verdict(target + ": interrupted", e);
    }
  }

  /** A daemon single-thread executor (a hung parse must not keep the JVM alive). */
  public static ExecutorService executor() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread thread = new Thread(r, "hostile-input");
      thread.setDaemon(true);
      return thread;
    });
  }

  private static List<byte[]> read(Path root, String... files) {
    List<byte[]> seeds = new ArrayList<>();
    for (String file : files) {
      try {
        seeds.add(Files.readAllBytes(root.resolve(file)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return seeds;
  }
}

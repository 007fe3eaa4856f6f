package dev.mtforge.udfs.inference;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Probe (not a test, not used by the jobs): the whole greedy decode loop inside one ONNX Runtime
 * run, with the {@code com.microsoft} GreedySearch operator around a package's decoder
 * ({@code bench/inference/greedy_search_graph.py PACKAGE} writes that graph into the package),
 * against the step graph
 * driven from Java. Checks the golden greedy cases of a package, then times both paths on the
 * same synthetic segments and counts the bytes each sends to and receives from the engine.
 *
 * <pre>{@code java -cp <udfs classpath> dev.mtforge.udfs.inference.DecodeLoopProbe \
 *     PACKAGE PACKAGE/greedy_search.onnx GOLDEN.json|none SEGMENTS BATCH MAX_NEW ROUNDS}</pre>
 */
public final class DecodeLoopProbe {
  private DecodeLoopProbe() {}

  public static void main(String[] args) throws Exception {
    Path pkg = Path.of(args[0]);
    Path searchFile = Path.of(args[1]);
    JsonNode golden = args[2].equals("none") ? null : new ObjectMapper().readTree(Path.of(args[2]).toFile());
    int segments = Integer.parseInt(args[3]);
    int batch = Integer.parseInt(args[4]);
    int maxNew = Integer.parseInt(args[5]);
    int rounds = Integer.parseInt(args[6]);
    CausalLm lm = CausalLm.load(ModelSpec.of(pkg.toString()).withThreads(1));
    Model search = Model.newInstance("greedy-search", Device.cpu(), CausalLm.ENGINE);
    String name = searchFile.getFileName().toString();
    search.load(searchFile.getParent(), name.substring(0, name.length() - 5),
        Map.of("intraOpNumThreads", "1", "interOpNumThreads", "1"));
    GenerationSettings defaults = lm.generationDefaults();
    try (Predictor<NDList, NDList> predictor = search.newPredictor(new NoopTranslator());
        CausalLm.Session session = lm.newSession()) {
      // 1. Golden greedy cases: same tokens as the torch reference?
      for (JsonNode c : golden == null ? List.<JsonNode>of() : golden.get("cases")) {
        if (!c.get("mode").asText().equals("greedy")) {
          continue;
        }
        List<long[]> prompts = new ArrayList<>();
        List<LoraAdapter> adapters = new ArrayList<>();
        for (int i = 0; i < c.get("adapters").size(); i++) {
          prompts.add(lm.encode(golden.get("prompts").get(i).asText()));
          JsonNode id = c.get("adapters").get(i);
          adapters.add(id.isNull() ? null : PeftLoraLoader.load(lm.manifest(), TensorFiles.local(), id.asText(),
              pkg.resolve("adapters").resolve(id.asText()).toString()));
        }
        List<Generation> out = run(search, predictor, lm, prompts, new LoraBatch(lm.manifest(), adapters),
            c.get("max_new_tokens").asInt(), defaults, new long[2]);
        int same = 0;
        for (int i = 0; i < out.size(); i++) {
          long[] expected = new long[c.get("outputs").get(i).get("tokens").size()];
          for (int t = 0; t < expected.length; t++) {
            expected[t] = c.get("outputs").get(i).get("tokens").get(t).asLong();
          }
          same += Arrays.equals(expected, out.get(i).tokens()) ? 1 : 0;
          if (System.getProperty("probe.debug") != null && i == 0) {
            System.out.println("expected " + Arrays.toString(expected) + "\nactual   " + Arrays.toString(out.get(i).tokens()));
          }
        }
        System.out.printf(Locale.ROOT, "golden %s: %d of %d rows identical%n", c.get("name").asText(), same, out.size());
      }
      // 2. Timing on synthetic segments, sorted by length, batch by batch.
      List<BatchTranslator.Input> inputs = DecodeBenchmark.inputs(segments, List.of());
      List<long[]> prompts = new ArrayList<>();
      for (BatchTranslator.Input in : inputs) {
        prompts.add(lm.encode(PromptFormat.ALMA.prompt(in.sourceName(), in.targetName(), in.text())));
      }
      prompts.sort(Comparator.comparingInt((long[] p) -> p.length).reversed());
      GenerationSettings greedy = defaults.withNumBeams(1).withMaxNewTokens(maxNew);
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      for (int round = 0; round < rounds; round++) {
        long[] bytes = new long[2];
        long tokensSearch = 0;
        long tokensStep = 0;
        long cpu0 = threads.getCurrentThreadCpuTime();
        for (int start = 0; start < prompts.size(); start += batch) {
          List<long[]> b = prompts.subList(start, Math.min(prompts.size(), start + batch));
          for (Generation g : run(search, predictor, lm, b, LoraBatch.none(lm.manifest(), b.size()), maxNew, defaults, bytes)) {
            tokensSearch += g.outputTokens();
          }
        }
        long cpu1 = threads.getCurrentThreadCpuTime();
        long stepSent0 = session.transfer().stepSent() + session.transfer().batchSent();
        long stepReceived0 = session.transfer().stepReceived();
        for (int start = 0; start < prompts.size(); start += batch) {
          List<long[]> b = prompts.subList(start, Math.min(prompts.size(), start + batch));
          for (Generation g : Generator.generate(session, b, LoraBatch.none(lm.manifest(), b.size()), greedy)) {
            tokensStep += g.outputTokens();
          }
        }
        long cpu2 = threads.getCurrentThreadCpuTime();
        System.out.printf(Locale.ROOT, "round %d: GreedySearch %d tokens, %.1f tokens/CPU s, %d bytes in, %d out;"
                + " step graph %d tokens, %.1f tokens/CPU s, %d bytes in, %d out%n", round, tokensSearch,
            tokensSearch / ((cpu1 - cpu0) / 1e9), bytes[0], bytes[1], tokensStep, tokensStep / ((cpu2 - cpu1) / 1e9),
            session.transfer().stepSent() + session.transfer().batchSent() - stepSent0,
            session.transfer().stepReceived() - stepReceived0);
      }
    } finally {
      search.close();
      lm.close();
    }
  }

  /** One GreedySearch run on a batch; bytes[0] += bytes sent, bytes[1] += bytes received. */
  private static List<Generation> run(Model search, Predictor<NDList, NDList> predictor, CausalLm lm,
      List<long[]> prompts, LoraBatch lora, int maxNew, GenerationSettings defaults, long[] bytes) throws Exception {
    ModelManifest m = lm.manifest();
    long[][] padded = Generator.leftPad(prompts, defaults.padTokenId());
    int rows = padded.length;
    int width = padded[0].length;
    int[] ids = new int[rows * width];
    int[] mask = new int[rows * width];
    for (int r = 0; r < rows; r++) {
      for (int t = 0; t < width; t++) {
        ids[r * width + t] = (int) padded[r][t];
        mask[r * width + t] = t >= width - prompts.get(r).length ? 1 : 0;
      }
    }
    try (NDManager manager = search.getNDManager().newSubManager()) {
      NDList in = new NDList();
      in.add(named(manager.create(ids, new Shape(rows, width)), "input_ids"));
      in.add(named(manager.create(new int[] {width + maxNew}, new Shape(1)), "max_length"));
      in.add(named(manager.create(new int[] {0}, new Shape(1)), "min_length"));
      in.add(named(manager.create(new float[] {1f}, new Shape(1)), "repetition_penalty"));
      in.add(named(manager.create(mask, new Shape(rows, width)), "attention_mask"));
      bytes[0] += 8L * rows * width + 12;
      for (int layer = 0; layer < m.numLayers(); layer++) {
        for (int t = 0; t < m.targets().size(); t++) {
          ModelManifest.LoraTarget target = m.targets().get(t);
          ByteBuffer a = manager.allocateDirect((int) lora.bytesA(t, m.dtype()));
          lora.writeA(layer, t, m.dtype(), a);
          in.add(named(manager.create(a, new Shape(lora.rank(), target.inFeatures()), DataType.FLOAT32),
              ModelManifest.name(m.loraA(), layer, target.module())));
          ByteBuffer b = manager.allocateDirect((int) lora.bytesB(t, m.dtype()));
          lora.writeB(layer, t, m.dtype(), b);
          in.add(named(manager.create(b, new Shape(target.outFeatures(), lora.rank()), DataType.FLOAT32),
              ModelManifest.name(m.loraB(), layer, target.module())));
          bytes[0] += lora.bytesA(t, m.dtype()) + lora.bytesB(t, m.dtype());
        }
      }
      in.add(named(manager.create(lora.mask(), new Shape(rows, lora.rank())), m.loraMask()));
      in.add(named(manager.create(lora.scales(), new Shape(rows)), m.loraScale()));
      NDArray sequences = predictor.predict(in).get("sequences");
      int[] seq = sequences.toIntArray();
      int total = (int) sequences.getShape().get(1);
      bytes[1] += 4L * seq.length;
      List<Generation> out = new ArrayList<>(rows);
      for (int r = 0; r < rows; r++) {
        List<Long> tokens = new ArrayList<>();
        boolean eos = false;
        for (int t = width; t < total; t++) {
          int token = seq[r * total + t];
          // GreedySearch writes the pad id in place of the EOS (and after it); past the step where
          // every row had finished, the output holds no tokens.
          if (token == defaults.eosTokenId() || token == defaults.padTokenId()) {
            eos = true;
            break;
          }
          tokens.add((long) token);
        }
        out.add(new Generation(tokens.stream().mapToLong(Long::longValue).toArray(), eos, Double.NaN));
      }
      return out;
    }
  }

  private static NDArray named(NDArray array, String name) {
    array.setName(name);
    return array;
  }
}

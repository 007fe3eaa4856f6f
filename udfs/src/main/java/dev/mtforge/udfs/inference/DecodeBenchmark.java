package dev.mtforge.udfs.inference;

import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Benchmark of the decode loop on one thread (not a test): translates synthetic ALMA prompts with
 * one session ({@link BatchTranslator}, one ORT thread), greedy or beam, with adapters cycled over
 * the segments (one adapter: every batch the same; four: every batch mixes them). Round 0 probes
 * memory at the fourth step of every batch, or after every run of the greedy loop (live heap after
 * a GC, direct buffers, RSS); the later rounds are timed: output tokens per CPU second of the
 * thread (the figure a shared machine does not distort), wall time, and the bytes that crossed
 * between the JVM and ONNX Runtime (and the cache bytes a GPU would copy per step).
 *
 * <pre>{@code java -Xmx2g -cp <udfs classpath> dev.mtforge.udfs.inference.DecodeBenchmark \
 *     PACKAGE ADAPTERS SEGMENTS BATCH BEAMS MAX_NEW ROUNDS [step|loop]}</pre>
 *
 * ADAPTERS: comma-separated PEFT folders, or {@code none}. {@code loop} (greedy only) loads the
 * package's greedy loop graph; {@code step} (default) its step graph.
 */
public final class DecodeBenchmark {
  private static final String[] WORDS =
      ("the a house small big river city green old new we see go to in on with and of is was Haus klein gross"
          + " Fluss Stadt alt neu wir sehen gehen maison petite grande ville vieux nous voir").split(" ");

  private DecodeBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path pkg = Path.of(args[0]);
    String adapterArg = args[1];
    int segments = Integer.parseInt(args[2]);
    int batch = Integer.parseInt(args[3]);
    int beams = Integer.parseInt(args[4]);
    int maxNew = Integer.parseInt(args[5]);
    int rounds = Integer.parseInt(args[6]);
    boolean loop = args.length > 7 && args[7].equals("loop");
    long t0 = System.nanoTime();
    CausalLm lm = CausalLm.load(ModelSpec.of(pkg.toString()).withThreads(1).withGreedyLoop(loop));
    if (loop && !lm.greedyLoop()) {
      throw new IllegalArgumentException(pkg + " has no greedy loop graph this device can run");
    }
    System.out.printf(Locale.ROOT, "loaded %s in %.1f s; RSS %s%n", lm, (System.nanoTime() - t0) / 1e9, rss());
    List<LoraAdapter> adapters = new ArrayList<>();
    long adapterBytes = 0;
    if (!adapterArg.equals("none")) {
      for (String dir : adapterArg.split(",")) {
        LoraAdapter a = PeftLoraLoader.load(lm.manifest(), TensorFiles.local(), Path.of(dir).getFileName().toString(), dir);
        adapters.add(a);
        for (float[] f : a.factorA().values()) {
          adapterBytes += 4L * f.length;
        }
        for (float[] f : a.factorB().values()) {
          adapterBytes += 4L * f.length;
        }
      }
    }
    List<BatchTranslator.Input> inputs = inputs(segments, adapters);
    GenerationSettings settings = lm.generationDefaults().withNumBeams(beams).withMaxNewTokens(maxNew);
    System.out.printf(Locale.ROOT, "%d segments, batch %d x beam %d, max %d new tokens, %d adapters of %.1f MiB"
        + " (float32) in all%n", segments, batch, beams, maxNew, adapters.size(), adapterBytes / 1048576.0);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int round = 0; round < rounds; round++) {
      try (CausalLm.Session session = lm.newSession()) {
        Probe probe = new Probe(session, round == 0);
        BatchTranslator translator =
            new BatchTranslator(lm, probe, PromptFormat.ALMA, settings, batch, id -> find(adapters, id));
        long cpu = threads.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        translator.translate(inputs);
        double cpuS = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
        double wallS = (System.nanoTime() - wall) / 1e9;
        EngineTransfer t = session.transfer();
        long tokens = translator.generatedTokens();
        if (round == 0) {
          System.out.printf(Locale.ROOT, "memory %s: live heap %.1f MiB max, direct %.1f MiB"
                  + " max, RSS %.0f MiB max; peak RSS of the process %s; LoRA inputs %.1f MiB (factors) + %.3f MiB"
                  + " (masks, scales) per adapter set / batch%n", loop ? "after each loop run" : "at the 4th step of each batch",
              probe.heap / 1048576.0, probe.direct / 1048576.0, probe.rss / 1024.0, peakRss(),
              t.factorBytes() / 1048576.0 / Math.max(1, probe.factorSets), t.batchSent() / 1048576.0 / probe.batches);
        } else if (loop) {
          System.out.printf(Locale.ROOT, "round %d: %d tokens, %.2f CPU s, %.1f tokens/CPU s, %.2f s wall; greedy loop:"
                  + " %d runs, per run %.0f bytes to the engine, %.0f from it (%.1f bytes per generated token); load %s%n",
              round, tokens, cpuS, tokens / cpuS, wallS, t.loopRuns(), (double) t.loopSent() / t.loopRuns(),
              (double) t.loopReceived() / t.loopRuns(), (double) (t.loopSent() + t.loopReceived()) / tokens, load());
        } else {
          System.out.printf(Locale.ROOT, "round %d: %d tokens, %.2f CPU s, %.1f tokens/CPU s, %.2f s wall; per step"
                  + " %.0f bytes to the engine, %.0f from it (%d steps, %.1f bytes per generated token); present cache"
                  + " %.0f bytes per step (copied out and back on a GPU); load %s%n",
              round, tokens, cpuS, tokens / cpuS, wallS, (double) t.stepSent() / t.steps(),
              (double) t.stepReceived() / t.steps(), t.steps(), (double) (t.stepSent() + t.stepReceived()) / tokens,
              (double) t.stepCache() / t.steps(), load());
        }
      }
    }
    lm.close();
  }

  private static LoraAdapter find(List<LoraAdapter> adapters, String id) {
    for (LoraAdapter a : adapters) {
      if (a.id().equals(id)) {
        return a;
      }
    }
    throw new IllegalArgumentException("no adapter " + id);
  }

  /** Synthetic de-en / en-de segments of 4 to 24 words; adapter i of segment i cycles the list. */
  static List<BatchTranslator.Input> inputs(int segments, List<LoraAdapter> adapters) {
    Random random = new Random(42);
    List<BatchTranslator.Input> out = new ArrayList<>(segments);
    for (int i = 0; i < segments; i++) {
      StringBuilder text = new StringBuilder();
      int words = 4 + random.nextInt(21);
      for (int w = 0; w < words; w++) {
        text.append(w == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
      }
      String adapter = adapters.isEmpty() ? null : adapters.get(i % adapters.size()).id();
      out.add(i % 2 == 0
          ? new BatchTranslator.Input("German", "English", text + ".", adapter)
          : new BatchTranslator.Input("English", "German", text + ".", adapter));
    }
    return out;
  }

  /** Passes steps through; when probing, measures memory at the 4th step of each batch. */
  private static final class Probe implements StepModel {
    private final CausalLm.Session session;
    private final boolean probing;
    private int step;
    long heap;
    long direct;
    long rss;
    int batches;
    int factorSets;
    private List<LoraAdapter> lastAdapters;

    Probe(CausalLm.Session session, boolean probing) {
      this.session = session;
      this.probing = probing;
    }

    @Override
    public Step forward(long[][] ids, long[][] mask, long[][] positions, KvCache past, int[] pastRows, LoraBatch lora,
        int topK) {
      if (past.length() == 0) {
        step = 0;
        batches++;
        if (lastAdapters == null || !lastAdapters.equals(lora.adapters())) {
          factorSets++;
          lastAdapters = lora.adapters();
        }
      }
      Step out = session.forward(ids, mask, positions, past, pastRows, lora, topK);
      if (probing && ++step == 4) {
        measure();
      }
      return out;
    }

    @Override
    public boolean hasGreedyLoop() {
      return session.hasGreedyLoop();
    }

    @Override
    public List<Generation> greedyLoop(List<long[]> prompts, LoraBatch lora, GenerationSettings settings) {
      batches++;
      if (lastAdapters == null || !lastAdapters.equals(lora.adapters())) {
        factorSets++;
        lastAdapters = lora.adapters();
      }
      List<Generation> out = session.greedyLoop(prompts, lora, settings);
      if (probing) {
        measure();
      }
      return out;
    }

    private void measure() {
      System.gc();
      heap = Math.max(heap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
      for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
        if (pool.getName().equals("direct")) {
          direct = Math.max(direct, pool.getMemoryUsed());
        }
      }
      rss = Math.max(rss, status("VmRSS"));
    }

    @Override
    public KvCache emptyCache(int rows) {
      return session.emptyCache(rows);
    }

    @Override
    public int vocabSize() {
      return session.vocabSize();
    }
  }

  private static String rss() {
    return status("VmRSS") / 1024 + " MiB";
  }

  private static String peakRss() {
    return status("VmHWM") / 1024 + " MiB";
  }

  /** A KiB figure of /proc/self/status (Linux), or -1. */
  static long status(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  private static String load() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }
}

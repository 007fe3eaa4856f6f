package dev.mtforge.udfs.tensor.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.mtforge.udfs.tensor.merge.AdapterMergePlan.NamedAdapter;
import dev.mtforge.udfs.tensor.merge.MergeOptions.DareRescale;
import dev.mtforge.udfs.tensor.merge.MergeOptions.KeepCount;
import dev.mtforge.udfs.tensor.peft.LoraModule;
import dev.mtforge.udfs.tensor.peft.PeftAdapter;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MergePropertiesTest {
  @TempDir Path dir;

  @Test
  void linearAtDensityOneIsTheWeightedSum() {
    SplittableRandom random = new SplittableRandom(1);
    float[][] inputs = {TestAdapters.random(random, 1000), TestAdapters.random(random, 1000),
        TestAdapters.random(random, 1000)};
    float[] weights = {0.3f, -1.5f, 2.0f};
    for (MergeMethod method : List.of(MergeMethod.LINEAR, MergeMethod.MAGNITUDE_PRUNE, MergeMethod.DARE_LINEAR)) {
      MergeOptions options = MergeOptions.parse(Map.of(MergeOptions.METHOD, method.label(), MergeOptions.DENSITY, "1"));
      float[] merged = LoraMerge.mergeTensor("t", inputs, weights, options, null, new MergeKernel.Stats());
      for (int j = 0; j < 1000; j++) {
        float expected = inputs[0][j] * weights[0] + inputs[1][j] * weights[1] + inputs[2][j] * weights[2];
        assertThat(merged[j]).as(method + "[" + j + "]").isEqualTo(expected);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"ties", "dare_ties", "linear", "magnitude_prune"})
  void identicalInputsMergeToThemselves(String method) {
    float[] x = TestAdapters.random(new SplittableRandom(2), 500);
    // TIES at any density keeps the same entries of each copy: they agree and average to x.
    MergeOptions options = MergeOptions.parse(Map.of(MergeOptions.METHOD, method,
        MergeOptions.DENSITY, method.startsWith("dare") ? "1" : method.equals("ties") ? "0.3" : "1",
        MergeOptions.WEIGHTS, method.contains("ties") ? "1,1" : "0.5,0.5"));
    float[] merged = LoraMerge.mergeTensor("t", new float[][] {x, x}, new float[] {
        options.weightsFor(2)[0] == 1 ? 1f : 0.5f, options.weightsFor(2)[1] == 1 ? 1f : 0.5f}, options, null,
        new MergeKernel.Stats());
    if (method.equals("ties")) {
      float t = MergeKernel.tensorThreshold(x, 0.3, KeepCount.FLOOR);
      for (int j = 0; j < x.length; j++) {
        assertThat(merged[j]).isEqualTo(Math.abs(x[j]) >= t ? x[j] : 0f);
      }
    } else {
      assertThat(merged).containsExactly(x);
    }
  }

  @Test
  void identicalAdaptersMergeToTheSameUpdate() {
    Map<String, int[]> modules = Map.of("m.q_proj", new int[] {4, 12, 10});
    Path a = TestAdapters.write(dir.resolve("a"), 4, 8, modules, 7);
    Path b = TestAdapters.write(dir.resolve("b"), 4, 8, modules, 7);
    // Linear in factor mode is (Σ√wᵢ)²-scaled (PEFT's cross terms), so its identity check uses svd.
    for (String method : List.of("ties", "ties_svd", "svd")) {
      Path out = dir.resolve("out-" + method);
      AdapterMerger.merge(TensorFiles.local(),
          List.of(new NamedAdapter("a", a.toString()), new NamedAdapter("b", b.toString())), out.toString(),
          MergeOptions.parse(Map.of(MergeOptions.METHOD, method, MergeOptions.DENSITY, "1",
              MergeOptions.WEIGHTS, method.equals("svd") ? "0.5,0.5" : "1,1")));
      try (PeftAdapter input = PeftAdapter.load(TensorFiles.local(), a.toString());
          PeftAdapter merged = PeftAdapter.load(TensorFiles.local(), out.toString())) {
        LoraModule in = input.module("m.q_proj");
        LoraModule m = merged.module("m.q_proj");
        float[] expected = LowRankFactor.product(input.loraB(in), input.loraA(in), 10, 4, 12, in.scaling());
        float[] actual = LowRankFactor.product(merged.loraB(m), merged.loraA(m), 10, m.rank(), 12, m.scaling());
        for (int i = 0; i < expected.length; i++) {
          assertThat(actual[i]).as(method + "[" + i + "]").isCloseTo(expected[i], within(1e-5f));
        }
      }
    }
  }

  @Test
  void dareDoesNotDependOnBlockingAndKeepsAboutDensity() {
    float[] x = TestAdapters.random(new SplittableRandom(3), 100_000);
    float[] whole = x.clone();
    long kept = MergeKernel.pruneRandom(whole, 0, whole.length, 0, 0.3, DareRescale.INVERSE_DENSITY, 42, "w", 0);
    float[] blocks = x.clone();
    int[] cuts = {0, 7, 1000, 33_333, 64_000, 100_000};
    for (int c = 0; c + 1 < cuts.length; c++) {
      MergeKernel.pruneRandom(blocks, cuts[c], cuts[c + 1] - cuts[c], cuts[c], 0.3, DareRescale.INVERSE_DENSITY, 42, "w", 0);
    }
    assertThat(blocks).containsExactly(whole);
    assertThat(kept / 100_000.0).isCloseTo(0.3, within(0.01));
    for (int i = 0; i < x.length; i++) {
      assertThat(whole[i]).isIn(0f, x[i] / 0.3f);
    }
    float[] otherSeed = x.clone();
    MergeKernel.pruneRandom(otherSeed, 0, x.length, 0, 0.3, DareRescale.INVERSE_DENSITY, 43, "w", 0);
    assertThat(otherSeed).isNotEqualTo(whole);
    float[] otherTensor = x.clone();
    MergeKernel.pruneRandom(otherTensor, 0, x.length, 0, 0.3, DareRescale.INVERSE_DENSITY, 42, "v", 0);
    assertThat(otherTensor).isNotEqualTo(whole);
  }

  @Test
  void dareL1RescaleKeepsTheL1Norm() {
    float[] x = TestAdapters.random(new SplittableRandom(4), 10_000);
    float[] pruned = x.clone();
    MergeKernel.pruneRandom(pruned, 0, x.length, 0, 0.5, DareRescale.L1, 1, "w", 0);
    double before = 0;
    double after = 0;
    for (int i = 0; i < x.length; i++) {
      before += Math.abs(x[i]);
      after += Math.abs(pruned[i]);
    }
    assertThat(after).isCloseTo(before, within(before * 1e-5));
  }

  @Test
  void radixSelectEqualsSortWhateverThePartitioning() {
    SplittableRandom random = new SplittableRandom(5);
    float[] x = new float[50_000];
    for (int i = 0; i < x.length; i++) {
      // Repeats, zeros, negatives, subnormals and a wide exponent range.
      x[i] = switch (i % 5) {
        case 0 -> 0f;
        case 1 -> (float) random.nextInt(-20, 20);
        case 2 -> Float.MIN_VALUE * random.nextInt(1, 100);
        default -> (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-8, 8)));
      };
    }
    float[] sorted = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      sorted[i] = Math.abs(x[i]);
    }
    Arrays.sort(sorted);
    for (long k : new long[] {1, 2, 17, 10_000, 25_000, 39_999, 40_000, 40_001, 50_000}) {
      float expected = sorted[(int) (x.length - k)];
      assertThat(MagnitudeSelect.kthLargest(x, k)).as("k=" + k).isEqualTo(expected);
      // Same histograms summed from three partitions.
      long[] high = MagnitudeSelect.newHighHistogram();
      long[][] parts = {MagnitudeSelect.newHighHistogram(), MagnitudeSelect.newHighHistogram(), MagnitudeSelect.newHighHistogram()};
      MagnitudeSelect.addHigh(parts[0], x, 0, 123);
      MagnitudeSelect.addHigh(parts[1], x, 123, 30_000);
      MagnitudeSelect.addHigh(parts[2], x, 30_123, x.length - 30_123);
      for (long[] part : parts) {
        MagnitudeSelect.sum(high, part);
      }
      MagnitudeSelect.Bucket bucket = MagnitudeSelect.locate(high, k);
      long[] low = MagnitudeSelect.newLowHistogram();
      MagnitudeSelect.addLow(low, x, 0, 40_000, bucket.bucket());
      MagnitudeSelect.addLow(low, x, 40_000, 10_000, bucket.bucket());
      assertThat(MagnitudeSelect.value(bucket, low)).isEqualTo(expected);
    }
  }

  @Test
  void floorKeepsExactlyKWhenMagnitudesTie() {
    float[] x = {0.5f, -0.5f, 1f, 0.5f, -0.25f, 0.5f};
    float[] floor = x.clone();
    MergeKernel.pruneMagnitude(floor, 0, 6, MergeKernel.tensorSelection(x, 0.5, KeepCount.FLOOR));
    assertThat(floor).containsExactly(0.5f, -0.5f, 1f, 0f, 0f, 0f);
    float[] kth = x.clone();
    MergeKernel.pruneMagnitude(kth, 0, 6, MergeKernel.tensorSelection(x, 0.5, KeepCount.KTHVALUE));
    assertThat(kth).containsExactly(0.5f, -0.5f, 1f, 0.5f, 0f, 0.5f);
  }

  @Test
  void keepCountRules() {
    assertThat(MagnitudeSelect.keepRank(100, 0.2, KeepCount.FLOOR)).isEqualTo(20);
    assertThat(MagnitudeSelect.keepRank(100, 0.2, KeepCount.KTHVALUE)).isEqualTo(21);
    assertThat(MagnitudeSelect.keepRank(7, 0.1, KeepCount.FLOOR)).isZero();
    assertThat(MergeKernel.tensorThreshold(new float[7], 0.1, KeepCount.FLOOR)).isEqualTo(Float.POSITIVE_INFINITY);
  }

  @Test
  void tiesStatsCountKeptValuesAndConflicts() {
    float[][] inputs = {{1f, -2f, 0f, 4f}, {-1f, -3f, 0f, 5f}};
    MergeKernel.Stats stats = new MergeKernel.Stats();
    float[] out = LoraMerge.mergeTensor("t", inputs, new float[] {1f, 1f},
        MergeOptions.parse(Map.of(MergeOptions.METHOD, "ties", MergeOptions.DENSITY, "1")), null, stats);
    // Position 0: 1 + -1 = 0 elects + (PEFT's tie rule), so only the 1 survives.
    assertThat(out).containsExactly(1f, -2.5f, 0f, 4.5f);
    assertThat(stats.keptFraction()).isEqualTo(6 / 8.0);
    assertThat(stats.signConflictRate()).isEqualTo(1 / 3.0);
  }

  @Test
  void mergekitDividesBySummedWeightsAndVotesWeighted() {
    float[][] inputs = {{1f, 2f}, {-3f, 4f}};
    float[] out = LoraMerge.mergeTensor("t", inputs, new float[] {2f, 0.5f},
        MergeOptions.parse(Map.of(MergeOptions.METHOD, "ties", MergeOptions.PRESET, "mergekit",
            MergeOptions.DENSITY, "1", MergeOptions.LAMBDA, "2")), null, new MergeKernel.Stats());
    // [0]: weighted vote 2 - 1.5 > 0 -> +, (1*2)/2 = 1, λ 2 -> 2. [1]: (4 + 2)/(2.5) * 2 = 4.8.
    assertThat(out).containsExactly(2f, 4.8f);
    float[] peft = LoraMerge.mergeTensor("t", inputs, new float[] {2f, 0.5f},
        MergeOptions.parse(Map.of(MergeOptions.METHOD, "ties", MergeOptions.DENSITY, "1")), null,
        new MergeKernel.Stats());
    // PEFT: unweighted vote 1 - 3 < 0 -> -, -3*0.5/1 = -1.5; [1]: (4 + 2)/2 = 3.
    assertThat(peft).containsExactly(-1.5f, 3f);
  }
}

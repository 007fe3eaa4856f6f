package dev.mtforge.udfs.tensor.merge;

/**
 * The positions a per-tensor top-k cut by magnitude keeps: one radix pass over the top 12 bits of
 * |x| (non-negative floats order like their bit patterns) into a small histogram, one pass that
 * lists the positions above the bucket holding rank k and those in it, and a quickselect among
 * the few in it. The same cut as {@link MagnitudeSelect#select} with
 * {@link MergeKernel#pruneMagnitude} (Spark tasks use those, since their histograms add up across
 * row blocks), with per-thread buffers, no large histogram to clear per call, and no write to the
 * values.
 */
final class TopK {
  private static final int SHIFT = 19;
  private static final int BINS = 1 << (31 - SHIFT);
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private TopK() {}

  private static final class Scratch {
    final int[] histogram = new int[BINS];
    int[] candidates = new int[4096];
    int[] candidateBits = new int[4096];
    final int[] lowHistogram = new int[LOW_BINS];
    int[] members = new int[256];
  }

  // the two passes over the tensor are methods of their own: C2 compiles small loops best

  private static void histogram(float[] values, int length, int[] histogram) {
    for (int i = 0; i < length; i++) {
      histogram[(Float.floatToRawIntBits(values[i]) & 0x7fffffff) >>> SHIFT]++;
    }
  }

  /** Lists positions above {@code bucket} and in it; returns the two counts as (above << 32) | in. */
  private static long list(float[] values, int length, int bucket, int[] above, int[] in) {
    int kept = 0;
    int m = 0;
    for (int i = 0; i < length; i++) {
      int b = (Float.floatToRawIntBits(values[i]) & 0x7fffffff) >>> SHIFT;
      above[kept] = i;
      kept += (bucket - b) >>> 31;
      in[m] = i;
      m += ((b ^ bucket) - 1) >>> 31;
    }
    return ((long) kept << 32) | m;
  }

  private static final int LOW_SHIFT = 8;
  private static final int LOW_BINS = 1 << (SHIFT - LOW_SHIFT);

  /**
   * The {@code rank}-th largest (1-based) of {@code bits[0, m)}, values that share their top
   * 12 bits: a histogram of the next 11 bits, then a quickselect among the few values of the bin
   * that holds the rank (a quickselect over the whole bucket, thousands of values with
   * unpredictable branches, cost as much as a pass over the tensor).
   */
  private static int kthLargestOfBucket(Scratch scratch, int[] bits, int m, int rank) {
    if (m <= 64) {
      return kthLargest(bits, m, rank);
    }
    int[] low = scratch.lowHistogram;
    java.util.Arrays.fill(low, 0);
    for (int j = 0; j < m; j++) {
      low[(bits[j] >>> LOW_SHIFT) & (LOW_BINS - 1)]++;
    }
    int above = 0;
    int bin = LOW_BINS - 1;
    while (above + low[bin] < rank) {
      above += low[bin];
      bin--;
    }
    if (scratch.members.length < low[bin]) {
      scratch.members = new int[Math.max(low[bin], 2 * scratch.members.length)];
    }
    int[] members = scratch.members;
    int t = 0;
    for (int j = 0; j < m; j++) {
      if (((bits[j] >>> LOW_SHIFT) & (LOW_BINS - 1)) == bin) {
        members[t++] = bits[j];
      }
    }
    return kthLargest(members, t, rank - above);
  }

  /** What {@link #keep} kept: how many positions, and how many of them hold a non-zero value. */
  record Kept(int count, long nonZero) {}

  /**
   * Writes to {@code into} the positions of {@code values[0, length)} that a top-k cut keeps
   * (1 ≤ k ≤ length): every value above the k-th largest magnitude, and of the values equal to
   * it all ({@code allTies}, the TIES code's rule) or the first ones in index order until k are
   * kept (PEFT's and mergekit's top k). Null, with nothing decided, when a value is infinite or
   * NaN (the dense path has their rules). Positions come in increasing order, except those equal
   * to the cut's bucket, which follow. {@code into} must hold {@code length} ints.
   */
  static Kept keep(float[] values, int length, long k, boolean allTies, int[] into) {
    Scratch scratch = SCRATCH.get();
    int[] histogram = scratch.histogram;
    java.util.Arrays.fill(histogram, 0);
    histogram(values, length, histogram);
    for (int b = Float.floatToRawIntBits(Float.POSITIVE_INFINITY) >>> SHIFT; b < BINS; b++) {
      if (histogram[b] != 0) {
        return null;
      }
    }
    long above = 0;
    int bucket = BINS - 1;
    while (above + histogram[bucket] < k) {
      above += histogram[bucket];
      bucket--;
    }
    if (scratch.candidates.length < length) {
      scratch.candidates = new int[Math.max(length, 2 * scratch.candidates.length)];
      scratch.candidateBits = new int[scratch.candidates.length];
    }
    int[] candidates = scratch.candidates;
    // one branch-free pass: every position is written to both lists, and each list's length
    // advances only where it belongs (above the bucket: kept; in it: decided below)
    long lists = list(values, length, bucket, into, candidates);
    int kept = (int) (lists >>> 32);
    int m = (int) lists;
    int[] bits = scratch.candidateBits;
    for (int j = 0; j < m; j++) {
      bits[j] = Float.floatToRawIntBits(values[candidates[j]]) & 0x7fffffff;
    }
    int thresholdBits = kthLargestOfBucket(scratch, bits, m, (int) (k - above));
    long greater = above;
    for (int j = 0; j < m; j++) {
      greater += (thresholdBits - bits[j]) >>> 31;
    }
    long ties = allTies ? Long.MAX_VALUE : k - greater;
    long zeros = 0;
    for (int j = 0; j < m; j++) {
      int p = candidates[j];
      int b = Float.floatToRawIntBits(values[p]) & 0x7fffffff;
      if (b > thresholdBits || (b == thresholdBits && ties-- > 0)) {
        into[kept++] = p;
        zeros += b == 0 ? 1 : 0;
      }
    }
    return new Kept(kept, kept - zeros);
  }

  /** The {@code rank}-th largest (1-based) of {@code a[0, n)}; reorders the array. */
  static int kthLargest(int[] a, int n, int rank) {
    int target = n - rank; // index in ascending order
    int lo = 0;
    int hi = n - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      // median of three as the pivot
      int x = a[lo];
      int y = a[mid];
      int z = a[hi];
      int pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (a[i] < pivot) {
          i++;
        }
        while (a[j] > pivot) {
          j--;
        }
        if (i <= j) {
          int t = a[i];
          a[i] = a[j];
          a[j] = t;
          i++;
          j--;
        }
      }
      if (target <= j) {
        hi = j;
      } else if (target >= i) {
        lo = i;
      } else {
        return a[target];
      }
    }
    return a[target];
  }
}

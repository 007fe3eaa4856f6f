package dev.mtforge.udfs.tensor.merge;

/**
 * The exact k-th largest magnitude of values that arrive in blocks, without sorting or holding
 * them: two radix passes over the float bits of |x| (non-negative floats order like their bit
 * patterns). Pass 1 counts the high 16 bits, pass 2 the low 16 bits inside the bucket that holds
 * rank k. Histograms are plain {@code long[]} that add up element-wise, so Spark tasks can build
 * them per tensor or row block and the driver sums them: the result is identical to a sort on one
 * machine, whatever the partitioning.
 *
 * <pre>{@code
 * long[] high = MagnitudeSelect.newHighHistogram();
 * for (float[] block : blocks) MagnitudeSelect.addHigh(high, block, 0, block.length);
 * MagnitudeSelect.Bucket b = MagnitudeSelect.locate(high, k);
 * long[] low = MagnitudeSelect.newLowHistogram();
 * for (float[] block : blocks) MagnitudeSelect.addLow(low, block, 0, block.length, b.bucket());
 * float kth = MagnitudeSelect.value(b, low);
 * }</pre>
 */
public final class MagnitudeSelect {
  /** Bins of the high pass: bit 31 (sign) is masked off, so 15 bits remain. */
  public static final int HIGH_BINS = 1 << 15;
  /** Bins of the low pass. */
  public static final int LOW_BINS = 1 << 16;

  private MagnitudeSelect() {}

  /** Where rank k fell in pass 1. */
  public record Bucket(int bucket, long rankInBucket) implements java.io.Serializable {}

  public static long[] newHighHistogram() {
    return new long[HIGH_BINS];
  }

  public static long[] newLowHistogram() {
    return new long[LOW_BINS];
  }

  public static void addHigh(long[] histogram, float[] values, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      histogram[(Float.floatToRawIntBits(values[i]) & 0x7fffffff) >>> 16]++;
    }
  }

  public static void addLow(long[] histogram, float[] values, int offset, int length, int bucket) {
    for (int i = offset; i < offset + length; i++) {
      int bits = Float.floatToRawIntBits(values[i]) & 0x7fffffff;
      if (bits >>> 16 == bucket) {
        histogram[bits & 0xffff]++;
      }
    }
  }

  /** Adds {@code from} into {@code into} (the reduce step). */
  public static long[] sum(long[] into, long[] from) {
    for (int i = 0; i < into.length; i++) {
      into[i] += from[i];
    }
    return into;
  }

  /** The high bucket holding the k-th largest value (k ≥ 1, counting from the top). */
  public static Bucket locate(long[] high, long k) {
    long above = 0;
    for (int b = high.length - 1; b >= 0; b--) {
      if (above + high[b] >= k) {
        return new Bucket(b, k - above);
      }
      above += high[b];
    }
    throw new IllegalArgumentException("Rank " + k + " exceeds the " + above + " values counted");
  }

  /** The k-th largest magnitude from pass 2. */
  public static float value(Bucket bucket, long[] low) {
    long above = 0;
    for (int b = low.length - 1; b >= 0; b--) {
      if (above + low[b] >= bucket.rankInBucket()) {
        return Float.intBitsToFloat((bucket.bucket() << 16) | b);
      }
      above += low[b];
    }
    throw new IllegalStateException("Pass 2 counted fewer values than pass 1 in bucket " + bucket.bucket());
  }

  /**
   * The k-th largest |x| of one array and how many values equal to it belong to the top k (the
   * rest of the ties fall outside it); k ≥ 1.
   */
  public static Selection select(float[] values, long k) {
    return select(values, values.length, k);
  }

  /** {@link #select} over {@code values[0, length)}. */
  public static Selection select(float[] values, int length, long k) {
    long[] high = newHighHistogram();
    addHigh(high, values, 0, length);
    Bucket bucket = locate(high, k);
    long[] low = newLowHistogram();
    addLow(low, values, 0, length, bucket.bucket());
    long above = k - bucket.rankInBucket();
    for (int b = low.length - 1; b >= 0; b--) {
      if (above + low[b] >= k) {
        return new Selection(Float.intBitsToFloat((bucket.bucket() << 16) | b), k - above);
      }
      above += low[b];
    }
    throw new IllegalStateException("Pass 2 counted fewer values than pass 1 in bucket " + bucket.bucket());
  }

  /** A top-k cut: values above {@code threshold}, plus the first {@code ties} equal to it. */
  public record Selection(float threshold, long ties) {}

  /** The k-th largest |x| of one array (two passes); k ≥ 1. */
  public static float kthLargest(float[] values, long k) {
    long[] high = newHighHistogram();
    addHigh(high, values, 0, values.length);
    Bucket bucket = locate(high, k);
    long[] low = newLowHistogram();
    addLow(low, values, 0, values.length, bucket.bucket());
    return value(bucket, low);
  }

  /**
   * The magnitude threshold that magnitude pruning keeps ({@code |x| >= threshold}) for n values
   * at a density: {@link Float#POSITIVE_INFINITY} when nothing is kept, 0 when everything is.
   */
  public static long keepRank(long n, double density, MergeOptions.KeepCount rule) {
    long k = (long) (density * n); // PEFT and mergekit: int(density * numel)
    if (rule == MergeOptions.KeepCount.KTHVALUE) {
      // TIES code: kthvalue(n - int(n*K)) smallest, kept with >=, i.e. the (int(n*K)+1)-th largest.
      k = Math.min(n, k + 1);
    }
    return k;
  }
}

package dev.mtforge.udfs.metrics;

/**
 * NumPy's {@code np.random.default_rng(seed)} (a PCG64 bit generator seeded through
 * {@code SeedSequence}), limited to the draws sacreBLEU's significance tests make:
 * {@code integers(0, n)} (which {@code choice(n, replace=True)} calls) and
 * {@code integers(2, dtype=bool)}. Same seed, same stream, so paired tests pick the same
 * resamples and partitions as sacreBLEU and report the same p-values.
 *
 * <p>Not thread-safe; one instance per test.
 */
public final class NumpyRandom {
  private static final long MULT_HI = 0x2360ED051FC65DA4L;
  private static final long MULT_LO = 0x4385DF649FCCF645L;

  private long stateHi;
  private long stateLo;
  private final long incHi;
  private final long incLo;
  private boolean hasUint32;
  private int uinteger;
  // bool draws keep their own bit buffer per call, as NumPy does per fill call
  private int boolBuf;
  private int boolCount;

  /** {@code np.random.default_rng(seed)} for a non-negative seed below 2^32. */
  public NumpyRandom(long seed) {
    if (seed < 0 || seed > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("Seed must be in [0, 2^32), got " + seed);
    }
    int[] pool = mixEntropy(new int[] {(int) seed});
    long[] words = generateState(pool, 4);
    long seedHi = words[0];
    long seedLo = words[1];
    long iHi = words[2];
    long iLo = words[3];
    // inc = (initseq << 1) | 1
    this.incHi = (iHi << 1) | (iLo >>> 63);
    this.incLo = (iLo << 1) | 1L;
    this.stateHi = 0;
    this.stateLo = 0;
    step();
    long lo = stateLo + seedLo;
    long carry = Long.compareUnsigned(lo, stateLo) < 0 ? 1 : 0;
    stateHi = stateHi + seedHi + carry;
    stateLo = lo;
    step();
  }

  // SeedSequence constants (numpy/random/bit_generator.pyx)
  private static final int INIT_A = 0x43b0d7e5;
  private static final int MULT_A = 0x931e8875;
  private static final int INIT_B = 0x8b51f9dd;
  private static final int MULT_B = 0x58f38ded;
  private static final int MIX_MULT_L = 0xca01f9dd;
  private static final int MIX_MULT_R = 0x4973f715;
  private static final int POOL_SIZE = 4;

  private static int[] mixEntropy(int[] entropy) {
    int[] hashConst = {INIT_A};
    int[] mixer = new int[POOL_SIZE];
    for (int i = 0; i < POOL_SIZE; i++) {
      mixer[i] = hashmix(i < entropy.length ? entropy[i] : 0, hashConst);
    }
    for (int src = 0; src < POOL_SIZE; src++) {
      for (int dst = 0; dst < POOL_SIZE; dst++) {
        if (src != dst) {
          mixer[dst] = mix(mixer[dst], hashmix(mixer[src], hashConst));
        }
      }
    }
    for (int src = POOL_SIZE; src < entropy.length; src++) {
      for (int dst = 0; dst < POOL_SIZE; dst++) {
        mixer[dst] = mix(mixer[dst], hashmix(entropy[src], hashConst));
      }
    }
    return mixer;
  }

  private static int hashmix(int value, int[] hashConst) {
    value ^= hashConst[0];
    hashConst[0] *= MULT_A;
    value *= hashConst[0];
    value ^= value >>> 16;
    return value;
  }

  private static int mix(int x, int y) {
    int result = MIX_MULT_L * x - MIX_MULT_R * y;
    result ^= result >>> 16;
    return result;
  }

  private static long[] generateState(int[] pool, int nWords64) {
    int hashConst = INIT_B;
    int[] state = new int[nWords64 * 2];
    for (int i = 0; i < state.length; i++) {
      int v = pool[i % pool.length];
      v ^= hashConst;
      hashConst *= MULT_B;
      v *= hashConst;
      v ^= v >>> 16;
      state[i] = v;
    }
    long[] out = new long[nWords64];
    for (int i = 0; i < nWords64; i++) {
      // uint32 pairs viewed as little-endian uint64
      out[i] = (state[2 * i] & 0xFFFFFFFFL) | ((long) state[2 * i + 1] << 32);
    }
    return out;
  }

  /** state = state * MULT + inc (mod 2^128). */
  private void step() {
    long lo = stateLo * MULT_LO;
    long hi = unsignedMultiplyHigh(stateLo, MULT_LO) + stateLo * MULT_HI + stateHi * MULT_LO;
    long newLo = lo + incLo;
    long carry = Long.compareUnsigned(newLo, lo) < 0 ? 1 : 0;
    stateHi = hi + incHi + carry;
    stateLo = newLo;
  }

  /** The high 64 bits of the unsigned 128-bit product (Math.unsignedMultiplyHigh is Java 18+). */
  private static long unsignedMultiplyHigh(long a, long b) {
    return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
  }

  /** One 64-bit output (XSL-RR of the stepped state). */
  public long nextLong() {
    step();
    long x = stateHi ^ stateLo;
    int rot = (int) (stateHi >>> 58);
    return Long.rotateRight(x, rot);
  }

  private int nextUint32() {
    if (hasUint32) {
      hasUint32 = false;
      return uinteger;
    }
    long next = nextLong();
    hasUint32 = true;
    uinteger = (int) (next >>> 32);
    return (int) next;
  }

  /**
   * {@code rng.integers(0, bound, size=count)} (also what {@code rng.choice(bound, size=count)}
   * draws), for {@code 1 <= bound <= 2^32}.
   */
  public int[] integers(int bound, int count) {
    if (bound < 1) {
      throw new IllegalArgumentException("bound must be >= 1, got " + bound);
    }
    int[] out = new int[count];
    long rng = bound - 1L;
    if (rng == 0) {
      return out;
    }
    long rngExcl = rng + 1;
    for (int i = 0; i < count; i++) {
      // Lemire's bounded draw on 32-bit outputs (numpy buffered_bounded_lemire_uint32)
      long m = (nextUint32() & 0xFFFFFFFFL) * rngExcl;
      long leftover = m & 0xFFFFFFFFL;
      if (leftover < rngExcl) {
        long threshold = (0xFFFFFFFFL - rng) % rngExcl;
        while (leftover < threshold) {
          m = (nextUint32() & 0xFFFFFFFFL) * rngExcl;
          leftover = m & 0xFFFFFFFFL;
        }
      }
      out[i] = (int) (m >>> 32);
    }
    return out;
  }

  /** {@code rng.integers(2, size=count, dtype=bool)}. */
  public boolean[] booleans(int count) {
    boolean[] out = new boolean[count];
    boolCount = 0;
    boolBuf = 0;
    for (int i = 0; i < count; i++) {
      if (boolCount == 0) {
        boolBuf = nextUint32();
        boolCount = 31;
      } else {
        boolBuf >>>= 1;
        boolCount--;
      }
      out[i] = (boolBuf & 1) != 0;
    }
    return out;
  }
}

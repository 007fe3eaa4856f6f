package dev.mtforge.jobs.reliability;

import java.util.regex.Pattern;

/**
 * When to SIGKILL a child CLI: {@code delayMillis} after the {@code occurrence}-th stderr line
 * matching {@code anchor}, or after the process started when {@code anchor} is null. Anchors are
 * the job's own progress lines ({@code Creating table X}, {@code Merging into X}, {@code Wrote X}),
 * so a kill point lands before, during or after a given Delta commit however fast the machine is.
 *
 * @param anchor regular expression searched in each stderr line, or null for the process start
 * @param occurrence 1-based count of matching lines to wait for
 * @param delayMillis milliseconds to wait after the anchor before the kill
 */
public record KillPoint(String anchor, int occurrence, long delayMillis) {
  public KillPoint {
    if (occurrence < 1 && anchor != null) {
      throw new IllegalArgumentException("Kill point occurrence must be >= 1, got " + occurrence);
    }
    if (delayMillis < 0) {
      throw new IllegalArgumentException("Kill point delay must be >= 0 ms, got " + delayMillis);
    }
  }

  /** {@code delayMillis} after the process started. */
  public static KillPoint afterStart(long delayMillis) {
    return new KillPoint(null, 0, delayMillis);
  }

  /** Right after the {@code occurrence}-th line matching {@code anchor}, plus {@code delayMillis}. */
  public static KillPoint after(String anchor, int occurrence, long delayMillis) {
    return new KillPoint(anchor, occurrence, delayMillis);
  }

  /** Compiled anchor, or null. */
  Pattern pattern() {
    return anchor == null ? null : Pattern.compile(anchor);
  }

  @Override
  public String toString() {
    return anchor == null
        ? "start+" + delayMillis + "ms"
        : "'" + anchor + "'#" + occurrence + "+" + delayMillis + "ms";
  }
}

package dev.mtforge.jobs.warehouse;

import io.delta.exceptions.DeltaConcurrentModificationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries a Delta operation that lost an optimistic-concurrency race with another writer
 * ({@link DeltaConcurrentModificationException}: concurrent append, delete, metadata or protocol
 * change). Only for idempotent operations: the retry runs the whole statement again against the
 * table's new version, so a row the other writer inserted is matched, not inserted twice.
 */
final class ConcurrentCommits {
  private static final Logger LOG = LoggerFactory.getLogger(ConcurrentCommits.class);
  /** Attempts before giving up; each conflict means another writer committed in between. */
  static final int ATTEMPTS = 8;

  private ConcurrentCommits() {}

  static <T> T retry(String table, String operation, Supplier<T> statement) {
    return retry(table, operation, statement, e -> false);
  }

  /**
   * As {@link #retry(String, String, Supplier)}, also retrying the failures {@code race} tells
   * apart as a lost race that Delta reports without a concurrent-modification exception.
   */
  static <T> T retry(String table, String operation, Supplier<T> statement, Predicate<Exception> race) {
    for (int attempt = 1; ; attempt++) {
      try {
        return statement.get();
      } catch (Exception e) { // Spark's AnalysisException is checked, yet thrown from Scala undeclared
        Throwable conflict = conflict(e);
        if (conflict == null && race.test(e)) {
          conflict = e;
        }
        if (conflict == null) {
          throw e;
        }
        if (attempt == ATTEMPTS) {
          throw new IllegalStateException("Cannot " + operation + " table " + table + ": " + ATTEMPTS
              + " attempts conflicted with concurrent writers (last: " + conflict.getClass().getSimpleName()
              + "); another job keeps writing to it, re-run this one when it has finished", e);
        }
        long pause = Math.min(5_000, 100L << attempt) + ThreadLocalRandom.current().nextLong(250);
        LOG.warn("Concurrent write to table {} ({}); running the {} again in {} ms (attempt {} of {})",
            table, conflict.getClass().getSimpleName(), operation, pause, attempt + 1, ATTEMPTS);
        try {
          Thread.sleep(pause);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static DeltaConcurrentModificationException conflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DeltaConcurrentModificationException conflict) {
        return conflict;
      }
    }
    return null;
  }
}

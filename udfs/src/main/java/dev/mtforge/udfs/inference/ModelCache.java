package dev.mtforge.udfs.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loaded models, once per JVM (an executor's tasks share them): a translation LM, a COMET
 * encoder, or anything {@link AutoCloseable} built from a {@link ModelSpec}. Entries live until
 * the JVM exits (a shutdown hook closes them) or until {@link #evict} finds them unused.
 *
 * <pre>{@code
 * try (ModelCache.Lease<CausalLm> lease = ModelCache.shared().acquire(spec, CausalLm::load)) {
 *   CausalLm lm = lease.get();
 *   ...
 * }
 * }</pre>
 */
public final class ModelCache {
  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
  private static volatile ModelCache shared;

  private final Map<ModelSpec, Entry> entries = new ConcurrentHashMap<>();

  /** A private cache (tests); jobs use {@link #shared()}. */
  public ModelCache() {}

  /** The JVM's cache, created on first use. */
  public static ModelCache shared() {
    if (shared == null) {
      synchronized (ModelCache.class) {
        if (shared == null) {
          ModelCache cache = new ModelCache();
          Runtime.getRuntime().addShutdownHook(new Thread(cache::closeAll, "mtforge-model-cache-close"));
          shared = cache;
        }
      }
    }
    return shared;
  }

  /**
   * The model of a spec, loading it on first use; the lease keeps it from eviction until closed.
   * Concurrent callers of the same spec wait for one load.
   */
  @SuppressWarnings("unchecked")
  public <T extends AutoCloseable> Lease<T> acquire(ModelSpec spec, Function<ModelSpec, T> loader) {
    Entry entry =
        entries.computeIfAbsent(
            spec,
            s -> {
              long start = System.nanoTime();
              T model = loader.apply(s);
              LOG.info("Loaded {} in {} ms", s, (System.nanoTime() - start) / 1_000_000);
              return new Entry(model);
            });
    synchronized (entry) {
      entry.leases++;
    }
    return new Lease<>((T) entry.model, entry);
  }

  /** Closes and forgets a model if no task holds it; returns whether it did. */
  public boolean evict(ModelSpec spec) {
    Entry entry = entries.get(spec);
    if (entry == null) {
      return false;
    }
    synchronized (entry) {
      if (entry.leases > 0) {
        return false;
      }
      entries.remove(spec);
      close(spec, entry);
      return true;
    }
  }

  /** Specs currently loaded. */
  public List<ModelSpec> loaded() {
    return new ArrayList<>(entries.keySet());
  }

  private void closeAll() {
    for (Map.Entry<ModelSpec, Entry> e : entries.entrySet()) {
      close(e.getKey(), e.getValue());
    }
    entries.clear();
  }

  private static void close(ModelSpec spec, Entry entry) {
    try {
      entry.model.close();
    } catch (Exception e) {
      LOG.warn("Cannot close {}", spec, e);
    }
  }

  private static final class Entry {
    final AutoCloseable model;
    int leases;

    Entry(AutoCloseable model) {
      this.model = model;
    }
  }

  /** A hold on a cached model; close it when the task is done (it does not close the model). */
  public static final class Lease<T> implements AutoCloseable {
    private final T model;
    private final Entry entry;
    private boolean closed;

    private Lease(T model, Entry entry) {
      this.model = model;
      this.entry = entry;
    }

    public T get() {
      return model;
    }

    @Override
    public void close() {
      synchronized (entry) {
        if (!closed) {
          closed = true;
          entry.leases--;
        }
      }
    }
  }
}

package dev.mtforge.udfs.inference;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LoRA adapters loaded in this JVM, least recently used dropped past a count: an executor
 * translating many directions keeps its working set and never reloads an adapter per batch.
 * Adapters are plain arrays (no native memory), so dropping one needs no close.
 */
public final class AdapterCache {
  private static final Logger LOG = LoggerFactory.getLogger(AdapterCache.class);
  /** Adapters kept per JVM. */
  public static final int MAX_ENTRIES = 16;
  private static final AdapterCache SHARED = new AdapterCache(MAX_ENTRIES);

  private final Map<String, LoraAdapter> entries;

  AdapterCache(int maxEntries) {
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, LoraAdapter> eldest) {
            return size() > maxEntries;
          }
        };
  }

  public static AdapterCache shared() {
    return SHARED;
  }

  /** The adapter under a key (model + path), loading it on first use. */
  public LoraAdapter get(String key, Supplier<LoraAdapter> loader) {
    synchronized (entries) {
      LoraAdapter cached = entries.get(key);
      if (cached != null) {
        return cached;
      }
    }
    long start = System.nanoTime();
    LoraAdapter loaded = loader.get();
    LOG.info("Loaded {} from {} in {} ms", loaded, key, (System.nanoTime() - start) / 1_000_000);
    synchronized (entries) {
      entries.putIfAbsent(key, loaded);
      return entries.get(key);
    }
  }
}

package dev.mtforge.udfs.tensor.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a checkpoint as shards of at most {@code maxShardBytes} of data each (a tensor larger
 * than that gets a shard of its own), named {@code model-00001-of-00003.safetensors}, plus
 * {@code model.safetensors.index.json}; a checkpoint that fits one shard is a single
 * {@code model.safetensors}, as Hugging Face writes it. Data streams in spec order, as with
 * {@link SafetensorsWriter}.
 */
public final class ShardedCheckpointWriter implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TensorFiles files;
  private final String dir;
  private final List<List<TensorSpec>> shards;
  private final List<String> shardNames;
  private final Map<String, String> metadata;
  private final Map<String, Integer> shardOf = new LinkedHashMap<>();
  private int open = -1;
  private SafetensorsWriter writer;

  private ShardedCheckpointWriter(
      TensorFiles files, String dir, List<List<TensorSpec>> shards, Map<String, String> metadata) {
    this.files = files;
    this.dir = dir;
    this.shards = shards;
    this.metadata = metadata;
    this.shardNames = new ArrayList<>();
    for (int i = 0; i < shards.size(); i++) {
      shardNames.add(shards.size() == 1
          ? "model.safetensors"
          : String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", i + 1, shards.size()));
      for (TensorSpec spec : shards.get(i)) {
        shardOf.put(spec.name(), i);
      }
    }
  }

  /** Plans the shards; nothing is written until the first tensor's data comes. */
  public static ShardedCheckpointWriter create(
      TensorFiles files, String dir, List<TensorSpec> specs, long maxShardBytes, Map<String, String> metadata) {
    if (maxShardBytes <= 0) {
      throw new IllegalArgumentException("maxShardBytes must be positive, got " + maxShardBytes);
    }
    List<List<TensorSpec>> shards = new ArrayList<>();
    List<TensorSpec> shard = new ArrayList<>();
    long bytes = 0;
    for (TensorSpec spec : specs) {
      if (!shard.isEmpty() && bytes + spec.bytes() > maxShardBytes) {
        shards.add(shard);
        shard = new ArrayList<>();
        bytes = 0;
      }
      shard.add(spec);
      bytes += spec.bytes();
    }
    shards.add(shard);
    return new ShardedCheckpointWriter(files, dir, shards, Map.copyOf(metadata));
  }

  /** Shard file names, in order. */
  public List<String> shardNames() {
    return List.copyOf(shardNames);
  }

  /** Writes a whole tensor (the next one in spec order). */
  public void write(String name, float[] values) {
    writerFor(name).write(name, values);
  }

  /** Writes the next values of a tensor. */
  public void append(String name, float[] values, int offset, int length) {
    writerFor(name).append(name, values, offset, length);
  }

  private SafetensorsWriter writerFor(String name) {
    Integer shard = shardOf.get(name);
    if (shard == null) {
      throw new IllegalArgumentException(dir + ": tensor '" + name + "' is not in the planned checkpoint");
    }
    while (open < shard) {
      if (writer != null) {
        writer.close();
      }
      open++;
      writer = SafetensorsWriter.create(files, files.resolve(dir, shardNames.get(open)), shards.get(open), metadata);
    }
    return writer;
  }

  /** Closes the last shard and writes the index (for more than one shard). */
  @Override
  public void close() {
    if (writer != null) {
      writer.close();
    }
    if (open < shards.size() - 1) {
      throw new IllegalStateException(dir + ": closed before shard " + shardNames.get(open + 1) + " was written");
    }
    if (shards.size() > 1) {
      ObjectNode root = JSON.createObjectNode();
      long total = shards.stream().flatMap(List::stream).mapToLong(TensorSpec::bytes).sum();
      root.putObject("metadata").put("total_size", total);
      ObjectNode weightMap = root.putObject("weight_map");
      shardOf.forEach((name, shard) -> weightMap.put(name, shardNames.get(shard)));
      try (OutputStream out = files.create(files.resolve(dir, SafetensorsCheckpoint.INDEX_FILE))) {
        out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot write " + SafetensorsCheckpoint.INDEX_FILE + " in " + dir, e);
      }
    }
  }
}

package dev.mtforge.udfs.tensor.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model or adapter checkpoint: one {@code .safetensors} file, or shards listed by
 * {@code model.safetensors.index.json} ({@code weight_map}: tensor → shard file). Every shard's
 * header is validated on open; tensor data is read on demand, one tensor or row range at a time.
 *
 * <pre>{@code
 * try (SafetensorsCheckpoint model = SafetensorsCheckpoint.open(files, "s3a://bucket/llama-13b")) {
 *   float[] rows = model.readRows("model.layers.0.mlp.up_proj.weight", 0, 128);
 * }
 * }</pre>
 */
public final class SafetensorsCheckpoint implements AutoCloseable {
  /** The index file name of a sharded checkpoint. */
  public static final String INDEX_FILE = "model.safetensors.index.json";

  /** File names tried, in order, in a folder without an index. */
  public static final List<String> SINGLE_FILES = List.of("model.safetensors", "adapter_model.safetensors");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String location;
  private final List<SafetensorsFile> shards;
  private final Map<String, SafetensorsFile> byTensor;

  private SafetensorsCheckpoint(String location, List<SafetensorsFile> shards, Map<String, SafetensorsFile> byTensor) {
    this.location = location;
    this.shards = shards;
    this.byTensor = byTensor;
  }

  /** Opens a {@code .safetensors} file, an index file, or a folder holding either. */
  public static SafetensorsCheckpoint open(TensorFiles files, String path) {
    try {
      if (path.endsWith(".safetensors")) {
        return single(files, path);
      }
      if (path.endsWith(".index.json")) {
        return sharded(files, path);
      }
      String index = files.resolve(path, INDEX_FILE);
      if (files.exists(index)) {
        return sharded(files, index);
      }
      for (String name : SINGLE_FILES) {
        String file = files.resolve(path, name);
        if (files.exists(file)) {
          return single(files, file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open checkpoint " + path, e);
    }
    throw SafetensorsException.of(path, "no " + INDEX_FILE + " nor " + String.join(" nor ", SINGLE_FILES) + " in the folder");
  }

  private static SafetensorsCheckpoint single(TensorFiles files, String file) {
    SafetensorsFile shard = SafetensorsFile.open(files, file);
    Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
    for (String name : shard.names()) {
      byTensor.put(name, shard);
    }
    return new SafetensorsCheckpoint(file, List.of(shard), byTensor);
  }

  private static SafetensorsCheckpoint sharded(TensorFiles files, String index) throws IOException {
    JsonNode root;
    try (TensorFiles.Input input = files.open(index)) {
      long length = input.length();
      if (length > SafetensorsFile.MAX_HEADER_BYTES) {
        throw SafetensorsException.of(index, "index file has " + length + " bytes; limit " + SafetensorsFile.MAX_HEADER_BYTES);
      }
      byte[] bytes = new byte[(int) length];
      input.readFully(0, bytes, 0, bytes.length);
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new SafetensorsException(index, null, "index is not valid JSON: " + e.getOriginalMessage(), e);
    }
    JsonNode weightMap = root == null ? null : root.get("weight_map");
    if (weightMap == null || !weightMap.isObject()) {
      throw SafetensorsException.of(index, "index has no weight_map object");
    }
    String dir = index.contains("/") ? index.substring(0, index.lastIndexOf('/')) : ".";
    Map<String, SafetensorsFile> shardsByName = new LinkedHashMap<>();
    Map<String, SafetensorsFile> byTensor = new LinkedHashMap<>();
    try {
      for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        String shardName = entry.getValue().asText();
        if (!entry.getValue().isTextual() || shardName.isEmpty() || shardName.contains("/")
            || shardName.contains("\\") || shardName.equals("..")) {
          throw SafetensorsException.of(index, entry.getKey(), "weight_map names shard '" + entry.getValue()
              + "', not a file name in the index's folder");
        }
        SafetensorsFile shard = shardsByName.get(shardName);
        if (shard == null) {
          shard = SafetensorsFile.open(files, files.resolve(dir, shardName));
          shardsByName.put(shardName, shard);
        }
        if (!shard.contains(entry.getKey())) {
          throw SafetensorsException.of(index, entry.getKey(), "weight_map puts it in " + shardName + ", which lacks it");
        }
        byTensor.put(entry.getKey(), shard);
      }
    } catch (RuntimeException e) {
      for (SafetensorsFile shard : shardsByName.values()) {
        shard.close();
      }
      throw e;
    }
    return new SafetensorsCheckpoint(index, new ArrayList<>(shardsByName.values()), byTensor);
  }

  /** The file or index this was opened from. */
  public String location() {
    return location;
  }

  /** Tensor names (index order, or data order for one file). */
  public List<String> names() {
    return List.copyOf(byTensor.keySet());
  }

  /** True when the checkpoint holds the tensor. */
  public boolean contains(String name) {
    return byTensor.containsKey(name);
  }

  /** The spec of a tensor. */
  public TensorSpec spec(String name) {
    return shard(name).spec(name);
  }

  /** All specs, in {@link #names()} order. */
  public List<TensorSpec> specs() {
    return byTensor.entrySet().stream().map(e -> e.getValue().spec(e.getKey())).toList();
  }

  /** A whole tensor as floats. */
  public float[] readFloats(String name) {
    return shard(name).readFloats(name);
  }

  /** A whole tensor as floats into a reused array; returns the element count (see {@link SafetensorsFile#readFloats(String, float[])}). */
  public int readFloats(String name, float[] into) {
    return shard(name).readFloats(name, into);
  }

  /** A range of rows of a tensor as floats. */
  public float[] readRows(String name, long firstRow, long rowCount) {
    return shard(name).readRows(name, firstRow, rowCount);
  }

  /** Metadata of the first shard. */
  public Map<String, String> metadata() {
    return shards.get(0).metadata();
  }

  private SafetensorsFile shard(String name) {
    SafetensorsFile shard = byTensor.get(name);
    if (shard == null) {
      throw SafetensorsException.of(location, name, "no such tensor in the checkpoint");
    }
    return shard;
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (SafetensorsFile shard : shards) {
      try {
        shard.close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}

package dev.mtforge.jobs.analysis;

import dev.mtforge.udfs.spark.ModelPackageCopies;
import dev.mtforge.udfs.tensor.safetensors.HadoopTensorFiles;
import dev.mtforge.udfs.tensor.safetensors.SafetensorsCheckpoint;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import dev.mtforge.udfs.tensor.safetensors.TensorSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parameters of an adapter: the element count of every tensor in its safetensors file(s), read
 * from the headers only (local or any Hadoop file system). An adapter whose files are gone counts
 * as unknown, with a warning, so that a merge cost can still show its delta.
 */
final class AdapterParameters {
  private static final Logger LOG = LoggerFactory.getLogger(AdapterParameters.class);

  private final Configuration conf;
  private final Map<String, OptionalLong> counted = new HashMap<>();

  AdapterParameters(Configuration conf) {
    this.conf = conf;
  }

  OptionalLong count(String path) {
    return counted.computeIfAbsent(path, this::read);
  }

  private OptionalLong read(String path) {
    TensorFiles files = ModelPackageCopies.isRemote(path) ? new HadoopTensorFiles(conf) : TensorFiles.local();
    try (SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(files, path)) {
      return OptionalLong.of(checkpoint.specs().stream().mapToLong(TensorSpec::elements).sum());
    } catch (RuntimeException e) {
      LOG.warn("Cannot count the parameters of adapter {}: {}", path, e.getMessage());
      return OptionalLong.empty();
    }
  }
}

package dev.mtforge.udfs.spark;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;

/**
 * A Hadoop Configuration that travels to executors (Configuration itself is not Serializable).
 *
 * <p>The settings travel as a plain byte array ({@link Configuration#write}), not through
 * {@code writeObject}/{@code readObject}: a broadcast goes through the session's serializer,
 * which is Kryo in every profile, and Kryo ignores those hooks and skips transient fields. With
 * the hooks alone an executor of a real cluster received a null configuration (in {@code local[*]}
 * the broadcast value never leaves the driver's JVM, so tests did not see it). The Configuration is
 * rebuilt from the bytes once per deserialized copy, on first use.
 */
public final class SerializableHadoopConf implements Serializable {
  private static final long serialVersionUID = 2L;

  private final byte[] settings;
  private transient volatile Configuration conf;

  /** Takes a snapshot of {@code conf}'s settings; later changes to it do not travel. */
  public SerializableHadoopConf(Configuration conf) {
    this.conf = conf;
    this.settings = write(conf);
  }

  /** The configuration: on the driver the one given, elsewhere a copy rebuilt from the snapshot. */
  public Configuration get() {
    Configuration c = conf;
    if (c == null) {
      synchronized (this) {
        c = conf;
        if (c == null) {
          c = read(settings);
          conf = c;
        }
      }
    }
    return c;
  }

  private static byte[] write(Configuration conf) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      conf.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot serialize the Hadoop configuration", e);
    }
    return bytes.toByteArray();
  }

  private static Configuration read(byte[] settings) {
    Configuration conf = new Configuration(false);
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(settings))) {
      conf.readFields(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the serialized Hadoop configuration", e);
    }
    return conf;
  }
}

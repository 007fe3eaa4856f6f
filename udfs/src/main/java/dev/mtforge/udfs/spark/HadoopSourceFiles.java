package dev.mtforge.udfs.spark;

import dev.mtforge.udfs.readers.SourceFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * {@link SourceFiles} over Hadoop FileSystem (local paths, {@code s3a://}, {@code abfss://}), with
 * the Hadoop configuration carried along when shipped to executors. Hidden files ({@code _SUCCESS},
 * {@code .crc}) are not listed.
 */
public final class HadoopSourceFiles implements SourceFiles, Serializable {
  private final SerializableHadoopConf conf;

  public HadoopSourceFiles(Configuration conf) {
    this.conf = new SerializableHadoopConf(new Configuration(conf));
  }

  @Override
  public InputStream open(String path) {
    Path p = new Path(path);
    try {
      return p.getFileSystem(conf.get()).open(p);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot open " + path, e);
    }
  }

  @Override
  public List<Map<String, Object>> parquetRecords(String path) {
    List<Map<String, Object>> records = new ArrayList<>();
    try (ParquetReader<Group> reader =
        ParquetReader.builder(new GroupReadSupport(), new Path(path)).withConf(conf.get()).build()) {
      Group group;
      while ((group = reader.read()) != null) {
        records.add(toMap(group));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read parquet file " + path, e);
    }
    return records;
  }

  @Override
  public List<String> listFiles(String folder) {
    Path root = new Path(folder);
    List<String> files = new ArrayList<>();
    try {
      FileSystem fs = root.getFileSystem(conf.get());
      if (!fs.exists(root)) {
        return files;
      }
      FileStatus status = fs.getFileStatus(root);
      if (status.isFile()) {
        files.add(status.getPath().toString());
        return files;
      }
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
      while (it.hasNext()) {
        Path file = it.next().getPath();
        String name = file.getName();
        if (!name.startsWith(".") && !name.startsWith("_")) {
          files.add(file.toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + folder, e);
    }
    files.sort(null);
    return files;
  }

  private static Map<String, Object> toMap(Group group) {
    Map<String, Object> map = new LinkedHashMap<>();
    GroupType type = group.getType();
    for (int i = 0; i < type.getFieldCount(); i++) {
      Type field = type.getType(i);
      if (group.getFieldRepetitionCount(i) == 0) {
        map.put(field.getName(), null);
      } else if (!field.isPrimitive()) {
        map.put(field.getName(), toMap(group.getGroup(i, 0)));
      } else {
        map.put(field.getName(), primitive(group, i, field.asPrimitiveType()));
      }
    }
    return map;
  }

  private static Object primitive(Group group, int i, PrimitiveType type) {
    return switch (type.getPrimitiveTypeName()) {
      case INT32 -> group.getInteger(i, 0);
      case INT64 -> group.getLong(i, 0);
      case BOOLEAN -> group.getBoolean(i, 0);
      case FLOAT -> group.getFloat(i, 0);
      case DOUBLE -> group.getDouble(i, 0);
      default -> group.getString(i, 0);
    };
  }
}

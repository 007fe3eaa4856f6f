package dev.mtforge.udfs.spark;

import dev.mtforge.schemas.InvalidInputException;
import dev.mtforge.udfs.inference.ModelPackage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local copies of model packages that live on a Hadoop file system ({@code s3a://}, {@code hdfs://}):
 * ONNX Runtime and the HF tokenizer read local files only. Each JVM copies a package once into
 * {@code <cache root>/<folder name>-<key>}, the key hashing the URI and each file's name, length
 * and modification time (a re-uploaded package gets a new copy). The copy is written to a
 * temporary sibling and renamed into place atomically, so a crash or a concurrent task on the same
 * host never leaves a half-copied package where a reader would take it.
 *
 * <pre>{@code Path local = ModelPackageCopies.localize("s3a://models/tiny-llama", conf, ModelPackageCopies.defaultRoot());}</pre>
 */
public final class ModelPackageCopies {
  private static final Logger LOG = LoggerFactory.getLogger(ModelPackageCopies.class);
  private static final ConcurrentHashMap<Path, Object> LOCKS = new ConcurrentHashMap<>();

  private ModelPackageCopies() {}

  /** {@code <java.io.tmpdir>/mtforge-model-packages}. */
  public static Path defaultRoot() {
    return Path.of(System.getProperty("java.io.tmpdir"), "mtforge-model-packages");
  }

  /** True for a URI with a scheme other than {@code file} (what {@link #localize} copies). */
  public static boolean isRemote(String uri) {
    String scheme = URI.create(uri.replace(" ", "%20")).getScheme();
    return scheme != null && scheme.length() > 1 && !scheme.equals("file"); // length 1: a Windows drive
  }

  /**
   * The local folder of a package: the path itself when local, else the cached copy (made now if
   * missing). Copies the folder's files, not its sub-folders (adapters stay where they are).
   */
  public static Path localize(String uri, Configuration conf, Path root) {
    if (!isRemote(uri)) {
      return Path.of(uri.startsWith("file:") ? URI.create(uri).getPath() : uri).toAbsolutePath();
    }
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(uri);
    List<FileStatus> files = new ArrayList<>();
    try {
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.exists(dir) || !fs.getFileStatus(dir).isDirectory()) {
        throw new InvalidInputException("Model package " + uri + " does not exist or is not a folder", uri, null);
      }
      for (FileStatus f : fs.listStatus(dir)) {
        if (f.isFile()) {
          files.add(f);
        }
      }
      files.sort(Comparator.comparing(f -> f.getPath().getName()));
      Path target = root.resolve(dir.getName() + "-" + key(uri, files));
      synchronized (LOCKS.computeIfAbsent(target, t -> new Object())) {
        if (Files.isDirectory(target)) {
          return target;
        }
        Files.createDirectories(root);
        Path tmp = root.resolve(target.getFileName() + ".tmp-" + UUID.randomUUID());
        Files.createDirectory(tmp);
        long bytes = 0;
        long start = System.nanoTime();
        try {
          for (FileStatus f : files) {
            try (InputStream in = fs.open(f.getPath())) {
              bytes += Files.copy(in, tmp.resolve(f.getPath().getName()));
            }
          }
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
          // another JVM on this host finished first: its copy is as good as ours
        } catch (AtomicMoveNotSupportedException e) {
          throw new IllegalStateException("Cannot rename " + tmp + " to " + target + " atomically", e);
        } finally {
          deleteTree(tmp);
        }
        LOG.info("Copied model package {} ({} files, {} MB) to {} in {} s", uri, files.size(), bytes >> 20, target,
            String.format("%.1f", (System.nanoTime() - start) / 1e9));
        return target;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot copy model package " + uri + " to " + root, e);
    }
  }

  /**
   * The manifest and generation config of a package, read in place: what a driver needs, without
   * copying the graph (tens of GB for a 13B model) that only executors load. Checks that every
   * file the manifest names is there.
   */
  public static ModelPackage.Header header(String uri, Configuration conf) {
    if (!isRemote(uri)) {
      ModelPackage pkg = ModelPackage.open(localize(uri, conf, defaultRoot()));
      return new ModelPackage.Header(pkg.manifest(), pkg.generation());
    }
    try {
      return ModelPackage.header(uri, folder(uri, conf, "Model package"));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read model package " + uri, e);
    }
  }

  /**
   * A package folder on any Hadoop file system, read in place by name; {@code what} names the
   * package kind in the error when the folder is missing.
   */
  static ModelPackage.FileAccess folder(String uri, Configuration conf, String what) throws IOException {
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(uri);
    FileSystem fs = dir.getFileSystem(conf);
    if (!fs.exists(dir) || !fs.getFileStatus(dir).isDirectory()) {
      throw new InvalidInputException(what + " " + uri + " does not exist or is not a folder", uri, null);
    }
    return new ModelPackage.FileAccess() {
      @Override
      public boolean isFile(String name) throws IOException {
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(dir, name);
        return fs.exists(file) && fs.getFileStatus(file).isFile();
      }

      @Override
      public byte[] read(String name) throws IOException {
        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(dir, name))) {
          return in.readAllBytes();
        }
      }
    };
  }

  private static String key(String uri, List<FileStatus> files) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(uri.getBytes(StandardCharsets.UTF_8));
      for (FileStatus f : files) {
        sha.update(("\n" + f.getPath().getName() + "\t" + f.getLen() + "\t" + f.getModificationTime())
            .getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}

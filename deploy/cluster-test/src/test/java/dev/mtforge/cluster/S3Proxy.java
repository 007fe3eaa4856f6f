package dev.mtforge.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * s3proxy with its filesystem backend as a separate process on a free loopback port: the S3
 * endpoint the cluster's driver and executors share. The jar is copied from Maven Central by the
 * build (system property {@code mtforge.s3proxy.jar}).
 */
final class S3Proxy implements AutoCloseable {
  private static final String ACCESS_KEY = "mtforge-test";
  private static final String SECRET_KEY = "mtforge-test-secret";

  private final Process process;
  private final int port;
  private final Path blobs;

  private S3Proxy(Process process, int port, Path blobs) {
    this.process = process;
    this.port = port;
    this.blobs = blobs;
  }

  /** Starts the server with one bucket and waits (at most 60 s) until it accepts connections. */
  static S3Proxy start(Path dir, String bucket) throws IOException, InterruptedException {
    Path jar = Path.of(System.getProperty("mtforge.s3proxy.jar", "target/s3proxy/s3proxy.jar"));
    int port = StandaloneCluster.freePort();
    Path blobs = Files.createDirectories(dir.resolve("blobs"));
    Files.createDirectories(blobs.resolve(bucket));
    Path properties = Files.writeString(dir.resolve("s3proxy.properties"), String.join("\n",
        "s3proxy.endpoint=http://127.0.0.1:" + port,
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + ACCESS_KEY,
        "s3proxy.credential=" + SECRET_KEY,
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + blobs,
        ""));
    Path log = dir.resolve("s3proxy.log");
    Process process = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar", jar.toString(),
            "--properties", properties.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    S3Proxy proxy = new S3Proxy(process, port, blobs);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("s3proxy exited: " + Files.readString(log));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return proxy;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    proxy.close();
    throw new IllegalStateException("s3proxy did not start within 60 s on port " + port);
  }

  /**
   * spark-submit {@code --conf} pairs that point S3A at this server, as a user points a cluster at
   * a private S3 endpoint: endpoint, path-style access, no TLS, static keys.
   */
  List<String> sparkConf() {
    List<String> args = new ArrayList<>();
    for (String setting : List.of(
        "fs.s3a.endpoint=http://127.0.0.1:" + port,
        "fs.s3a.path.style.access=true",
        "fs.s3a.connection.ssl.enabled=false",
        "fs.s3a.access.key=" + ACCESS_KEY,
        "fs.s3a.secret.key=" + SECRET_KEY,
        "fs.s3a.aws.credentials.provider=org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
        // Without these two every multi-object delete against s3proxy stalls ~30 s (FEASIBILITY.md).
        "fs.s3a.multiobjectdelete.enable=false",
        "fs.s3a.directory.marker.retention=keep",
        "fs.s3a.attempts.maximum=3",
        "fs.s3a.retry.limit=3")) {
      args.add("--conf");
      args.add("spark.hadoop." + setting);
    }
    return args;
  }

  /** The folder that holds the bucket's objects (the filesystem backend keeps one per bucket). */
  Path blobs() {
    return blobs;
  }

  @Override
  public void close() {
    StandaloneCluster.stop(process);
  }
}

package dev.mtforge.testing;

import java.io.IOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;

/**
 * A real S3-compatible server for tests: s3proxy with its filesystem backend, started as a
 * separate process on a free loopback port (s3proxy cannot start on Spark's class path). The jar
 * is copied from Maven Central by the jobs build (system property {@code mtforge.s3proxy.jar}).
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS_KEY = "mtforge-test";
  public static final String SECRET_KEY = "mtforge-test-secret";

  private final Process process;
  private final int port;
  private final Path baseDir;
  private final String accessKey;
  private final String secretKey;

  private S3ProxyServer(Process process, int port, Path baseDir, String accessKey, String secretKey) {
    this.process = process;
    this.port = port;
    this.baseDir = baseDir;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  /** Starts the server and waits (at most 60 s) until it accepts connections. */
  public static S3ProxyServer start(Path workDir) throws IOException, InterruptedException {
    return start(workDir, ACCESS_KEY, SECRET_KEY);
  }

  /** Starts the server with the given credentials (a secret a test can search for). */
  public static S3ProxyServer start(Path workDir, String accessKey, String secretKey)
      throws IOException, InterruptedException {
    Path jar = Path.of(System.getProperty("mtforge.s3proxy.jar", "target/s3proxy/s3proxy.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("s3proxy jar not found at " + jar + " (run the tests through Maven)");
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path baseDir = Files.createDirectories(workDir.resolve("blobs"));
    Path properties = workDir.resolve("s3proxy.properties");
    try (Writer w = Files.newBufferedWriter(properties)) {
      w.write("s3proxy.endpoint=http://127.0.0.1:" + port + "\n");
      w.write("s3proxy.authorization=aws-v2-or-v4\n");
      w.write("s3proxy.identity=" + accessKey + "\n");
      w.write("s3proxy.credential=" + secretKey + "\n");
      w.write("jclouds.provider=filesystem\n");
      w.write("jclouds.filesystem.basedir=" + baseDir + "\n");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(List.of(java, "-Xmx256m", "-jar", jar.toString(), "--properties", properties.toString()))
            .redirectErrorStream(true)
            .redirectOutput(workDir.resolve("s3proxy.log").toFile())
            .start();
    S3ProxyServer server = new S3ProxyServer(process, port, baseDir, accessKey, secretKey);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("s3proxy exited: " + Files.readString(workDir.resolve("s3proxy.log")));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return server;
      } catch (IOException notYet) {
        Thread.sleep(200);
      }
    }
    server.close();
    throw new IllegalStateException("s3proxy did not start within 60 s on port " + port);
  }

  /** Creates a bucket (the filesystem backend keeps one folder per bucket). */
  public void createBucket(String bucket) throws IOException {
    Files.createDirectories(baseDir.resolve(bucket));
  }

  /** Points S3A at this server: endpoint, path-style access, no TLS, test credentials. */
  public void configure(Configuration conf) {
    conf.set("fs.s3a.endpoint", "http://127.0.0.1:" + port);
    conf.set("fs.s3a.path.style.access", "true");
    conf.set("fs.s3a.connection.ssl.enabled", "false");
    conf.set("fs.s3a.access.key", accessKey);
    conf.set("fs.s3a.secret.key", secretKey);
    conf.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    // Without these two, every multi-object delete against s3proxy stalls ~30 s (FEASIBILITY.md).
    conf.set("fs.s3a.multiobjectdelete.enable", "false");
    conf.set("fs.s3a.directory.marker.retention", "keep");
    conf.set("fs.s3a.attempts.maximum", "3");
    conf.set("fs.s3a.retry.limit", "3");
  }

  /** The endpoint URL. */
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** The folder the filesystem backend keeps the buckets in. */
  public Path baseDir() {
    return baseDir;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}

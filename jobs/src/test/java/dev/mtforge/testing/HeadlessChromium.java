package dev.mtforge.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Renders a local page in the real Chromium of the machine (Debian's {@code chromium}, which
 * .ci/run installs) without a display, and reports what a reader would see go wrong: images that
 * did not load, console errors, uncaught exceptions, failed or non-local requests. Chromium is
 * driven through its DevTools protocol over the JDK's own WebSocket client; no driver binary and
 * no library is needed, and nothing is downloaded.
 *
 * <pre>{@code
 * HeadlessChromium.PageCheck check = HeadlessChromium.check(Path.of("report/analysis.html"), 1280, 4000);
 * assertThat(check.problems()).isEmpty();
 * }</pre>
 */
public final class HeadlessChromium {
  /** The browser binary; {@code -Dmtforge.chromium=PATH} overrides it. */
  public static final String BINARY = System.getProperty("mtforge.chromium", "/usr/bin/chromium");
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  private HeadlessChromium() {}

  /**
   * One image of the page.
   *
   * @param src its {@code src} attribute
   * @param loaded whether it finished loading with a non-zero natural size
   */
  public record Image(String src, boolean loaded, int width, int height) {}

  /**
   * What the browser saw.
   *
   * @param title the document title
   * @param images every {@code <img>} of the page
   * @param problems console errors, exceptions, failed or non-local requests, images that did not load
   * @param screenshot a PNG of the page's top, at most the requested height
   */
  public record PageCheck(String title, List<Image> images, List<String> problems, byte[] screenshot) {}

  /** Loads {@code page} at a {@code width} px wide window and checks it; the screenshot is at most {@code maxHeight} px. */
  public static PageCheck check(Path page, int width, int maxHeight) {
    if (!Files.isExecutable(Path.of(BINARY))) {
      throw new IllegalStateException("No Chromium at " + BINARY + ": install Debian's chromium (see .ci/run) or set"
          + " -Dmtforge.chromium=PATH");
    }
    Path profile;
    try {
      profile = Files.createTempDirectory("mtforge-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Process browser = null;
    try {
      // the flags FEASIBILITY.md lists for a sandboxed, offline machine; a fresh profile each time
      browser = new ProcessBuilder(BINARY, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
          "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--user-data-dir=" + profile, "--remote-debugging-port=0", "--window-size=" + width + ",1200", "about:blank")
          .redirectErrorStream(true)
          .redirectOutput(profile.resolve("chromium.log").toFile())
          .start();
      int port = devToolsPort(profile, browser);
      try (DevTools tools = DevTools.connect(pageSocket(port))) {
        return tools.check(page.toAbsolutePath().toUri().toString(), width, maxHeight);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot drive Chromium (log: " + profile.resolve("chromium.log") + ")", e);
    } finally {
      if (browser != null) {
        browser.descendants().forEach(ProcessHandle::destroy);
        browser.destroy();
        try {
          browser.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        browser.destroyForcibly();
      }
      delete(profile);
    }
  }

  /** Chromium writes the port it chose to {@code DevToolsActivePort} in the profile. */
  private static int devToolsPort(Path profile, Process browser) throws IOException {
    Path file = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.isRegularFile(file)) {
        List<String> lines = Files.readAllLines(file);
        if (!lines.isEmpty() && !lines.get(0).isBlank()) {
          return Integer.parseInt(lines.get(0).strip());
        }
      }
      if (!browser.isAlive()) {
        throw new IOException("Chromium exited with " + browser.exitValue() + ": "
            + Files.readString(profile.resolve("chromium.log")));
      }
      sleep(50);
    }
    throw new IOException("Chromium did not open its DevTools port within " + TIMEOUT.toSeconds() + " s");
  }

  private static URI pageSocket(int port) throws IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    try {
      String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
          .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString()).body();
      for (JsonNode target : JSON.readTree(body)) {
        if ("page".equals(target.path("type").asText())) {
          return URI.create(target.get("webSocketDebuggerUrl").asText());
        }
      }
      throw new IOException("Chromium lists no page target: " + body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted", e);
    }
  }

  /** A DevTools session on one page: commands with ids, and the events in arrival order. */
  private static final class DevTools implements WebSocket.Listener, AutoCloseable {
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final StringBuilder frame = new StringBuilder();
    private WebSocket socket;

    static DevTools connect(URI uri) {
      DevTools tools = new DevTools();
      tools.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(TIMEOUT)
          .buildAsync(uri, tools).join();
      return tools;
    }

    PageCheck check(String url, int width, int maxHeight) throws IOException {
      for (String domain : List.of("Page", "Runtime", "Log", "Network")) {
        send(domain + ".enable", JSON.createObjectNode());
      }
      ObjectNode metrics = JSON.createObjectNode().put("width", width).put("height", 1200)
          .put("deviceScaleFactor", 1).put("mobile", false);
      send("Emulation.setDeviceMetricsOverride", metrics);
      send("Page.navigate", JSON.createObjectNode().put("url", url));
      awaitEvent("Page.loadEventFired");
      String script = "JSON.stringify({title: document.title, images: Array.from(document.images).map(i =>"
          + " ({src: i.getAttribute('src'), loaded: i.complete && i.naturalWidth > 0, w: i.naturalWidth,"
          + " h: i.naturalHeight}))})";
      JsonNode value = JSON.readTree(send("Runtime.evaluate", JSON.createObjectNode().put("expression", script)
          .put("returnByValue", true)).path("result").path("value").asText());
      List<Image> images = new ArrayList<>();
      List<String> problems = new ArrayList<>();
      for (JsonNode i : value.get("images")) {
        Image image = new Image(i.path("src").asText(), i.path("loaded").asBoolean(), i.path("w").asInt(), i.path("h").asInt());
        images.add(image);
        if (!image.loaded()) {
          problems.add("image " + image.src() + " did not load");
        }
      }
      for (JsonNode e : events) {
        String method = e.path("method").asText();
        JsonNode p = e.path("params");
        switch (method) {
          case "Runtime.consoleAPICalled" -> {
            String type = p.path("type").asText();
            if (type.equals("error") || type.equals("assert")) {
              problems.add("console." + type + ": " + p.path("args").toString());
            }
          }
          case "Runtime.exceptionThrown" -> problems.add("exception: " + p.path("exceptionDetails").path("text").asText()
              + " " + p.path("exceptionDetails").path("exception").path("description").asText());
          case "Log.entryAdded" -> {
            if (p.path("entry").path("level").asText().equals("error")) {
              problems.add("console error: " + p.path("entry").path("text").asText() + " "
                  + p.path("entry").path("url").asText());
            }
          }
          case "Network.loadingFailed" -> problems.add("request failed: " + p.path("errorText").asText());
          case "Network.requestWillBeSent" -> {
            String requested = p.path("request").path("url").asText();
            if (!requested.startsWith("file:") && !requested.startsWith("data:")) {
              problems.add("the page requested " + requested + " (it must need no network)");
            }
          }
          default -> { }
        }
      }
      JsonNode layout = send("Page.getLayoutMetrics", JSON.createObjectNode());
      double height = Math.min(maxHeight, layout.path("cssContentSize").path("height").asDouble(1200));
      ObjectNode clip = JSON.createObjectNode().put("x", 0).put("y", 0).put("width", width).put("height", height)
          .put("scale", 1);
      ObjectNode shot = JSON.createObjectNode().put("format", "png").put("captureBeyondViewport", true);
      shot.set("clip", clip);
      byte[] png = Base64.getDecoder().decode(send("Page.captureScreenshot", shot).get("data").asText());
      return new PageCheck(value.path("title").asText(), images, problems, png);
    }

    private JsonNode send(String method, ObjectNode params) throws IOException {
      int id = ids.incrementAndGet();
      CompletableFuture<JsonNode> reply = new CompletableFuture<>();
      pending.put(id, reply);
      ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
      message.set("params", params);
      socket.sendText(JSON.writeValueAsString(message), true).join();
      try {
        JsonNode answer = reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (answer.has("error")) {
          throw new IOException(method + " failed: " + answer.get("error"));
        }
        return answer.path("result");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("Interrupted while waiting for " + method, e);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        throw new IOException("No answer to " + method + " within " + TIMEOUT.toSeconds() + " s", e);
      }
    }

    private void awaitEvent(String method) throws IOException {
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        if (events.stream().anyMatch(e -> method.equals(e.path("method").asText()))) {
          return;
        }
        sleep(20);
      }
      throw new IOException("No " + method + " within " + TIMEOUT.toSeconds() + " s");
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      frame.append(data);
      if (last) {
        try {
          JsonNode message = JSON.readTree(frame.toString());
          if (message.has("id")) {
            CompletableFuture<JsonNode> reply = pending.remove(message.get("id").asInt());
            if (reply != null) {
              reply.complete(message);
            }
          } else {
            events.add(message);
          }
        } catch (IOException e) {
          events.add(JSON.createObjectNode().put("method", "mtforge.unparsable").put("text", frame.toString()));
        }
        frame.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public void close() {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted", e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temporary profile is harmless
    }
  }
}

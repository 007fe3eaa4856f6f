package dev.mtforge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The page checker itself must fail on the faults it is there to catch. */
class HeadlessChromiumTest {
  @TempDir Path dir;

  private Path page(String name, String body) throws IOException {
    ImageIO.write(new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB), "png", dir.resolve("ok.png").toFile());
    return Files.writeString(dir.resolve(name),
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>t " + name + "</title></head><body>" + body
            + "</body></html>");
  }

  @Test
  void aCleanPageHasNoProblemsAndItsImagesLoad() throws IOException {
    HeadlessChromium.PageCheck check = HeadlessChromium.check(page("clean.html", "<h1>x</h1><img src=\"ok.png\">"), 800, 600);
    assertThat(check.problems()).isEmpty();
    assertThat(check.title()).isEqualTo("t clean.html");
    assertThat(check.images()).containsExactly(new HeadlessChromium.Image("ok.png", true, 40, 30));
    assertThat(check.screenshot()).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
  }

  @Test
  void aMissingImageIsAProblem() throws IOException {
    HeadlessChromium.PageCheck check = HeadlessChromium.check(page("missing.html", "<img src=\"missing.png\">"), 800, 600);
    assertThat(check.problems()).contains("image missing.png did not load");
    assertThat(check.problems()).anyMatch(p -> p.startsWith("console error: Failed to load resource"));
  }

  @Test
  void consoleErrorsAndExceptionsAreProblems() throws IOException {
    HeadlessChromium.PageCheck check = HeadlessChromium.check(page("script.html",
        "<script>console.error('boom'); undefinedFunction();</script>"), 800, 600);
    assertThat(check.problems()).anyMatch(p -> p.startsWith("console.error: ") && p.contains("boom"));
    assertThat(check.problems()).anyMatch(p -> p.startsWith("exception: ") && p.contains("undefinedFunction"));
  }

  @Test
  void aRequestOffTheMachineIsAProblem() throws IOException {
    HeadlessChromium.PageCheck check = HeadlessChromium.check(page("remote.html",
        "<img src=\"http://cdn.example.invalid/chart.png\">"), 800, 600);
    assertThat(check.problems()).contains("the page requested http://cdn.example.invalid/chart.png (it must need no network)");
  }
}

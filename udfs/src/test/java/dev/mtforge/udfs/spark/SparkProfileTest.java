package dev.mtforge.udfs.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mtforge.testing.SparkTestSession;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SparkProfileTest {
  private static final Path CONF = SparkTestSession.repoRoot().resolve("conf");

  @Test
  void profilesEnableDelta() {
    for (String name : new String[] {"local", "emr"}) {
      assertThat(SparkProfile.load(name, CONF).settings())
          .as(name)
          .containsEntry("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
          .containsEntry(
              "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    }
    // Databricks configures Delta itself; the profile must not override its catalog.
    assertThat(SparkProfile.load("databricks", CONF).settings())
        .doesNotContainKey("spark.sql.catalog.spark_catalog")
        .containsEntry("spark.sql.session.timeZone", "UTC");
  }

  @Test
  void unknownProfileIsAnError() {
    assertThatThrownBy(() -> SparkProfile.load("yarn-big", CONF))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Unknown Spark profile 'yarn-big'; known: local, databricks, emr, or a path to a"
                + " .properties file");
  }

  @Test
  void testSessionUsesTheLocalProfile() {
    assertThat(SparkTestSession.get().conf().get("spark.sql.extensions"))
        .isEqualTo("io.delta.sql.DeltaSparkSessionExtension");
  }
}

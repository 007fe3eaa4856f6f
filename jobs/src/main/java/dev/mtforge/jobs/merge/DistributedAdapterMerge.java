package dev.mtforge.jobs.merge;

import dev.mtforge.udfs.spark.MergeModulesFunction;
import dev.mtforge.udfs.spark.MergeModulesFunction.Merged;
import dev.mtforge.udfs.spark.SerializableHadoopConf;
import dev.mtforge.udfs.tensor.merge.AdapterMergePlan;
import dev.mtforge.udfs.tensor.merge.AdapterMergePlan.ModuleTask;
import dev.mtforge.udfs.tensor.merge.AdapterMerger;
import dev.mtforge.udfs.tensor.merge.MagnitudeSelect;
import dev.mtforge.udfs.tensor.merge.MergeKernel;
import dev.mtforge.udfs.tensor.peft.PeftAdapter;
import dev.mtforge.udfs.tensor.safetensors.HadoopTensorFiles;
import dev.mtforge.udfs.tensor.safetensors.SafetensorsWriter;
import dev.mtforge.udfs.tensor.safetensors.TensorFiles;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * Runs an {@link AdapterMergePlan} on Spark: one task per module (or per run of modules when
 * fewer partitions are asked for), whole-model thresholds from two distributed histogram passes,
 * and the merged modules streamed back to the driver one partition at a time
 * ({@code toLocalIterator}) into the output file. The bytes equal {@link AdapterMerger}'s for any
 * partition count.
 */
public final class DistributedAdapterMerge {
  private DistributedAdapterMerge() {}

  /**
   * Merges and writes {@code outDir}.
   *
   * @param partitions Spark partitions; 0 = one per module
   */
  public static AdapterMerger.Result run(SparkSession spark, AdapterMergePlan plan, String outDir, int partitions) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<SerializableHadoopConf> conf =
        jsc.broadcast(new SerializableHadoopConf(spark.sparkContext().hadoopConfiguration()));
    List<Integer> indexes = IntStream.range(0, plan.modules().size()).boxed().toList();
    int slices = partitions > 0 ? partitions : Math.max(1, indexes.size());
    try {
      if (plan.needsModelThresholds()) {
        plan = plan.withThresholds(thresholds(jsc, plan, conf, indexes, slices));
      }
      TensorFiles files = new HadoopTensorFiles(spark.sparkContext().hadoopConfiguration());
      Map<String, MergeKernel.Stats> stats = new LinkedHashMap<>();
      try (SafetensorsWriter writer = SafetensorsWriter.create(
          files, files.resolve(outDir, PeftAdapter.WEIGHTS_FILE), plan.outputSpecs(), plan.outputMetadata())) {
        Iterator<Merged> merged =
            jsc.parallelize(indexes, slices).mapPartitions(new MergeModulesFunction(plan, conf)).toLocalIterator();
        int expected = 0;
        while (merged.hasNext()) {
          Merged m = merged.next();
          if (m.index != expected) {
            throw new IllegalStateException("Merged module " + m.index + " arrived before " + expected);
          }
          ModuleTask task = plan.modules().get(m.index);
          writer.write(task.module() + ".lora_A.weight", m.a);
          writer.write(task.module() + ".lora_B.weight", m.b);
          MergeKernel.Stats s = new MergeKernel.Stats();
          s.active = m.stats[0];
          s.conflicts = m.stats[1];
          s.kept = m.stats[2];
          s.total = m.stats[3];
          stats.put(task.module(), s);
          expected++;
        }
      }
      plan.writeConfig(files, outDir);
      return new AdapterMerger.Result(outDir, plan.outputRank(), stats);
    } finally {
      conf.destroy();
    }
  }

  private static float[] thresholds(
      JavaSparkContext jsc, AdapterMergePlan plan, Broadcast<SerializableHadoopConf> conf, List<Integer> indexes,
      int slices) {
    int n = plan.adapters().size();
    long[][] high = jsc.parallelize(indexes, slices)
        .mapPartitions(new MergeModulesFunction.HistogramPass(plan, conf, null))
        .reduce(DistributedAdapterMerge::sum);
    float[] thresholds = new float[n];
    int[] buckets = new int[n];
    List<MagnitudeSelect.Bucket> located = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long k = MagnitudeSelect.keepRank(plan.rankedValues(i), plan.options().density(), plan.options().keepCount());
      MagnitudeSelect.Bucket bucket = k == 0 ? null : MagnitudeSelect.locate(high[i], k);
      located.add(bucket);
      buckets[i] = bucket == null ? -1 : bucket.bucket();
    }
    long[][] low = jsc.parallelize(indexes, slices)
        .mapPartitions(new MergeModulesFunction.HistogramPass(plan, conf, buckets))
        .reduce(DistributedAdapterMerge::sum);
    for (int i = 0; i < n; i++) {
      thresholds[i] = located.get(i) == null ? Float.POSITIVE_INFINITY : MagnitudeSelect.value(located.get(i), low[i]);
    }
    return thresholds;
  }

  private static long[][] sum(long[][] a, long[][] b) {
    for (int i = 0; i < a.length; i++) {
      MagnitudeSelect.sum(a[i], b[i]);
    }
    return a;
  }
}

package dev.mtforge.udfs.spark;

import dev.mtforge.udfs.tensor.merge.AdapterMergePlan;
import dev.mtforge.udfs.tensor.merge.AdapterMergePlan.ModuleTask;
import dev.mtforge.udfs.tensor.merge.LoraMerge;
import dev.mtforge.udfs.tensor.merge.MagnitudeSelect;
import dev.mtforge.udfs.tensor.safetensors.HadoopTensorFiles;
import dev.mtforge.udfs.tensor.safetensors.SafetensorsCheckpoint;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * Spark side of an adapter merge: each partition is a run of module indexes of an
 * {@link AdapterMergePlan}; a task opens the inputs' weight files once (ranged reads through
 * Hadoop, so {@code s3a://} never downloads whole files) and merges its modules one at a time.
 * Results are float arrays per module, so a task's memory is one module of every input.
 */
public final class MergeModulesFunction implements FlatMapFunction<Iterator<Integer>, MergeModulesFunction.Merged> {
  private final AdapterMergePlan plan;
  private final Broadcast<SerializableHadoopConf> conf;

  /**
   * One merged module: its index in the plan, A, B and statistics (active, conflicts, kept,
   * total). A plain class, not a record, so Kryo (the profiles' serializer) can rebuild it.
   */
  public static final class Merged implements Serializable {
    public int index;
    public float[] a;
    public float[] b;
    public long[] stats;

    public Merged() {}

    Merged(int index, float[] a, float[] b, long[] stats) {
      this.index = index;
      this.a = a;
      this.b = b;
      this.stats = stats;
    }
  }

  public MergeModulesFunction(AdapterMergePlan plan, Broadcast<SerializableHadoopConf> conf) {
    this.plan = plan;
    this.conf = conf;
  }

  @Override
  public Iterator<Merged> call(Iterator<Integer> indexes) {
    List<Merged> out = new ArrayList<>();
    if (!indexes.hasNext()) {
      return out.iterator();
    }
    List<SafetensorsCheckpoint> inputs = plan.openInputs(new HadoopTensorFiles(conf.value().get()));
    try {
      while (indexes.hasNext()) {
        int index = indexes.next();
        ModuleTask task = plan.modules().get(index);
        LoraMerge.Result result = plan.mergeModule(inputs, task);
        out.add(new Merged(index, result.a(), result.b(), new long[] {
            result.stats().active, result.stats().conflicts, result.stats().kept, result.stats().total}));
      }
    } finally {
      inputs.forEach(SafetensorsCheckpoint::close);
    }
    return out.iterator();
  }

  /**
   * One radix pass of the whole-model magnitude threshold: per partition, a histogram per input
   * over that partition's modules; the driver sums them. {@code buckets} null = pass 1 (high
   * bits), else pass 2 (low bits inside each input's bucket).
   */
  public static final class HistogramPass implements FlatMapFunction<Iterator<Integer>, long[][]> {
    private final AdapterMergePlan plan;
    private final Broadcast<SerializableHadoopConf> conf;
    private final int[] buckets;

    public HistogramPass(AdapterMergePlan plan, Broadcast<SerializableHadoopConf> conf, int[] buckets) {
      this.plan = plan;
      this.conf = conf;
      this.buckets = buckets;
    }

    @Override
    public Iterator<long[][]> call(Iterator<Integer> indexes) {
      int n = plan.adapters().size();
      long[][] histograms = new long[n][];
      for (int i = 0; i < n; i++) {
        histograms[i] = buckets == null ? MagnitudeSelect.newHighHistogram() : MagnitudeSelect.newLowHistogram();
      }
      List<long[][]> one = new ArrayList<>();
      one.add(histograms);
      if (!indexes.hasNext()) {
        return one.iterator();
      }
      List<SafetensorsCheckpoint> inputs = plan.openInputs(new HadoopTensorFiles(conf.value().get()));
      try {
        while (indexes.hasNext()) {
          ModuleTask task = plan.modules().get(indexes.next());
          for (int i = 0; i < n; i++) {
            for (float[] block : plan.rankedBlocks(inputs.get(i), task, i)) {
              if (buckets == null) {
                MagnitudeSelect.addHigh(histograms[i], block, 0, block.length);
              } else {
                MagnitudeSelect.addLow(histograms[i], block, 0, block.length, buckets[i]);
              }
            }
          }
        }
      } finally {
        inputs.forEach(SafetensorsCheckpoint::close);
      }
      return one.iterator();
    }
  }
}

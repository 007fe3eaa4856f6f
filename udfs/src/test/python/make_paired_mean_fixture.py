"""Reference p-values for PairedComparison.onScores (a metric whose corpus score is the mean of
its segment scores, as COMET's): sacreBLEU's paired bootstrap procedure (sacrebleu/significance.py,
_paired_bootstrap) with the mean as the corpus score, written out with NumPy.

Run: /usr/bin/python3 udfs/src/test/python/make_paired_mean_fixture.py  (Debian's numpy 1.24.2)
The numbers it prints are pasted into PairedComparisonTest.
"""
import numpy as np

# segment scores: the baseline, and a system that is better by about 0.01 with noise
baseline = np.array([0.71, 0.84, 0.66, 0.90, 0.78, 0.81, 0.69, 0.93, 0.75, 0.88,
                     0.62, 0.85, 0.79, 0.72, 0.91, 0.68, 0.83, 0.77, 0.86, 0.74])
system = baseline + np.array([0.03, -0.02, 0.01, 0.02, -0.01, 0.04, 0.00, -0.03, 0.02, 0.01,
                              0.05, -0.01, 0.02, 0.00, -0.02, 0.03, 0.01, 0.02, -0.01, 0.04])


def p_value(sys_scores, bl_scores, n_samples=1000, seed=12345):
    rng = np.random.default_rng(seed)
    idxs = rng.choice(len(bl_scores), size=(n_samples, len(bl_scores)), replace=True)
    sys_means = sys_scores[idxs].mean(axis=1)
    bl_means = bl_scores[idxs].mean(axis=1)
    diffs = np.abs(sys_means - bl_means)
    diffs = diffs - diffs.mean()
    real = abs(sys_scores.mean() - bl_scores.mean())
    return (int((diffs > real).sum()) + 1) / (n_samples + 1)


for name, sys_scores in [("system", system), ("swapped", baseline), ("noise", baseline + (system - baseline)[::-1] - 0.0095)]:
    print(name, repr(p_value(sys_scores, baseline if name != "swapped" else system)), repr(float(sys_scores.mean())))

"""Prints sacreBLEU 2.6.0's bootstrap confidence intervals (`sacrebleu -ci`: mean and half-width,
1000 resamples, seed 12345) for the pairs of EvaluateTranslationsJobTest, whose sentences are
those of src/test/resources/cli (sys1/sys2 against ref.a + ref.b; zh.hyp against zh.ref).

    cd jobs && PYTHONPATH=/tmp/sb:/tmp/sb/stubs python3 src/test/python/make_evaluate_ci_fixtures.py
"""
import os

import sacrebleu
from sacrebleu.metrics import BLEU, CHRF, TER

assert sacrebleu.__version__ == "2.6.0", sacrebleu.__version__
D = os.path.join("src", "test", "resources", "cli")


def lines(name):
    with open(os.path.join(D, name), encoding="utf-8") as f:
        return [line.rstrip() for line in f]


ref_a, ref_b = lines("ref.a.txt"), lines("ref.b.txt")
CASES = [
    ("sysA en-de BLEU", BLEU(), lines("sys1.txt"), [ref_a, ref_b]),
    ("sysA en-de chrF2++", CHRF(word_order=2), lines("sys1.txt"), [ref_a, ref_b]),
    ("sysA en-de TER", TER(), lines("sys1.txt"), [ref_a, ref_b]),
    ("sysB en-de BLEU", BLEU(), lines("sys2.txt"), [ref_a, ref_b]),
    ("sysA en-zh BLEU", BLEU(tokenize="zh"), lines("zh.hyp.txt"), [lines("zh.ref.txt")]),
]
for name, metric, hyps, refs in CASES:
    s = metric.corpus_score(hyps, refs, n_bootstrap=1000)
    print(f"{name}: score {s.score!r} mean {float(s._mean)!r} ci {float(s._ci)!r}")

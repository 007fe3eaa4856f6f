"""Writes the expected values of mtforge's sacreBLEU parity tests (udfs/src/test/resources/parity).

Every expected number in those files comes from sacreBLEU 2.6.0 itself, run from its source:

    git --git-dir=<mirror of github.com/mjpost/sacrebleu> archive v2.6.0 | tar x -C /tmp/sb
    echo '__version__ = "2.6.0"' > /tmp/sb/sacrebleu/version.py
    # stubs for portalocker/tabulate/lxml, used by sacreBLEU only for downloads and tables
    PYTHONPATH=/tmp/sb:/tmp/sb/stubs python3 udfs/src/test/python/make_parity_fixtures.py

The inputs are our own sentences and seeded random strings (no sacreBLEU data is copied).
"""
import json
import os
import random
import sys

import sacrebleu
from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a
from sacrebleu.tokenizers.tokenizer_intl import TokenizerV14International
from sacrebleu.tokenizers.tokenizer_zh import TokenizerZh
from sacrebleu.tokenizers.tokenizer_char import TokenizerChar
from sacrebleu.tokenizers.tokenizer_none import NoneTokenizer
from sacrebleu.tokenizers.tokenizer_ter import TercomTokenizer

assert sacrebleu.__version__ == "2.6.0", sacrebleu.__version__
OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "parity")

# Hand-written edge cases: punctuation rules, entities, numbers, zh range bounds (the
# two-character bounds u'\u20000' and u'\u2f800'), supplementary planes, Python whitespace.
EDGE = [
    "", " ", "Hello, world!", "The cat sat on the mat.", "  leading and trailing  ",
    "1,000.50 dollars, 3.14 and 2-3 - 4-x", "end.", "a.b,c", ".,.,", "U.S.A. vs. e.g.",
    "&quot;quoted&quot; &amp; &lt;tag&gt; &amp;lt;", "<skipped> word", "line-\nbreak\nhere",
    "it's John's book; isn't it?", "{braces} [brackets] (parens) <angles> @at #hash $5 %",
    "a/b\\c|d~e^f_g`h", "tab\there", "nbsp\u00a0here", "ideographic\u3000space",
    "narrow\u202fnbsp", "figure\u2007space", "nel\u0085here", "zwsp\u200bnot space",
    "我爱北京天安门。", "中文，English mixed 123。", "“引号”和‘单引号’", "价格：$100，约合￥700元",
    "\u2000x\u2001y\u2a6dz\u2a6ew", "\u2f80a\u2f81b\u2fa1c\u2fa2d",
    "ext-B \U00020000 \U0002a6d6 \U0002f800", "emoji 😀 test 👍🏽!", "ÉCOLE Straße İstanbul ΟΔΟΣ",
    "café naïve coöperate", "e\u0301 combining", "Ⅻ ½ ² ३ ٣", "« guillemets » — dash … ellipsis",
    "日本語のテキストです。", "한국어 문장입니다.", "Привет, мир!", "مرحبا بالعالم؟",
    "x--y 5--6 7-", "...", "a , b . c", "A.B. 1.2.3", "1.", "trailing comma,",
    "ﬁ ligature ＡＢＣ fullwidth ！", "☀☃ ✓ ❤", "㈱ ㎏ ㍿", "\u31c0 \u2e80 \u3100 \u31a0",
]

POOL = (
    list("abcXYZ019 ,.-'\"!?;:()[]{}<>@#$%&*+/\\|~^_`=")
    + ["\t", "\u00a0", "\u3000", "\u2009", "\u0085", "\u200b", "\u2028"]
    + list("中文字。，、")
    + ["\u2000", "\u2001", "\u2a6d", "\u2a6e", "\u2f80", "\u2f81", "\u2fa1", "\u2fa2", "\u3400",
       "\u4db5", "\u4db6", "\u9fbb", "\u9fbc", "\uff00", "\uffef", "\ufff0", "\u2013", "\u2026",
       "\u20ac", "\u00e9", "\u0130", "\u03a3", "\u00df", "\U00020000", "\U0001f600", "\u0301",
       "\u00bd", "\u0663", "\u2160", "\u3042", "\u30a2", "\u30fb", "\uff0c", "\uff08"]
)


def fuzz_lines(n, seed):
    rng = random.Random(seed)
    return ["".join(rng.choice(POOL) for _ in range(rng.randint(0, 40))) for _ in range(n)]


def write_jsonl(name, rows):
    with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def tokenizer_cases():
    tokenizers = {
        "13a": Tokenizer13a(), "intl": TokenizerV14International(), "zh": TokenizerZh(),
        "char": TokenizerChar(), "none": NoneTokenizer(),
    }
    lines = EDGE + fuzz_lines(400, 7)
    rows = []
    for name, tok in tokenizers.items():
        for line in lines:
            rows.append({"tok": name, "in": line, "out": tok(line)})
    for opts in [(False, False, False, False), (True, False, False, False), (True, True, False, True),
                 (True, False, True, False), (True, True, True, False), (False, True, True, True)]:
        tok = TercomTokenizer(*opts)
        name = "tercom:" + ",".join("1" if o else "0" for o in opts)
        for line in lines:
            rows.append({"tok": name, "in": line, "out": tok(line)})
    for line in lines:
        rows.append({"tok": "lower", "in": line, "out": line.lower()})
        rows.append({"tok": "split", "in": line, "out": " ".join(line.split()) + "|" + str(len(line.split()))})
    write_jsonl("tokenizers.jsonl", rows)


# Our own sentences: hypotheses of two "systems" and two references per segment.
REFS_A = [
    "The cat sat on the mat.", "It is raining heavily in Berlin today.",
    "The committee approved the budget for 2024 after a long debate.",
    "She said: \"We will not give up.\"", "Prices rose by 3.5% in the first quarter.",
    "", "Please close the door when you leave the room.", "The new bridge opens on Monday, 5 May.",
    "Scientists found water on the moon's surface.", "He doesn't like coffee, but he loves tea.",
    "The quick brown fox jumps over the lazy dog.", "Our flight was delayed by two hours.",
]
REFS_B = [
    "A cat was sitting on the mat.", "Today it rains a lot in Berlin.",
    "After a lengthy debate, the committee passed the 2024 budget.",
    "\"We won't give up,\" she said.", "In the first quarter, prices increased by 3.5%.",
    "Nothing.", "Close the door, please, when leaving the room.", "On Monday, 5 May, the new bridge opens.",
    "Water was discovered on the surface of the moon by scientists.", "He dislikes coffee but loves tea.",
    "A quick brown fox jumped over a lazy dog.", "The flight was two hours late.",
]
SYS_1 = [
    "The cat sat on the mat.", "It rains heavily in Berlin today.",
    "The committee approved the 2024 budget after long debate.",
    "She said: We will not give up.", "Prices rose 3.5 % in the first quarter.",
    "", "Please close the door when leaving the room", "The new bridge opens Monday 5 May.",
    "Scientists have found water on the surface of the moon.", "He does not like coffee but he loves tea.",
    "The fast brown fox jumps over the lazy dog.", "our flight was delayed two hours .",
]
SYS_2 = [
    "the cat is on the mat", "Raining in Berlin.", "Budget approved.",
    "She says she will not give up", "Prices went up.", "Something.",
    "Close door.", "Bridge open Monday.", "Water on moon.", "Coffee no, tea yes.",
    "Fox jumps dog.", "Flight late two hours delayed our was.",
]
ZH_REFS = ["我爱北京天安门。", "今天天气很好，我们去公园散步吧！", "价格上涨了3.5%。", "他说：“我们不会放弃。”"]
ZH_HYPS = ["我喜欢北京天安门。", "今天天气不错，我们去公园走走吧!", "价格上涨3.5%", "他说“我们决不放弃”。"]


def random_corpus(seed, n):
    rng = random.Random(seed)
    words = ("the a of and to in is was for on that with by it as at from this be are have an not "
             "cat dog house tree river city car road day night new old big small red blue green "
             "runs sees takes makes goes , . ! ? \" ( ) 1,000 3.5 2-3 U.S. don't").split()
    refs, hyps = [], []
    for _ in range(n):
        ref = [rng.choice(words) for _ in range(rng.randint(0, 25))]
        hyp = list(ref)
        for _ in range(rng.randint(0, 6)):
            op = rng.random()
            if op < 0.25 and hyp:
                del hyp[rng.randrange(len(hyp))]
            elif op < 0.5:
                hyp.insert(rng.randint(0, len(hyp)), rng.choice(words))
            elif op < 0.75 and hyp:
                hyp[rng.randrange(len(hyp))] = rng.choice(words)
            elif len(hyp) > 3:
                # move a block: exercises TER shifts
                i = rng.randrange(len(hyp) - 2)
                k = rng.randint(1, 3)
                block = hyp[i:i + k]
                del hyp[i:i + k]
                j = rng.randint(0, len(hyp))
                hyp[j:j] = block
        if rng.random() < 0.3:
            hyp = [w.upper() if rng.random() < 0.3 else w for w in hyp]
        refs.append(" ".join(ref))
        hyps.append(" ".join(hyp))
    return hyps, refs


def metric_case(kind, opts, hyps, refs, label):
    cls = {"bleu": BLEU, "chrf": CHRF, "ter": TER}[kind]
    metric = cls(**opts)
    seg_stats = [list(map(float, s)) if kind == "ter" else list(map(int, s))
                 for s in metric._extract_corpus_statistics(hyps, refs)]
    corpus = metric.corpus_score(hyps, refs)
    sig = metric.get_signature().format()
    sentence = []
    if kind != "bleu" or opts.get("effective_order"):
        for i, h in enumerate(hyps):
            seg_refs = [r[i] for r in refs]
            sentence.append(repr(metric.sentence_score(h, seg_refs).score))
    return {
        "label": label, "metric": kind, "options": opts,
        "seg_stats": seg_stats, "score": repr(corpus.score), "signature": sig,
        "text_w1": corpus.format(1, signature=sig), "text_w4": corpus.format(4, signature=sig),
        "json_w2": corpus.format(2, signature=sig, is_json=True), "sentence_scores": sentence,
    }


def metric_cases():
    rows = []
    two = [REFS_A, REFS_B]
    rh, rr = random_corpus(11, 300)
    rh2, rr2 = random_corpus(12, 300)
    fz_h, fz_r = fuzz_lines(200, 21), fuzz_lines(200, 22)
    corpora = {
        "sys1-1ref": (SYS_1, [REFS_A]), "sys1-2ref": (SYS_1, two), "sys2-2ref": (SYS_2, two),
        "sys2-2ref-swapped": (SYS_2, [REFS_B, REFS_A]), "zh": (ZH_HYPS, [ZH_REFS]),
        "random": (rh, [rr]), "random-2ref": (rh, [rr, rr2]), "fuzz": (fz_h, [fz_r]),
        "empty-hyps": ([""] * 3, [["a b c", "", "d"]]), "all-empty": ([""] * 2, [["", ""]]),
    }
    bleu_opts = [
        {}, {"lowercase": True}, {"tokenize": "intl"}, {"tokenize": "zh"}, {"tokenize": "char"},
        {"tokenize": "none"}, {"smooth_method": "floor"}, {"smooth_method": "floor", "smooth_value": 0.05},
        {"smooth_method": "add-k"}, {"smooth_method": "add-k", "smooth_value": 0.5},
        {"smooth_method": "none"}, {"effective_order": True},
        {"effective_order": True, "smooth_method": "floor"},
    ]
    chrf_opts = [
        {}, {"word_order": 2}, {"lowercase": True}, {"whitespace": True}, {"eps_smoothing": True},
        {"word_order": 2, "eps_smoothing": True}, {"char_order": 4, "word_order": 1, "beta": 1},
    ]
    ter_opts = [
        {}, {"case_sensitive": True}, {"normalized": True}, {"no_punct": True},
        {"normalized": True, "asian_support": True}, {"no_punct": True, "asian_support": True},
    ]
    for label, (hyps, refs) in corpora.items():
        for o in bleu_opts:
            if label in ("fuzz", "random-2ref") and o not in ({}, {"tokenize": "zh"}, {"tokenize": "intl"}, {"effective_order": True}):
                continue
            rows.append(metric_case("bleu", o, hyps, refs, label))
        for o in chrf_opts:
            if label in ("fuzz",) and o not in ({}, {"word_order": 2}):
                continue
            rows.append(metric_case("chrf", o, hyps, refs, label))
        for o in ter_opts:
            if label in ("fuzz",) and o not in ({}, {"normalized": True, "asian_support": True}):
                continue
            rows.append(metric_case("ter", o, hyps, refs, label))
    # variable number of references: None marks an absent reference (API only)
    var_refs = [list(REFS_A), [r if i % 3 else None for i, r in enumerate(REFS_B)]]
    corpora["var-refs"] = (SYS_1, var_refs)
    for kind, o in [("bleu", {}), ("chrf", {"word_order": 2}), ("ter", {})]:
        rows.append(metric_case(kind, o, SYS_1, var_refs, "var-refs"))
    write_jsonl("metrics.jsonl", rows)
    write_jsonl("corpora.jsonl", [{"label": k, "hyps": h, "refs": r} for k, (h, r) in corpora.items()])


def significance_cases():
    """Paired bootstrap (1000) and approximate randomization (10000), SACREBLEU_SEED=12345."""
    from sacrebleu.significance import PairedTest
    import numpy
    base, refs = random_corpus(11, 300)
    other1, _ = random_corpus(31, 300)
    # systems close to the baseline: the baseline with a few segments replaced
    other2, _ = random_corpus(32, 300)
    rng = random.Random(5)
    near1 = [h if rng.random() < 0.985 else o for h, o in zip(base, other1)]
    near2 = [h if rng.random() < 0.9 else (o if rng.random() < 0.5 else r)
             for h, o, r in zip(base, other2, refs)]
    systems = [("base", base), ("near1", near1), ("near2", near2), ("other", other1)]
    rows = []
    for test_type, n in (("bs", 1000), ("ar", 10000)):
        metrics = {"BLEU": BLEU(references=[refs]), "CHRF": CHRF(references=[refs]),
                   "TER": TER(references=[refs])}
        ps = PairedTest(systems, metrics, references=None, test_type=test_type, n_samples=n)
        sigs, scores = ps()
        for name, results in scores.items():
            if name == "System":
                continue
            rows.append({
                "test": test_type, "metric": name, "signature": sigs[name].format(),
                "numpy": numpy.__version__,
                "results": [{"score": repr(float(r.score)),
                             "p_value": None if r.p_value is None else repr(float(r.p_value)),
                             "mean": None if r.mean is None else repr(float(r.mean)),
                             "ci": None if r.ci is None else repr(float(r.ci))} for r in results],
            })
    write_jsonl("significance.jsonl", rows)
    write_jsonl("significance-corpus.jsonl", [{"refs": refs, "systems": [s for _, s in systems]}])


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    tokenizer_cases()
    metric_cases()
    significance_cases()
    print("wrote", OUT, file=sys.stderr)

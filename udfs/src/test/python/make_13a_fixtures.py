"""Writes parity/tokenizer-13a-adversarial.jsonl: sacreBLEU 2.6.0's 13a tokenizer on lines built
to hit every boundary of the mteval-v13a rules (which Mteval13aScanner fuses into one pass).

Run sacreBLEU from its source, as for make_parity_fixtures.py:

    PYTHONPATH=/tmp/sb:/tmp/sb/stubs python3 udfs/src/test/python/make_13a_fixtures.py

Inputs: (1) every string of length 1..3 over the characters at the rules' edges; (2) seeded
random strings over those plus Unicode punctuation, symbols, digits, combining marks, astral
characters (surrogate pairs in Java), Python-only whitespace, entities and line breaks.
"""
import itertools
import json
import os
import random

import sacrebleu
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

assert sacrebleu.__version__ == "2.6.0", sacrebleu.__version__
OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "parity", "tokenizer-13a-adversarial.jsonl")

# ASCII neighbours of every range bound of the symbol class [{-~[-` -&(-+:-@/], the period and
# comma, digits and the hyphen, and a letter.
EDGE = list(".,-09 a&'(+/:@[`{~\x7f") + ["\u00a0"]
POOL = EDGE + list("AZz!\"#$%)*;<=>?\\]^_|}\t\n") + [
    "\u2013", "\u2014", "\u2026", "\u00ab", "\u00bb", "\u201c", "\u201d", "\u3002", "\uff0c", "\uff0e",
    "\u060c", "\u066b", "\u0964", "\u00b7", "\u2022",                       # Unicode punctuation
    "\u20ac", "\u00a3", "\u00a9", "\u2122", "\u00b0", "\u00b1", "\u2212", "\u2192", "\u221e",  # symbols
    "\u0663", "\u0969", "\uff11", "\u00b2", "\u00bd", "\u2160",             # non-ASCII digits/numbers
    "\u0301", "\u0308", "\u20dd", "e\u0301", ".\u0301", "1\u0301",         # combining marks
    "\U0001f600", "\U0001f44d\U0001f3fd", "\U00020000", "\U0001d7ce", "\U00010400",  # astral
    "\u3000", "\u2009", "\u0085", "\u2028", "\u200b", "\ufeff",             # whitespace and not
    "&quot;", "&amp;", "&lt;", "&gt;", "&amp;quot;", "&", "<skipped>", "-\n", "\n",
]


def main():
    tok = Tokenizer13a()
    lines = ["".join(t) for n in (1, 2, 3) for t in itertools.product(EDGE, repeat=n)]
    rng = random.Random(13)
    lines += ["".join(rng.choice(POOL) for _ in range(rng.randint(1, 30))) for _ in range(3000)]
    with open(OUT, "w", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps({"in": line, "out": tok(line)}, ensure_ascii=False) + "\n")
    print(len(lines), "lines ->", OUT)


if __name__ == "__main__":
    main()

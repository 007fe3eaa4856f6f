"""Writes a synthetic 100k-segment benchmark corpus (hypothesis + reference), seeded.

    python3 udfs/src/test/python/make_bench_corpus.py /tmp/bench 100000

Sentences of 10-40 tokens from a Zipf-distributed 20k-word vocabulary with punctuation and
numbers; the hypothesis is the reference with ~25% of tokens edited and some blocks moved.
"""
import os
import random
import sys

out, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(2026)
letters = "abcdefghijklmnopqrstuvwxyzäöüéèß"
vocab = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 10))) for _ in range(20000)]
import itertools
cum = list(itertools.accumulate(1.0 / (i + 1) for i in range(len(vocab))))
punct = [",", ".", ";", ":", "!", "?", "\"", "(", ")", "-"]


def sentence():
    words = rng.choices(vocab, cum_weights=cum, k=rng.randint(10, 40))
    for i in range(len(words)):
        r = rng.random()
        if r < 0.05:
            words[i] = words[i].capitalize()
        elif r < 0.08:
            words[i] = str(rng.randint(0, 99999)) + rng.choice(["", ".5", ",000", "%"])
        elif r < 0.15:
            words[i] += rng.choice(punct)
    return " ".join(words) + rng.choice([".", "!", "?", "."])


os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "ref.txt"), "w") as fr, open(os.path.join(out, "hyp.txt"), "w") as fh:
    for _ in range(n):
        ref = sentence()
        words = ref.split()
        for _ in range(max(1, len(words) // 4)):
            op = rng.random()
            if op < 0.4:
                words[rng.randrange(len(words))] = rng.choices(vocab, cum_weights=cum)[0]
            elif op < 0.6 and len(words) > 3:
                del words[rng.randrange(len(words))]
            elif op < 0.8:
                words.insert(rng.randrange(len(words) + 1), rng.choices(vocab, cum_weights=cum)[0])
            elif len(words) > 6:
                i = rng.randrange(len(words) - 3)
                block = words[i:i + 3]
                del words[i:i + 3]
                j = rng.randrange(len(words) + 1)
                words[j:j] = block
        fr.write(ref + "\n")
        fh.write(" ".join(words) + "\n")

#!/usr/bin/python3
"""Writes a Flores-200-style folder of synthetic sentences: deu_Latn.devtest and eng_Latn.devtest,
N aligned lines each (words drawn with a fixed seed), for bench/gpu/run.sh.

    /usr/bin/python3 bench/gpu/synthetic_flores.py OUT_DIR N
"""
import os
import random
import sys

DE = ("das Haus ist klein und alt wir sehen die Stadt am Fluss heute morgen gehen neue Wege mit "
      "dem Zug nach Berlin weil es regnet").split()
EN = ("the house is small and old we see the city by the river today tomorrow go new ways with "
      "the train to Berlin because it rains").split()


def main(out, n):
    rng = random.Random(11)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "deu_Latn.devtest"), "w") as de, open(os.path.join(out, "eng_Latn.devtest"), "w") as en:
        for _ in range(n):
            idx = [rng.randrange(len(DE)) for _ in range(rng.randint(6, 22))]
            de.write((" ".join(DE[i] for i in idx) + ".").capitalize() + "\n")
            en.write((" ".join(EN[i] for i in idx) + ".").capitalize() + "\n")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))

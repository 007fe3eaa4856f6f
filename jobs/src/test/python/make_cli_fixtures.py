"""Expected stdout of the `sacrebleu` command (2.6.0) for mtforge's `score` CLI tests.

Run from the jobs module directory, so that file names in the output match the test's:

    cd jobs && PYTHONPATH=/tmp/sb:/tmp/sb/tab:/tmp/sb/stubs python3 src/test/python/make_cli_fixtures.py

(/tmp/sb holds sacreBLEU v2.6.0 from its git tag with stub modules; see
udfs/src/test/python/make_parity_fixtures.py. /tmp/sb/tab holds the real tabulate 0.9.0 from
its git tag, `git archive v0.9.0 tabulate` of github.com/astanin/python-tabulate, so that the
multi-system tables are tabulate's; wcwidth 0.7.0 is installed.) Inputs are our own sentences.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join("..", "udfs", "src", "test", "python"))
import make_parity_fixtures as m  # noqa: E402

D = os.path.join("src", "test", "resources", "cli")


def write(name, lines):
    with open(os.path.join(D, name), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    return os.path.join(D, name)


ref_a = write("ref.a.txt", m.REFS_A)
ref_b = write("ref.b.txt", m.REFS_B)
sys1 = write("sys1.txt", m.SYS_1)
sys2 = write("sys2.txt", m.SYS_2)
tsv = write("refs.tsv", [a + "\t" + b for a, b in zip(m.REFS_A, m.REFS_B)])
zh_ref = write("zh.ref.txt", m.ZH_REFS)
zh_hyp = write("zh.hyp.txt", m.ZH_HYPS)
base, refs = m.random_corpus(11, 300)
other, _ = m.random_corpus(31, 300)
import random
rng = random.Random(5)
near = [h if rng.random() < 0.97 else o for h, o in zip(base, other)]
r_ref = write("random.ref.txt", refs)
r_base = write("random.base.txt", base)
r_near = write("random.near.txt", near)
# CRLF line ends and trailing blanks: sacreBLEU strips them
with open(os.path.join(D, "sys1.crlf.txt"), "w", encoding="utf-8", newline="") as f:
    f.write("".join(line + " \t\r\n" for line in m.SYS_1))
crlf = os.path.join(D, "sys1.crlf.txt")

CASES = [
    [ref_a, "-i", sys1],
    [ref_a, "-i", sys1, "-m", "bleu", "chrf", "ter"],
    [ref_a, "-i", sys1, "-m", "ter", "chrf", "bleu", "-f", "text", "-w", "2"],
    [ref_a, ref_b, "-i", sys1, "-m", "bleu", "-tok", "intl", "-lc", "-f", "text"],
    [ref_a, ref_b, "-i", sys2, "-m", "chrf", "--chrf-word-order", "2", "-f", "text", "-w", "4"],
    [ref_a, ref_b, "-i", sys1, "-m", "bleu", "-sl"],
    [ref_a, "-i", sys2, "-m", "chrf", "-sl", "-w", "3"],
    [ref_a, "-i", sys2, "-m", "ter", "-sl", "--ter-normalized"],
    [ref_a, "-i", sys1, "-m", "bleu", "chrf", "-b"],
    [ref_a, "-i", sys1, "-m", "bleu", "chrf", "ter", "-f", "text", "--short"],
    ["-nr", "2", tsv, "-i", sys1, "-m", "bleu", "chrf", "-f", "text"],
    [zh_ref, "-i", zh_hyp, "-l", "en-zh", "-f", "text"],
    [zh_ref, "-i", zh_hyp, "-l", "en-zh", "-m", "bleu", "ter", "--ter-asian-support", "--ter-normalized", "-f", "text"],
    [ref_a, "-i", sys1, "-m", "bleu", "-s", "floor", "-sv", "0.2", "-f", "text", "-w", "3"],
    [ref_a, "-i", sys1, "-m", "bleu", "-s", "add-k", "-f", "json", "-w", "6"],
    [ref_a, "-i", crlf, "-m", "bleu", "chrf", "-f", "text"],
    [r_ref, "-i", r_base, r_near, "-m", "bleu", "--paired-bs"],
    [r_ref, "-i", r_base, r_near, "-m", "bleu", "chrf", "ter", "--paired-ar", "--paired-ar-n", "2000"],
    # multi-system tables (tabulate's fancy_grid) and confidence intervals (-ci)
    [ref_a, "-i", sys1, sys2, "-m", "bleu", "chrf", "ter", "-f", "text"],
    [ref_a, "-i", sys1, sys2, "-m", "bleu", "chrf"],
    [ref_a, "-i", sys1, sys2, "-m", "bleu", "-f", "text", "-w", "3"],
    [r_ref, "-i", r_base, r_near, "-m", "bleu", "chrf", "ter", "--paired-bs", "-f", "text"],
    [r_ref, "-i", r_base, r_near, "-m", "bleu", "--paired-ar", "--paired-ar-n", "500", "-f", "text", "-w", "2"],
    [r_ref, "-i", r_base, "-m", "bleu", "chrf", "ter", "-ci", "-f", "text"],
    [r_ref, "-i", r_base, "-m", "bleu", "chrf", "-ci"],
    [r_ref, "-i", r_near, "-m", "chrf", "--chrf-word-order", "2", "-ci", "--confidence-n", "200", "-f", "text", "-w", "3"],
    [r_ref, "-i", r_base, "-m", "ter", "-ci", "-b", "-f", "text"],
    [ref_a, ref_b, "-i", sys1, "-m", "bleu", "-ci", "-f", "text", "--short"],
]

rows = []
for args in CASES:
    env = dict(os.environ, NO_COLOR="1")
    p = subprocess.run([sys.executable, "-m", "sacrebleu", *args, "-q"], capture_output=True,
                       text=True, env=env)
    if p.returncode != 0:
        raise SystemExit(f"sacrebleu {args} failed: {p.stderr}")
    rows.append({"args": args, "stdout": p.stdout})
with open(os.path.join(D, "expected.jsonl"), "w", encoding="utf-8") as f:
    for row in rows:
        f.write(json.dumps(row, ensure_ascii=False) + "\n")

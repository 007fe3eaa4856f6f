#!/usr/bin/env bash
# Benchmark: `mtforge score` vs the `sacrebleu` command on the same 100k-segment corpus.
# Not a test. Usage: bench/score-vs-sacrebleu.sh [SACREBLEU_CMD]
#   SACREBLEU_CMD defaults to `sacrebleu`; here we ran sacreBLEU 2.6.0 from source:
#   bench/score-vs-sacrebleu.sh /tmp/sb/sacrebleu.sh   (PYTHONPATH=/tmp/sb:/tmp/sb/stubs python3 -m sacrebleu)
# Prints user CPU seconds, wall seconds and peak RSS of each run (GNU time).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SACREBLEU="${1:-sacrebleu}"
DATA="${BENCH_DATA:-/tmp/mtforge-bench}"
[[ -f "$DATA/hyp.txt" ]] || python3 "$ROOT/udfs/src/test/python/make_bench_corpus.py" "$DATA" 100000
export MTFORGE_JAVA_OPTS="${MTFORGE_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC}"
for metric in bleu chrf; do
  for tool in mtforge sacrebleu; do
    if [[ $tool == mtforge ]]; then cmd=("$ROOT/bin/mtforge" score); else cmd=("$SACREBLEU"); fi
    /usr/bin/time -f "$tool $metric: user %U s, wall %e s, max RSS %M KiB" \
      "${cmd[@]}" "$DATA/ref.txt" -i "$DATA/hyp.txt" -m "$metric" -f text
  done
done

#!/usr/bin/env bash
# Benchmark (not a test): COMET in the JVM (ONNX Runtime, length-sorted batches under a token
# budget) against COMET-22's forward in plain torch batched as unbabel-comet's predict does, on
# the same random XLM-R-base-sized model and the same 1,000 segments, one thread each.
#   bench/comet-vs-torch.sh [ROUNDS]        (default 3; rounds alternate torch and Java)
# Debian's torch links the reference BLAS (3 GFLOP/s a core here); the baseline runs it on
# Debian's OpenBLAS instead (libopenblas0-pthread, unpacked to $OPENBLAS_DIR, not installed):
#   apt-get download libopenblas0-pthread && dpkg -x libopenblas0-pthread_*.deb /tmp/openblas/root
# Needs: python3-torch python3-onnx python3-yaml python3-sentencepiece; mvn -o -DskipTests package.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${1:-3}"
DATA="${BENCH_DATA:-/tmp/mtforge-comet-bench}"
OPENBLAS_DIR="${OPENBLAS_DIR:-/tmp/openblas/root/usr/lib/x86_64-linux-gnu/openblas-pthread}"
[[ -f "$DATA/src.txt" ]] || /usr/bin/python3 "$ROOT/bench/comet_bench_setup.py" "$DATA"
[[ -f "$DATA/package/mtforge-comet.json" ]] || /usr/bin/python3 "$ROOT/deploy/export/export_comet.py" \
  --checkpoint "$DATA/comet-base" --encoder "$DATA/xlmr-base" --out "$DATA/package" 2>/dev/null
CP="$ROOT/udfs/target/test-classes:$ROOT/udfs/target/classes:$ROOT/schemas/target/classes"
(cd "$ROOT" && mvn -q -o -pl udfs -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=/tmp/mtforge-comet-bench-cp.txt)
CP="$CP:$(cat /tmp/mtforge-comet-bench-cp.txt)"
for ((r = 1; r <= ROUNDS; r++)); do
  echo "round $r $(uptime | sed 's/.*load/load/')"
  OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 LD_LIBRARY_PATH="$OPENBLAS_DIR" \
    /usr/bin/python3 "$ROOT/bench/comet_torch_baseline.py" "$DATA" --threads 1
  java -Xmx3g -Dai.djl.offline=true -cp "$CP" dev.mtforge.udfs.metrics.comet.bench.CometBench "$DATA" 1
done
/usr/bin/python3 - "$DATA" <<'PY'
import sys
d = sys.argv[1]
t = [float(x) for x in open(d + "/torch-sys0.txt")]
j = [float(x) for x in open(d + "/java-sys0.txt")]
print(f"max |java - torch| over {len(t)} segment scores: {max(abs(a - b) for a, b in zip(t, j)):.2e}")
PY

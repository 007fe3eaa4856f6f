#!/usr/bin/env bash
# Benchmark (not a test): COMET in the JVM (ONNX Runtime, length-sorted batches under a token
# budget) against COMET-22's forward in plain torch batched as unbabel-comet's predict does, on
# the same random XLM-R-base-sized model and the same segments, one thread each.
#   bench/comet-vs-torch.sh [ROUNDS] [LIMIT]   (defaults 1 and 0 = all 1,000 segments)
# Each round runs torch, then the package with every layer (package-full), then the package the
# exporter cuts after the last weighted layer (package), and once the four-system shared run.
# Debian's torch links the reference BLAS (3 GFLOP/s a core here); the baseline runs on Debian's
# OpenBLAS instead (libopenblas0-pthread 0.3.21, unpacked, not installed), told the core type:
# on this VM's generic CPU model OpenBLAS falls back to SSE3 kernels (Prescott, ~20 GFLOP/s)
# instead of AVX-512 (SkylakeX, ~105 GFLOP/s on a 640x768x3072 GEMM).
#   apt-get download libopenblas0-pthread && dpkg -x libopenblas0-pthread_*.deb /tmp/openblas/root
# Needs: python3-torch python3-onnx python3-yaml python3-sentencepiece.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${1:-1}"
LIMIT="${2:-0}"
DATA="${BENCH_DATA:-/tmp/mtforge-comet-bench}"
OPENBLAS_DIR="${OPENBLAS_DIR:-/tmp/openblas/root/usr/lib/x86_64-linux-gnu/openblas-pthread}"
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-SkylakeX}"
[[ -f "$DATA/src.txt" ]] || /usr/bin/python3 "$ROOT/bench/comet_bench_setup.py" "$DATA"
for pkg in package package-full; do
  [[ -f "$DATA/$pkg/mtforge-comet.json" ]] || /usr/bin/python3 "$ROOT/deploy/export/export_comet.py" \
    --checkpoint "$DATA/comet-base" --encoder "$DATA/xlmr-base" --out "$DATA/$pkg" \
    $([[ $pkg == package-full ]] && echo --keep-all-layers) 2>/dev/null
done
(cd "$ROOT" && mvn -q -o -pl udfs -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=/tmp/mtforge-comet-bench-cp.txt)
CP="$ROOT/udfs/target/test-classes:$ROOT/udfs/target/classes:$ROOT/schemas/target/classes"
CP="$CP:$(cat /tmp/mtforge-comet-bench-cp.txt)"
java_bench() {
  java -Xmx3g -Dai.djl.offline=true -Dlog4j2.level=error -cp "$CP" \
    dev.mtforge.udfs.metrics.comet.bench.CometBench "$DATA" "$1" 1 8192 64 "$LIMIT" "$2" 2>/dev/null
}
for ((r = 1; r <= ROUNDS; r++)); do
  echo "round $r $(uptime | sed 's/.*load/load/')"
  OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 LD_LIBRARY_PATH="$OPENBLAS_DIR" \
    /usr/bin/python3 "$ROOT/bench/comet_torch_baseline.py" "$DATA" --threads 1 --limit "$LIMIT"
  java_bench package-full 0
  java_bench package "$([[ $r == 1 ]] && echo 1 || echo 0)"
done
echo "end $(uptime | sed 's/.*load/load/')"
/usr/bin/python3 - "$DATA" <<'PY'
import sys
d = sys.argv[1]
t = [float(x) for x in open(d + "/torch-sys0.txt")]
for pkg in ("package-full", "package"):
    j = [float(x) for x in open(f"{d}/java-{pkg}-sys0.txt")]
    print(f"{pkg}: max |java - torch| over {len(j)} segment scores: {max(abs(a - b) for a, b in zip(t, j)):.2e}")
PY

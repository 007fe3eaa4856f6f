#!/usr/bin/env bash
# Precision and recall of prepare's wrong_script / wrong_language filters on published human
# translations (not a test; no data is committed). Usage:
#   bench/filter-precision.sh NTREX_DIR FLORES_DIR [key=value ...]
# NTREX_DIR:  a checkout of github.com/MicrosoftTranslator/NTREX (the repository root, as published)
# FLORES_DIR: the flores200_dataset folder of the Flores-200 tarball (dev/ and/or devtest/, README,
#             metadata_*.tsv); the copy in github.com/Helsinki-NLP/OPUS-MT-testsets
#             (datasets/facebook/flores/flores200_dataset) has devtest only
# key=value:  languages=cs,de,fr,hi,is,ja,ru,uk,zh (default), step=4 (every 4th NTREX segment for
#             the generated wrong pairs), show=N (print N rejections and misses), threads=2,
#             min-letters=N, min-margin=X (default: prepare's defaults)
# Prints markdown tables (docs/DATA.md, "Language and script filters") and the CPU time (GNU time).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NTREX="$1"; FLORES="$2"; shift 2
JAR="$ROOT/jobs/target/mtforge.jar"
[[ -f "$JAR" ]] || (cd "$ROOT" && mvn -B -q -DskipTests package)
/usr/bin/time -f "user %U s, wall %e s, max RSS %M KiB" \
  java -Xmx3g -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
  -cp "$JAR:$(cat "$ROOT/jobs/target/launcher/classpath.txt")" \
  dev.mtforge.jobs.prepare.FilterPrecisionBench ntrex="$NTREX" flores="$FLORES" "$@"

#!/usr/bin/env bash
# Submit one mtforge command to a cluster:
#   deploy/spark-submit/mtforge-submit.sh <profile> <command> [command options...]
#   e.g. deploy/spark-submit/mtforge-submit.sh emr init --warehouse s3a://bucket/mtforge --database mtforge
# The jar is jobs/target/mtforge.jar (mvn -B -DskipTests package); Spark, Hadoop and Delta come
# from the cluster. MTFORGE_JAR overrides the jar location (e.g. an s3:// or dbfs:/ path).
# The profile (conf/spark/<profile>.properties, packaged in the jar) fills only the Spark settings
# the cluster left unset, so EMR's and Databricks' own spark-defaults stay in force.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
[[ $# -ge 2 ]] || { echo "usage: $0 <local|databricks|emr> <command> [options]" >&2; exit 2; }
PROFILE="$1"; shift
JAR="${MTFORGE_JAR:-$ROOT/jobs/target/mtforge.jar}"
# Spark NLP (prepare --split-sentences) is not in the jar: fetch it as a package, without the
# three native artifacts that 5.5.3 cannot resolve. MTFORGE_SPARK_NLP=1 forces it (e.g. when
# prepare.split-sentences comes from a config file), =0 leaves it out.
NLP=(--packages com.johnsnowlabs.nlp:spark-nlp_2.12:5.5.3
     --exclude-packages com.johnsnowlabs.nlp:tensorflow-cpu_2.12,com.johnsnowlabs.nlp:jsl-llamacpp-cpu_2.12,com.johnsnowlabs.nlp:jsl-openvino-cpu_2.12)
case " $* " in *" --split-sentences "*) WANT_NLP=1 ;; *) WANT_NLP=0 ;; esac
[[ "${MTFORGE_SPARK_NLP:-$WANT_NLP}" == 1 ]] || NLP=()
exec spark-submit \
  --class dev.mtforge.cli.MtforgeCli \
  ${NLP[@]+"${NLP[@]}"} \
  ${SPARK_SUBMIT_EXTRA:-} \
  "$JAR" "$@" --profile "$PROFILE"

"""The mtforge pipeline stages for the Airflow DAGs (and deploy/render.py): read once from stages.json.

Plain Python, no Airflow import: the DAG files build their operators from what this module returns,
and deploy/render.py renders the Databricks and EMR files from the same functions, so every
platform runs the same command lines. Deploy stages.json beside the DAG files (or one folder up).

Exit code 3 means mtforge rejected the input data: retrying cannot help, so each DAG turns it into
a failure without retries. How a platform reports it differs, hence one predicate per platform.
"""
import json
import os
import re
from string import Template

#: mtforge's exit code for rejected input data (MtforgeCli.EXIT_INVALID_INPUT).
EXIT_INVALID_INPUT = 3

#: Every command is a subcommand of this main class.
MAIN_CLASS = "dev.mtforge.cli.MtforgeCli"

#: Arguments every stage gets after its own.
COMMON_ARGS = ["--warehouse", "${warehouse}", "--database", "${database}", "--profile", "${profile}",
               "--run-id", "${run_id}"]

#: Spark settings of the stages marked gpu: one GPU per executor and per task.
GPU_CONF = {"spark.executor.resource.gpu.amount": "1", "spark.task.resource.gpu.amount": "1"}

_HERE = os.path.dirname(os.path.abspath(__file__))


def stages_file():
    """stages.json beside this file (a DAG folder) or one folder up (the repository's deploy/)."""
    for candidate in (os.path.join(_HERE, "stages.json"), os.path.join(os.path.dirname(_HERE), "stages.json")):
        if os.path.isfile(candidate):
            return candidate
    raise FileNotFoundError(f"stages.json not found beside {_HERE} or in its parent folder")


def load_stages(path=None):
    """The stages in order; each a dict with id, after, args and optionally gpu, packages, exclude_packages."""
    with open(path or stages_file(), encoding="utf-8") as f:
        stages = json.load(f)["stages"]
    ids = set()
    for stage in stages:
        missing = [a for a in stage["after"] if a not in ids]
        if missing:
            raise ValueError(f"stage {stage['id']} runs after {missing}, which are not defined before it")
        ids.add(stage["id"])
    return stages


def command(stage, values):
    """The mtforge arguments of a stage with ${name} placeholders filled from values (all must be given)."""
    return [Template(arg).substitute(values) for arg in stage["args"] + COMMON_ARGS]


def rejected_input_spark_submit(error):
    """spark-submit in client mode exits with the driver's code; SparkSubmitHook names it in its error."""
    return re.search(rf"Error code is: {EXIT_INVALID_INPUT}\b", str(error)) is not None


def rejected_input_databricks(run_output_error):
    """On Databricks MtforgeCli raises instead of exiting; the task run's error holds its message."""
    return re.search(rf"\bexited with code {EXIT_INVALID_INPUT}\b", str(run_output_error or "")) is not None


def rejected_input_emr_serverless(state_details):
    """EMR Serverless names the driver's exit code in the job run's stateDetails."""
    return re.search(rf"\bExitCode: {EXIT_INVALID_INPUT}\b", str(state_details or "")) is not None

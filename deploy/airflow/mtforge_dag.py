"""Airflow DAG: the mtforge DATM pipeline, one spark-submit per stage.

Stages and their arguments live in stages.json beside this file (the project's tests check that
every stage parses against the mtforge CLI). Needs apache-airflow-providers-apache-spark and a
`spark_default` connection pointing at the cluster (YARN on EMR, or a Databricks-connected
spark-submit). Each task passes Airflow's run id as --run-id, so every row it writes names the
DAG run. Exit code 3 from mtforge means rejected input data: such a task fails without retries.
"""
import json
import os
from datetime import datetime, timedelta
from string import Template

from airflow import DAG
from airflow.exceptions import AirflowFailException
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "stages.json"), encoding="utf-8") as f:
    STAGES = json.load(f)["stages"]

GPU_CONF = {
    "spark.executor.resource.gpu.amount": "1",
    "spark.task.resource.gpu.amount": "1",
}


class MtforgeSubmitOperator(SparkSubmitOperator):
    """spark-submit that turns mtforge's 'rejected input' exit code into a non-retried failure."""

    def execute(self, context):
        try:
            return super().execute(context)
        except Exception as error:  # the hook raises with the return code in its message
            if "Error code is: 3" in str(error):
                raise AirflowFailException(f"mtforge rejected the input data: {error}") from error
            raise


with DAG(
    dag_id="mtforge_datm",
    start_date=datetime(2026, 1, 1),
    schedule=None,
    catchup=False,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
    params={
        "jar": "s3://my-bucket/mtforge/mtforge.jar",
        "warehouse": "s3a://my-bucket/mtforge/warehouse",
        "database": "mtforge",
        "profile": "emr",
        "data": "s3a://my-bucket/mt-data",
        "adapters": "s3a://my-bucket/mtforge/adapters",
        "model": "s3a://my-bucket/mtforge/models/x-alma-13b-onnx",
    },
    tags=["mtforge"],
) as dag:
    tasks = {}
    for stage in STAGES:
        args = [
            Template(a).safe_substitute(
                warehouse="{{ params.warehouse }}",
                database="{{ params.database }}",
                profile="{{ params.profile }}",
                data="{{ params.data }}",
                adapters="{{ params.adapters }}",
                model="{{ params.model }}",
                run_id="{{ run_id }}",
            )
            for a in stage["args"]
        ]
        tasks[stage["task_id"]] = MtforgeSubmitOperator(
            task_id=stage["task_id"],
            application="{{ params.jar }}",
            java_class="dev.mtforge.cli.MtforgeCli",
            application_args=args,
            conf=GPU_CONF if stage.get("gpu") else {},
            # Spark NLP (prepare --split-sentences) is a cluster library, not inside the jar.
            packages=",".join(stage.get("packages", [])) or None,
            exclude_packages=",".join(stage.get("exclude_packages", [])) or None,
        )
    for stage in STAGES:
        for upstream in stage["depends_on"]:
            tasks[upstream] >> tasks[stage["task_id"]]

"""Airflow DAG: the mtforge DATM pipeline with one spark-submit per stage (SparkSubmitOperator).

Needs apache-airflow-providers-apache-spark and a `spark_default` connection to the cluster
(YARN on EMR, a standalone master, Kubernetes). Stages and their order come from stages.json
(mtforge_stages.py); Airflow's run id becomes --run-id, so every row written names the DAG run.
spark-submit runs in client mode, so its exit code is the driver's: exit code 3 (input data
rejected) fails the task without retries, anything else is retried.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.exceptions import AirflowException, AirflowFailException
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

import mtforge_platforms
import mtforge_stages

class MtforgeSubmitOperator(SparkSubmitOperator):
    """spark-submit that turns mtforge's 'rejected input' exit code into a failure without retries."""

    def execute(self, context):
        try:
            return super().execute(context)
        except AirflowException as error:
            if mtforge_stages.rejected_input_spark_submit(error):
                raise AirflowFailException(f"mtforge rejected the input data (exit code 3): {error}") from error
            raise


with DAG(
    dag_id="mtforge_datm_spark_submit",
    start_date=datetime(2026, 1, 1),
    schedule=None,
    catchup=False,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
    params=mtforge_platforms.SPARK_SUBMIT_PARAMS,
    tags=["mtforge"],
) as dag:
    tasks = {}
    for stage in mtforge_stages.load_stages():
        tasks[stage["id"]] = MtforgeSubmitOperator(
            task_id=stage["id"],
            application="{{ params.jar }}",
            java_class=mtforge_stages.MAIN_CLASS,
            application_args=mtforge_stages.command(stage, mtforge_platforms.SPARK_SUBMIT_VALUES),
            deploy_mode="client",
            conf=dict(mtforge_stages.GPU_CONF) if stage.get("gpu") else {},
            # Spark NLP (prepare --split-sentences) is a cluster library, not inside the jar.
            packages=",".join(stage.get("packages", [])) or None,
            exclude_packages=",".join(stage.get("exclude_packages", [])) or None,
            name=f"mtforge {stage['id']}",
        )
        for upstream in stage["after"]:
            tasks[upstream] >> tasks[stage["id"]]

"""Airflow DAG: the mtforge DATM pipeline as one Databricks job (DatabricksWorkflowTaskGroup), one
DatabricksTaskOperator per stage on CPU or GPU job clusters.

Needs apache-airflow-providers-databricks and a `databricks_default` connection. The jar lives in a
Unity Catalog volume (mtforge_platforms.DATABRICKS_JAR, uploaded by the bundle or by hand). The
stage arguments use Databricks' {{job.run_id}} as --run-id: task configurations are not Airflow
templates. On Databricks mtforge does not exit the driver's JVM; a failing command raises an
exception whose message names the exit code, and exit code 3 (input data rejected) fails the
Airflow task without retries. The Databricks tasks themselves never retry (max_retries 0): Airflow
decides.
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.exceptions import AirflowException, AirflowFailException
from airflow.providers.databricks.operators.databricks import DatabricksTaskOperator
from airflow.providers.databricks.operators.databricks_workflow import DatabricksWorkflowTaskGroup

import mtforge_platforms
import mtforge_stages


class MtforgeDatabricksTaskOperator(DatabricksTaskOperator):
    """A Databricks task that turns mtforge's 'rejected input' exit into a failure without retries."""

    def execute(self, context):
        try:
            return super().execute(context)
        except AirflowException as error:
            self._fail_if_input_rejected(error)
            raise

    def execute_complete(self, context, event):
        try:
            return super().execute_complete(context, event)
        except AirflowException as error:
            self._fail_if_input_rejected(error)
            raise

    def _fail_if_input_rejected(self, error):
        if isinstance(error, AirflowFailException):
            return
        task_run_id = self._get_current_databricks_task()["run_id"]
        message = self._hook.get_run_output(task_run_id).get("error")
        if mtforge_stages.rejected_input_databricks(message):
            raise AirflowFailException(f"mtforge rejected the input data (exit code 3): {message}") from error


def task_config(stage):
    """The Databricks task of a stage (task_key and depends_on come from the task group)."""
    return {
        "spark_jar_task": {
            "main_class_name": mtforge_stages.MAIN_CLASS,
            "parameters": mtforge_stages.command(stage, mtforge_platforms.DATABRICKS_VALUES),
        },
        "libraries": mtforge_platforms.databricks_libraries(stage),
        "max_retries": 0,
    }


with DAG(
    dag_id="mtforge_datm_databricks",
    start_date=datetime(2026, 1, 1),
    schedule=None,
    catchup=False,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
    tags=["mtforge"],
) as dag:
    with DatabricksWorkflowTaskGroup(
        group_id="mtforge_datm",
        databricks_conn_id="databricks_default",
        job_clusters=mtforge_platforms.DATABRICKS_JOB_CLUSTERS,
        max_concurrent_runs=1,
    ) as workflow:
        tasks = {}
        for stage in mtforge_stages.load_stages():
            tasks[stage["id"]] = MtforgeDatabricksTaskOperator(
                task_id=stage["id"],
                databricks_conn_id="databricks_default",
                task_config=task_config(stage),
                job_cluster_key="gpu" if stage.get("gpu") else "cpu",
                deferrable=True,
            )
            for upstream in stage["after"]:
                tasks[upstream] >> tasks[stage["id"]]

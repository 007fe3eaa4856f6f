"""Airflow DAG: the mtforge DATM pipeline on EMR Serverless, one job run per stage
(EmrServerlessStartJobOperator, deferrable).

Needs apache-airflow-providers-amazon, an `aws_default` connection and an EMR Serverless Spark
application (EMR 7.x, Spark 3.5) with Java 17 and Delta on its class path. Each job run is the
StartJobRun request that deploy/emr/serverless-job-runs.json holds for the stage, with Airflow's run
id as --run-id. A failed run whose stateDetails report the driver's exit code 3 (input data
rejected) fails the task without retries; other failures are retried. EMR Serverless offers no
GPUs: the translate stages run on CPU workers here (use EMR on EC2 or Databricks for GPUs).
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.exceptions import AirflowFailException
from airflow.providers.amazon.aws.operators.emr import EmrServerlessStartJobOperator

import mtforge_platforms
import mtforge_stages

class MtforgeServerlessJobOperator(EmrServerlessStartJobOperator):
    """An EMR Serverless job run that turns mtforge's 'rejected input' exit into a failure without retries."""

    def execute_complete(self, context, event=None):
        if event and event.get("status") != "success":
            details = event.get("job_details") or {}
            run = self.hook.conn.get_job_run(
                applicationId=details.get("application_id", self.application_id),
                jobRunId=details.get("job_id", self.job_id),
            )["jobRun"]
            if mtforge_stages.rejected_input_emr_serverless(run.get("stateDetails")):
                raise AirflowFailException(f"mtforge rejected the input data (exit code 3): {run.get('stateDetails')}")
        return super().execute_complete(context, event)


with DAG(
    dag_id="mtforge_datm_emr_serverless",
    start_date=datetime(2026, 1, 1),
    schedule=None,
    catchup=False,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
    params=mtforge_platforms.EMR_SERVERLESS_PARAMS,
    tags=["mtforge"],
) as dag:
    tasks = {}
    for stage in mtforge_stages.load_stages():
        tasks[stage["id"]] = MtforgeServerlessJobOperator(
            task_id=stage["id"],
            application_id="{{ params.application_id }}",
            execution_role_arn="{{ params.execution_role_arn }}",
            job_driver=mtforge_platforms.emr_serverless_job_driver(
                stage, mtforge_platforms.EMR_SERVERLESS_VALUES, "{{ params.jar }}"),
            configuration_overrides=mtforge_platforms.emr_serverless_overrides("{{ params.logs }}"),
            name=f"mtforge {stage['id']} {{{{ run_id }}}}",
            deferrable=True,
        )
        for upstream in stage["after"]:
            tasks[upstream] >> tasks[stage["id"]]

"""The constructor parameters of the real Airflow operators the mtforge DAGs use, pinned from the
providers' source in apache/airflow (path and commit below, read 2026-12-02). The stand-in airflow
package accepts anything; these lists are what the tests hold the DAGs' arguments to.

required: parameters without a default. accepted: every named parameter (the rest of **kwargs go
to BaseOperator / TaskGroup, whose parameters the DAGs may also pass: BASE_OPERATOR, TASK_GROUP).
"""

#: apache-airflow-providers-apache-spark, providers/apache/spark/src/airflow/providers/apache/spark/
#: operators/spark_submit.py at commit 015d5de73450d467912e6cc31e9f44aab528190b (6.x line).
SPARK_SUBMIT_OPERATOR = {
    "required": set(),
    "accepted": {
        "application", "conf", "conn_id", "files", "py_files", "archives", "driver_class_path", "jars",
        "java_class", "packages", "exclude_packages", "repositories", "total_executor_cores", "executor_cores",
        "executor_memory", "driver_memory", "keytab", "principal", "proxy_user", "name", "num_executors",
        "status_poll_interval", "application_args", "env_vars", "verbose", "spark_binary", "properties_file",
        "yarn_queue", "deploy_mode", "use_krb5ccache", "post_submit_commands", "track_driver_via_k8s_api",
        "yarn_track_via_rm_api", "yarn_rm_auth", "openlineage_inject_parent_job_info",
        "openlineage_inject_transport_info", "reconnect_on_retry", "durable",
    },
}

#: apache-airflow-providers-databricks, providers/databricks/src/airflow/providers/databricks/
#: operators/databricks.py at commit 015b96e3b989f0f86e98b830580c780bfd7a2999.
DATABRICKS_TASK_OPERATOR = {
    "required": {"task_config"},
    "accepted": {
        "task_config", "databricks_conn_id", "databricks_retry_args", "databricks_retry_delay",
        "databricks_retry_limit", "deferrable", "existing_cluster_id", "job_cluster_key", "new_cluster",
        "polling_period_seconds", "wait_for_termination", "workflow_run_metadata", "environments",
    },
}

#: The same provider, operators/databricks_workflow.py at commit 0138018e1492aa91a44ec9367e8f54ec56d76110.
DATABRICKS_WORKFLOW_TASK_GROUP = {
    "required": {"databricks_conn_id"},
    "accepted": {
        "databricks_conn_id", "access_control_list", "existing_clusters", "extra_job_params", "jar_params",
        "job_clusters", "max_concurrent_runs", "notebook_packages", "notebook_params", "python_params",
        "spark_submit_params",
    },
}

#: apache-airflow-providers-amazon, providers/amazon/src/airflow/providers/amazon/aws/operators/emr.py
#: at commit 01eb066c960a9913fb7e04a87c5c99032098b185.
EMR_SERVERLESS_START_JOB_OPERATOR = {
    "required": {"application_id", "execution_role_arn", "job_driver"},
    "accepted": {
        "application_id", "execution_role_arn", "job_driver", "configuration_overrides", "client_request_token",
        "config", "wait_for_completion", "name", "waiter_max_attempts", "waiter_delay", "deferrable",
        "enable_application_ui_links", "cancel_on_kill", "openlineage_inject_parent_job_info",
        "openlineage_inject_transport_info",
        # AwsBaseOperator
        "aws_conn_id", "region_name", "verify", "botocore_config",
    },
}

#: BaseOperator parameters the DAGs use (task-sdk BaseOperator): a subset, checked by name.
BASE_OPERATOR = {"task_id", "retries", "retry_delay", "execution_timeout", "pool", "queue", "trigger_rule"}

#: TaskGroup parameters (airflow.sdk TaskGroup) the DAGs use.
TASK_GROUP = {"group_id", "tooltip", "prefix_group_id", "default_args"}

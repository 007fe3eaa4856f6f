"""Stand-in EmrServerlessStartJobOperator: records its arguments. execute_complete behaves like the
real one's (a non-success trigger event raises AirflowException); hook.conn.get_job_run answers
what the test injects."""
from airflow.exceptions import AirflowException
from airflow.models.dag import BaseOperator


class _Conn:
    def __init__(self, job_runs):
        self.job_runs = job_runs
        self.calls = []

    def get_job_run(self, applicationId, jobRunId):  # noqa: N803 (boto3's parameter names)
        self.calls.append(("get_job_run", applicationId, jobRunId))
        return {"jobRun": self.job_runs[jobRunId]}

    def cancel_job_run(self, applicationId, jobRunId):  # noqa: N803
        self.calls.append(("cancel_job_run", applicationId, jobRunId))


class _Hook:
    def __init__(self, job_runs):
        self.conn = _Conn(job_runs)


class EmrServerlessStartJobOperator(BaseOperator):
    job_runs = {}  # set by a test: job run id -> the GetJobRun jobRun answer

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.application_id = kwargs["application_id"]
        self.job_id = None
        self.hook = _Hook(type(self).job_runs)

    def execute_complete(self, context, event=None):
        if event["status"] == "success":
            return event["job_details"]["job_id"]
        self.hook.conn.cancel_job_run(event["job_details"]["application_id"], event["job_details"]["job_id"])
        raise AirflowException("EMR Serverless job failed or timed out in deferrable mode")

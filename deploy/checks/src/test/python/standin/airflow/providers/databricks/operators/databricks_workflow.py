"""Stand-in DatabricksWorkflowTaskGroup: a task group that records its arguments."""
from airflow.models.dag import TaskGroup


class DatabricksWorkflowTaskGroup(TaskGroup):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)

"""Stand-in for airflow.exceptions: the two exception types the DAGs use."""


class AirflowException(Exception):
    """Base of Airflow's exceptions: a failed attempt, retried while retries remain."""


class AirflowFailException(AirflowException):
    """Fails the task at once, without the retries that remain (Airflow's documented meaning)."""

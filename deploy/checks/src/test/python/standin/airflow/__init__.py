"""A stand-in for the parts of Apache Airflow the mtforge DAGs import (Airflow cannot be installed
here). It records what the DAG files pass to each operator so that the tests can check it against
the real providers' signatures (provider_signatures.py), and it runs an operator's execute the way a
task attempt would, with failures the tests inject. It is not Airflow: it models only task ids,
dependencies, retries and the exceptions the DAGs raise.
"""
from airflow.models.dag import DAG

__all__ = ["DAG"]

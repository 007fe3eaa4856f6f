"""Puts the stand-in airflow package and deploy/airflow (the DAGs and their modules) on sys.path."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEPLOY = os.path.normpath(os.path.join(HERE, "..", "..", "..", ".."))
sys.path.insert(0, os.path.join(HERE, "standin"))
sys.path.insert(0, os.path.join(DEPLOY, "airflow"))
sys.path.insert(0, DEPLOY)

"""Collab: the project package and the core app every other app shares."""

from collab.celery import app as celery_app

__all__ = ("celery_app",)

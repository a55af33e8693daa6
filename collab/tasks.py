"""Core background tasks."""

import os
import socket

from celery import shared_task


@shared_task(name="collab.tasks.probe")
def probe() -> dict:
    """Report which process ran this task (used to check that a worker is alive)."""
    return {"pid": os.getpid(), "host": socket.gethostname()}

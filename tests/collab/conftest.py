"""Fixtures for the core app's tests: Celery run in-process, the broker's queue."""

from __future__ import annotations

import pytest

from collab.celery import app as celery_app


@pytest.fixture
def eager_tasks():
    """Run queued Celery tasks at once, in this process (countdowns are not waited for)."""
    saved = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = saved


@pytest.fixture
def broker_queue():
    """Return `next_message()`: the next task message on the configured broker's queue.

    The queue is emptied first, so only what the test enqueues is seen.
    """
    celery_app.control.purge()
    connection = celery_app.connection_for_write()
    queue = connection.SimpleQueue("celery")

    def next_message(timeout: float = 5):
        message = queue.get(timeout=timeout)
        message.ack()
        return message

    yield next_message
    queue.close()
    connection.close()

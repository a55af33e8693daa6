"""Point this test process's Celery app at another broker for a while."""

from __future__ import annotations

from contextlib import contextmanager

from collab.celery import app as celery_app


def reset_broker_pools() -> None:
    """Drop the app's broker connections, so the next publish uses the current broker URL."""
    from kombu import pools

    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
        celery_app._pool = None
    pools.reset()  # the producer pools are shared per broker URL and hold closed connections
    celery_app.amqp._producer_pool = None


@contextmanager
def broker(url: str, transport_options: dict, *, purge: bool = True):
    """Publish this process's tasks to another broker for a while (and empty its queue)."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.broker_transport_options
    conf.broker_url, conf.broker_transport_options = url, transport_options
    reset_broker_pools()
    try:
        if purge:  # messages left by earlier tests are not this test's
            celery_app.control.purge()
        yield
    finally:
        conf.broker_url, conf.broker_transport_options = saved
        reset_broker_pools()

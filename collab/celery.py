"""The Celery app: `celery -A collab worker` and `celery -A collab beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collab.settings")

app = Celery("collab")


@app.on_configure.connect
def _load_settings(sender, **kwargs):
    """Explain a bad setting plainly when a worker or beat starts."""
    from collab.config import load_settings_or_exit

    load_settings_or_exit()


app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

"""Notification email end to end through a real Celery worker process, on both brokers.

The worker runs on this test run's database and writes mail to files (EMAIL_URL=filemail://),
so what a person would find in their inbox is checked, and the sent-email record with it.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from django.conf import settings

from collab.models import EmailDelivery, EmailStatus
from collab.services import mark_notifications_read, notify
from tests.collab.brokers import broker
from tests.factories import UserFactory
from tests.live import celery_worker

pytestmark = pytest.mark.django_db(transaction=True)


def filesystem_broker():
    """The embedded broker's URL and folders, as settings.py makes them without REDIS_URL."""
    folder = Path(settings.DATA_DIR) / "celery"
    for name in ("queue", "processed", "control"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    return broker(
        "filesystem://localhost//",
        {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
            "store_processed": False,
        },
    )


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/3"


@pytest.fixture
def mail_dir():
    """A folder for the worker's mail files, given to it as a path relative to the project."""
    folder = Path(settings.DATA_DIR) / f"mail-{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def email_url(folder: Path) -> str:
    # django-environ reads filemail:///x as the relative path x; the worker runs in BASE_DIR.
    return "filemail:///" + str(folder.relative_to(settings.BASE_DIR))


def wait_for_sent(count: int, *, timeout: float = 60) -> list[EmailDelivery]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sent = list(EmailDelivery.objects.filter(status=EmailStatus.SENT))
        if len(sent) >= count:
            return sent
        time.sleep(0.2)
    raise TimeoutError(f"the worker did not send {count} email(s) within {timeout} s")


def wait_for_log(text: str, *, timeout: float = 60) -> None:
    """Wait until the worker (see tests/live.py) logs `text`."""
    log = Path(settings.DATA_DIR) / f"worker-{os.getpid()}.log"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text(errors="replace"):
            return
        time.sleep(0.2)
    raise TimeoutError(f"the worker did not log {text!r} within {timeout} s")


def mail_files(folder: Path) -> list[str]:
    return [path.read_text() for path in sorted(folder.glob("*.log"))]


def test_a_worker_on_the_embedded_filesystem_broker_mails_a_notification(mail_dir):
    person = UserFactory()
    with (
        filesystem_broker(),
        celery_worker(REDIS_URL=None, EMAIL_URL=email_url(mail_dir)),
    ):
        (row,) = notify(
            recipients=[person], kind="issue_assigned", title="Fix the login page", url="/issues/9/"
        )
        (delivery,) = wait_for_sent(1)
    assert delivery.notification_id == row.pk
    assert delivery.to == person.email
    (mail,) = mail_files(mail_dir)
    assert "Subject: [Collab] Fix the login page" in mail
    assert f"To: {person.email}" in mail
    assert f"/notifications/{row.pk}/open/" in mail


def test_a_worker_on_redis_waits_and_mails_only_the_direct_message_left_unread(mail_dir, settings):
    import redis

    try:
        redis.Redis.from_url(redis_url(), socket_connect_timeout=2).ping()
    except redis.ConnectionError:
        pytest.fail(f"this test needs Redis at {redis_url()} (set REDIS_URL)")
    settings.NOTIFICATION_EMAIL_DELAY = 2
    away, seen, sender = UserFactory(), UserFactory(), UserFactory(display_name="Sam Sender")
    with (
        broker(redis_url(), {"visibility_timeout": 3600}),
        celery_worker(REDIS_URL=redis_url(), EMAIL_URL=email_url(mail_dir)),
    ):
        notify(recipients=[away], kind="direct_message", title="Ping", url="/chat/5/", actor=sender)
        (read,) = notify(
            recipients=[seen], kind="direct_message", title="Ping", url="/chat/6/", actor=sender
        )
        mark_notifications_read(user=seen, url_prefix="/chat/6/")  # read in the browser in time
        (delivery,) = wait_for_sent(1)
        wait_for_log(f"notification {read.pk} email: skipped: already read")
    assert delivery.to == away.email
    assert EmailDelivery.objects.count() == 1
    (mail,) = mail_files(mail_dir)
    assert f"To: {away.email}" in mail
    assert "Sam Sender sent you a direct message" in mail

"""Account mail leaves through a real Celery worker, after the request's transaction commits."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import UserFactory
from tests.live import celery_worker


@pytest.mark.django_db(transaction=True)
def test_password_reset_mail_is_sent_by_the_worker(client):
    person = UserFactory(username="forgetful", email="forgetful@example.com")
    outbox = Path(settings.DATA_DIR) / f"mail-{uuid.uuid4().hex[:8]}"
    with celery_worker(EMAIL_URL=f"filemail:///{outbox}"):
        response = client.post("/accounts/password/reset/", {"email": person.email})
        assert response.status_code == 302
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(outbox.glob("*.log")):
            time.sleep(0.2)
        messages = [p.read_text() for p in outbox.glob("*.log")]
    assert messages, "the worker sent no mail"
    (text,) = messages
    assert "To: forgetful@example.com" in text
    assert "[Collab]" in text
    assert "/accounts/password/reset/key/" in text
    for path in outbox.glob("*"):
        path.unlink()
    outbox.rmdir()

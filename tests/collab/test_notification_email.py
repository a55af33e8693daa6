"""Notification emails: preferences, the "already seen" rule, digests, retries, idempotence."""

import smtplib
from datetime import timedelta

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from collab import services, tasks
from collab.models import EmailDelivery, EmailStatus, Notification, NotificationKind
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def notify_and_run(django_capture_on_commit_callbacks, **kwargs):
    """Notify, commit, and run whatever was queued (eagerly)."""
    with django_capture_on_commit_callbacks(execute=True):
        return services.notify(**kwargs)


INTROS = {
    "mention": "Ana Actor mentioned you in chat.",
    "direct_message": "Ana Actor sent you a direct message.",
    "issue_reported": "A new issue was reported and needs triage.",
    "issue_assigned": "Ana Actor assigned an issue to you.",
    "issue_status": "An issue you follow changed status.",
    "issue_comment": "Ana Actor commented on an issue you follow.",
    "issue_escalated": "An issue has waited too long and was escalated.",
    "role_changed": "Your role on the team changed.",
    "invitation_accepted": "Someone you invited joined the team.",
}


@pytest.mark.parametrize("kind", NotificationKind.values)
@pytest.mark.parametrize(
    ("delivery", "mailed_now"), [("immediately", 1), ("digest", 0), ("never", 0)]
)
def test_email_follows_the_recipients_preference_for_every_kind(
    kind, delivery, mailed_now, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    actor, person = UserFactory(display_name="Ana Actor"), UserFactory()
    services.set_delivery_preferences(user=person, preferences={kind: delivery})
    notify_and_run(
        django_capture_on_commit_callbacks,
        recipients=[person],
        kind=kind,
        title="Something happened",
        body="The details",
        url="/issues/1/",
        actor=actor,
    )
    assert len(mailoutbox) == mailed_now
    if mailed_now:
        mail = mailoutbox[0]
        assert mail.to == [person.email]
        assert mail.subject == "[Collab] Something happened"
        assert "The details" in mail.body
        html = mail.alternatives[0][0]
        assert "The details" in html
        assert INTROS[kind] in mail.body
        assert INTROS[kind] in html
        row = Notification.objects.get(recipient=person)
        assert f"/notifications/{row.pk}/open/" in mail.body
        assert "/notifications/settings/" in html


def test_each_person_gets_the_mail_their_own_preference_asks_for(
    eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    keen, quiet, no_address = UserFactory(), UserFactory(), UserFactory(email="")
    services.set_delivery_preferences(user=quiet, preferences={"issue_reported": "never"})
    notify_and_run(
        django_capture_on_commit_callbacks,
        recipients=[keen, quiet, no_address],
        kind="issue_reported",
        title="New issue",
    )
    assert [mail.to for mail in mailoutbox] == [[keen.email]]


def test_a_direct_message_waits_and_is_not_mailed_if_read_in_the_browser_meanwhile(
    eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    seen, away = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.notify(recipients=[seen, away], kind="direct_message", title="Hi", url="/chat/7/")
    # The delay passes; one of them opened the room in the browser meanwhile.
    services.mark_notifications_read(user=seen, url_prefix="/chat/7/")
    for callback in queued:
        callback()
    assert [mail.to for mail in mailoutbox] == [[away.email]]


def test_mentions_wait_on_the_broker_and_issue_news_goes_at_once(
    broker_queue, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_EMAIL_DELAY = 120
    person = UserFactory()
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        (mention,) = services.notify(recipients=[person], kind="mention", title="@you")
    message = broker_queue()
    assert message.headers["task"] == "collab.tasks.send_notification_email"
    assert message.headers["argsrepr"] == f"[{mention.pk}]"
    eta = timezone.datetime.fromisoformat(message.headers["eta"])
    assert before + timedelta(seconds=110) < eta < timezone.now() + timedelta(seconds=130)
    with django_capture_on_commit_callbacks(execute=True):
        (assigned,) = services.notify(recipients=[person], kind="issue_assigned", title="Yours")
    message = broker_queue()
    assert message.headers["argsrepr"] == f"[{assigned.pk}]"
    assert message.headers["eta"] is None


def test_a_task_retried_after_a_mail_server_error_sends_one_mail(mailoutbox, monkeypatch):
    person = UserFactory()
    (row,) = services.notify(recipients=[person], kind="issue_assigned", title="Yours")
    real_send = EmailBackend.send_messages
    calls = []

    def flaky_send(self, messages):
        calls.append(1)
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("the mail server went away")
        return real_send(self, messages)

    # The SMTP server is outside the machine: its failure is the one thing faked here.
    monkeypatch.setattr(EmailBackend, "send_messages", flaky_send)
    result = tasks.send_notification_email.apply(args=[row.pk])
    assert result.get() == "sent"
    assert len(calls) == 2
    assert len(mailoutbox) == 1
    delivery = EmailDelivery.objects.get(notification=row)
    assert (delivery.status, delivery.attempts) == (EmailStatus.SENT, 2)
    # The broker delivers the same task again (a worker lost its ack): nothing more is sent.
    assert tasks.send_notification_email.apply(args=[row.pk]).get() == "skipped: already sent"
    assert len(mailoutbox) == 1


def test_a_mail_server_that_stays_down_leaves_a_failed_record(mailoutbox, monkeypatch):
    person = UserFactory()
    (row,) = services.notify(recipients=[person], kind="issue_assigned", title="Yours")

    def down(self, messages):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr(EmailBackend, "send_messages", down)
    with pytest.raises(ConnectionRefusedError):
        services.send_notification_email(notification_id=row.pk)
    delivery = EmailDelivery.objects.get(notification=row)
    assert delivery.status == EmailStatus.FAILED
    assert "no mail server" in delivery.last_error
    monkeypatch.undo()
    assert services.send_notification_email(notification_id=row.pk) == "sent"
    assert len(mailoutbox) == 1


def test_an_email_claimed_by_a_worker_that_died_is_sent_after_the_timeout(mailoutbox, settings):
    person = UserFactory()
    (row,) = services.notify(recipients=[person], kind="issue_assigned", title="Yours")
    claim = services.claim_email(
        key=f"notification:{row.pk}", kind="notification", recipient=person, notification=row
    )
    assert services.send_notification_email(notification_id=row.pk) == "skipped: already sent"
    EmailDelivery.objects.filter(pk=claim.pk).update(
        claimed_at=timezone.now() - timedelta(seconds=settings.NOTIFICATION_EMAIL_CLAIM_TIMEOUT + 1)
    )
    assert services.send_notification_email(notification_id=row.pk) == "sent"
    assert len(mailoutbox) == 1


def test_the_task_sends_nothing_for_a_gone_notification_or_a_departed_person(mailoutbox):
    person = UserFactory()
    (row,) = services.notify(recipients=[person], kind="issue_assigned", title="Yours")
    person.is_active = False
    person.save()
    assert services.send_notification_email(notification_id=row.pk) == "skipped: no address"
    assert services.send_notification_email(notification_id=row.pk + 1000) == "skipped: gone"
    assert mailoutbox == []


def make(person, kind, title, *, when, read=False):
    return Notification.objects.create(
        recipient=person,
        kind=kind,
        title=title,
        created_at=when,
        read_at=when if read else None,
    )


def test_the_digest_groups_a_days_notifications_into_one_mail_per_person(mailoutbox, eager_tasks):
    day = timezone.localdate() - timedelta(days=1)
    noon = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
    noon += timedelta(hours=12)
    ana, ben, instant = UserFactory(), UserFactory(), UserFactory()
    for person in (ana, ben, instant):
        services.set_delivery_preferences(
            user=person,
            preferences={"mention": "digest", "issue_status": "digest"},
        )
    services.set_delivery_preferences(user=instant, preferences={"mention": "immediately"})
    make(ana, "mention", "Ana mention 1", when=noon)
    make(ana, "mention", "Ana mention 2", when=noon + timedelta(hours=1))
    make(ana, "issue_status", "Ana status", when=noon + timedelta(hours=2))
    make(ana, "issue_status", "Ana already read", when=noon, read=True)
    make(ana, "mention", "Ana two days ago", when=noon - timedelta(days=1))
    make(ana, "issue_assigned", "Ana assigned (mailed at once)", when=noon)
    make(ben, "issue_status", "Ben status", when=noon)
    make(instant, "mention", "Instant mention", when=noon)

    assert tasks.send_daily_digests.apply().get() == 2
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([ana.email, ben.email])
    ana_mail = next(mail for mail in mailoutbox if mail.to == [ana.email])
    assert "3 notifications" in ana_mail.subject
    for title in ("Ana mention 1", "Ana mention 2", "Ana status"):
        assert title in ana_mail.body
        assert title in ana_mail.alternatives[0][0]
    for title in ("Ana already read", "Ana two days ago", "Ana assigned"):
        assert title not in ana_mail.body
    assert ana_mail.body.index("Mention") < ana_mail.body.index("Ana mention 2")
    # Sending the same day again (beat fired twice, or an operator ran the command): no mail.
    assert services.send_digest(user_id=ana.pk, day=day) == 0
    assert len(mailoutbox) == 2
    assert EmailDelivery.objects.filter(kind="digest", status="sent").count() == 2


def test_no_digest_for_someone_with_nothing_unread_that_day(mailoutbox):
    person = UserFactory()
    assert services.send_digest(user_id=person.pk, day=timezone.localdate()) == 0
    assert services.send_digest(user_id=person.pk + 999, day=timezone.localdate()) == 0
    assert mailoutbox == []


def test_the_nightly_purge_task_uses_the_configured_age(settings):
    settings.NOTIFICATION_PURGE_DAYS = 10
    person = UserFactory()
    old = timezone.now() - timedelta(days=11)
    make(person, "mention", "old read", when=old, read=True)
    make(person, "mention", "old unread", when=old)
    assert tasks.purge_read_notifications.apply().get() == 1
    assert list(Notification.objects.values_list("title", flat=True)) == ["old unread"]


def test_beat_schedules_the_digest_and_the_purge(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["collab.send_daily_digests"]["task"] == "collab.tasks.send_daily_digests"
    assert (
        schedule["collab.purge_read_notifications"]["task"]
        == "collab.tasks.purge_read_notifications"
    )
    from collab.celery import app

    assert "collab.tasks.send_daily_digests" in app.tasks
    assert "collab.tasks.purge_read_notifications" in app.tasks


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_is_down_loses_the_email_but_not_the_notification(mailoutbox, caplog):
    from tests.collab.brokers import broker

    person = UserFactory()
    with broker("redis://127.0.0.1:1/0", {"max_retries": 1}, purge=False):
        (row,) = services.notify(recipients=[person], kind="issue_assigned", title="Yours")
    assert Notification.objects.filter(pk=row.pk, read_at__isnull=True).exists()
    assert "queue_notification_emails" in caplog.text
    assert mailoutbox == []


def test_email_html_escapes_what_people_typed(
    eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    person, actor = UserFactory(), UserFactory(display_name="<i>Eve</i>")
    notify_and_run(
        django_capture_on_commit_callbacks,
        recipients=[person],
        kind="mention",
        title="<script>x</script>",
        body="<img src=x onerror=alert(1)>",
        actor=actor,
    )
    html = mailoutbox[0].alternatives[0][0]
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "<i>Eve</i>" not in html
    assert "<i>Eve</i> mentioned you in chat." in mailoutbox[0].body

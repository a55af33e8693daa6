"""Background jobs of accounts: outgoing mail."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


@shared_task(
    name="accounts.tasks.send_email", autoretry_for=(OSError,), max_retries=5, retry_backoff=True
)
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    html: str | None = None,
    headers: dict | None = None,
) -> int:
    """Send one rendered message (allauth's mails come through here)."""
    message = EmailMultiAlternatives(
        subject, body, from_email or settings.DEFAULT_FROM_EMAIL, to, headers=headers
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


@shared_task(
    name="accounts.tasks.send_invitation",
    autoretry_for=(OSError,),
    max_retries=5,
    retry_backoff=True,
)
def send_invitation(invitation_id: int, link: str) -> int:
    """Mail an invitation link, unless the invitation was used or withdrawn meanwhile."""
    from accounts.models import Invitation

    invitation = Invitation.objects.select_related("invited_by").filter(pk=invitation_id).first()
    if invitation is None or not invitation.is_pending:
        return 0
    context = {"invitation": invitation, "link": link}
    subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/email/invitation_message.txt", context)
    return send_email(subject=f"[Collab] {subject}", body=body, to=[invitation.email])

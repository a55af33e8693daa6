"""allauth adapters: Collab's sign-up rules, mail through Celery, security logging."""

from __future__ import annotations

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.db import transaction

security_logger = logging.getLogger("collab.security")

INVITATION_SESSION_KEY = "collab_invitation_id"


def pending_invitation(request):
    """Return the invitation this browser opened, if it can still be used."""
    from accounts.models import Invitation

    invitation_id = request.session.get(INVITATION_SESSION_KEY) if request else None
    if not invitation_id:
        return None
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    return invitation if invitation is not None and invitation.is_pending else None


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "Too many failed sign-in attempts: sign-in is paused for a few minutes. Wait a "
            "little, then try again, or reset your password."
        ),
    }

    def is_open_for_signup(self, request) -> bool:
        if settings.COLLAB_SIGNUP_MODE == "open":
            return True
        return pending_invitation(request) is not None

    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        invitation = pending_invitation(getattr(allauth_context, "request", None))
        if invitation is not None and email.lower() != invitation.email.lower():
            raise forms.ValidationError(
                f"This invitation is for {invitation.email}: sign up with that address."
            )
        return email

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        invitation = pending_invitation(request)
        if commit and invitation is not None:
            from accounts.services import accept_invitation

            accept_invitation(invitation_id=invitation.pk, user=user)
            request.session.pop(INVITATION_SESSION_KEY, None)
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render the message now and let a Celery worker send it once this commits."""
        request = allauth_context.request
        from django.contrib.sites.shortcuts import get_current_site

        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            None,
        )
        payload = {
            "subject": message.subject,
            "body": message.body,
            "to": list(message.to),
            "from_email": message.from_email,
            "html": html,
            "headers": dict(message.extra_headers) or None,
        }
        from accounts import tasks

        transaction.on_commit(lambda: tasks.send_email.delay(**payload))

    def pre_authenticate(self, request, **credentials) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError:
            security_logger.warning(
                "login locked out",
                extra={"event": "lockout", "username": self._login_name(credentials)},
            )
            raise

    def authentication_failed(self, request, **credentials) -> None:
        security_logger.warning(
            "login failed",
            extra={"event": "login_failed", "username": self._login_name(credentials)},
        )

    @staticmethod
    def _login_name(credentials: dict) -> str:
        return str(credentials.get("username") or credentials.get("email") or "")[:150]


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_app(self, request, provider, client_id=None):
        """Answer 404, not 500, for a provider that is installed but not configured."""
        from allauth.socialaccount.models import SocialApp
        from django.http import Http404

        try:
            return super().get_app(request, provider, client_id=client_id)
        except SocialApp.DoesNotExist as exc:
            raise Http404(f"Sign-in with {provider} is not set up here.") from exc

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form=form)
        invitation = pending_invitation(request)
        if invitation is not None:
            from accounts.services import accept_invitation

            accept_invitation(invitation_id=invitation.pk, user=user)
            request.session.pop(INVITATION_SESSION_KEY, None)
        return user

"""Pages: my profile, the people directory, invitations."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts import selectors, services
from accounts.adapters import INVITATION_SESSION_KEY
from accounts.forms import (
    AvatarForm,
    InvitationForm,
    ProfileForm,
    RoleForm,
    TokenForm,
    apply_domain_error,
    time_zone_choices,
)
from accounts.models import Role, User
from accounts.permissions import Permission, has_permission
from collab.errors import DomainError, Forbidden

security_logger = logging.getLogger("collab.security")

PEOPLE_PER_PAGE = 50


def _refused(request, error: Forbidden):
    security_logger.warning(
        "permission refused: %s",
        error.detail,
        extra={"event": "permission_refused", "user_id": request.user.pk, "path": request.path},
    )
    return render(request, "403.html", {"detail": error.detail}, status=403)


# Profile --------------------------------------------------------------------------------------
def _render_profile(request, *, status: int = 200, **overrides):
    user = request.user
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession

    sessions = sorted(
        UserSession.objects.purge_and_list(user), key=lambda s: s.last_seen_at, reverse=True
    )
    context = {
        "profile_form": ProfileForm(
            initial={"display_name": user.display_name, "time_zone": user.time_zone}
        ),
        "avatar_form": AvatarForm(),
        "token_form": TokenForm(),
        "tokens": selectors.tokens_of(user=user),
        "sessions": sessions,
        "current_session_key": request.session.session_key,
        "has_totp": Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists(),
        "new_key": None,
        "avatar_max_kb": settings.COLLAB_AVATAR_MAX_BYTES // 1024,
        "time_zones": time_zone_choices(),
    }
    context.update(overrides)
    return render(request, "accounts/profile.html", context, status=status)


@login_required
def profile(request):
    """Show and change my profile: name, avatar, time zone, sessions, tokens."""
    if request.method != "POST":
        return _render_profile(request)
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            services.update_profile(user=request.user, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("profile")
    return _render_profile(request, profile_form=form, status=400)


@login_required
@require_POST
def upload_avatar(request):
    """Replace my avatar with an uploaded image."""
    form = AvatarForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.set_avatar(user=request.user, upload=form.cleaned_data["avatar"])
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, "Your avatar is updated.")
            return redirect("profile")
    return _render_profile(request, avatar_form=form, status=400)


@login_required
@require_POST
def remove_avatar(request):
    """Go back to my initials."""
    services.remove_avatar(user=request.user)
    messages.success(request, "Your avatar is removed.")
    return redirect("profile")


@login_required
@require_POST
def create_token(request):
    """Create a named API token and show its key this once."""
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            _token, key = services.create_api_token(
                user=request.user, name=form.cleaned_data["name"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            # Rendered, not redirected: the key is never stored anywhere it could be read back.
            return _render_profile(request, new_key=key, status=201)
    return _render_profile(request, token_form=form, status=400)


@login_required
@require_POST
def revoke_token(request, token_id: int):
    """Revoke one of my tokens."""
    try:
        token = services.revoke_api_token(user=request.user, token_id=token_id)
    except DomainError as error:
        raise Http404(error.detail) from error
    messages.success(request, f"The token “{token.name}” is revoked.")
    return redirect(reverse("profile") + "#tokens")


@login_required
@require_GET
def avatar(request, user_id: int):
    """Serve a person's avatar image."""
    person = get_object_or_404(User.objects.only("avatar"), pk=user_id)
    if not person.avatar:
        raise Http404("No avatar.")
    try:
        handle = person.avatar.open("rb")
    except FileNotFoundError as exc:
        raise Http404("No avatar.") from exc
    response = FileResponse(handle, content_type="image/png")
    response["Cache-Control"] = "private, max-age=31536000, immutable"
    return response


# People ---------------------------------------------------------------------------------------
def _render_people(request, *, status: int = 200, **overrides):
    viewer = request.user
    manage = has_permission(viewer, Permission.MANAGE_PEOPLE)
    can_invite = has_permission(viewer, Permission.INVITE)
    query = request.GET.get("q", "")
    people = selectors.people_directory(query=query, include_inactive=manage)
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "query": query,
        "page": page,
        "people": selectors.with_online_state(page.object_list),
        "can_manage": manage,
        "can_invite": can_invite,
        "roles": Role.choices,
        "invitation_form": InvitationForm() if can_invite else None,
        "invitations": list(selectors.pending_invitations()) if can_invite else [],
        "role_errors": {},
    }
    context.update(overrides)
    return render(request, "accounts/people.html", context, status=status)


@login_required
@require_GET
def people(request):
    """List everyone with their role and whether they are online; searchable."""
    return _render_people(request)


@login_required
@require_POST
def change_role(request, user_id: int):
    """Give a person a new role (admins)."""
    person = get_object_or_404(User, pk=user_id)
    form = RoleForm(request.POST)
    # An unknown role still goes to the service, which explains it as a field error.
    role = form.cleaned_data["role"] if form.is_valid() else request.POST.get("role")
    try:
        person = services.change_role(actor=request.user, user=person, role=role)
    except Forbidden as error:
        return _refused(request, error)
    except DomainError as error:
        messages.error(request, f"{person.name}: {error.detail}")
        return _render_people(request, status=400, role_errors={person.pk: error.detail})
    messages.success(request, f"{person.name} is now {person.get_role_display()}.")
    return redirect(reverse("people") + f"#person-{person.pk}")


@login_required
@require_POST
def deactivate(request, user_id: int):
    """Lock a person out: sessions, tokens and open connections end at once."""
    person = get_object_or_404(User, pk=user_id)
    try:
        services.deactivate_user(actor=request.user, user=person)
    except Forbidden as error:
        return _refused(request, error)
    except DomainError as error:
        messages.error(request, f"{person.name}: {error.detail}")
        return _render_people(request, status=400)
    messages.success(request, f"{person.name} is deactivated.")
    return redirect("people")


@login_required
@require_POST
def reactivate(request, user_id: int):
    """Let a deactivated person sign in again."""
    person = get_object_or_404(User, pk=user_id)
    try:
        services.reactivate_user(actor=request.user, user=person)
    except Forbidden as error:
        return _refused(request, error)
    messages.success(request, f"{person.name} can sign in again.")
    return redirect("people")


@login_required
@require_POST
def invite(request):
    """Invite someone by email (leads)."""
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invite_person(
                actor=request.user,
                base_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except Forbidden as error:
            return _refused(request, error)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, f"An invitation is on its way to {invitation.email}.")
            return redirect(reverse("people") + "#invitations")
    elif not has_permission(request.user, Permission.INVITE):
        return _refused(request, Forbidden("Your role may not invite people."))
    return _render_people(request, invitation_form=form, status=400)


@login_required
@require_POST
def withdraw_invitation(request, invitation_id: int):
    """Make a pending invitation link unusable."""
    try:
        invitation = services.withdraw_invitation(actor=request.user, invitation_id=invitation_id)
    except Forbidden as error:
        return _refused(request, error)
    except DomainError as error:
        raise Http404(error.detail) from error
    messages.success(request, f"The invitation for {invitation.email} is withdrawn.")
    return redirect(reverse("people") + "#invitations")


@require_GET
def accept_invitation(request, token: str):
    """Open an invitation link: remember it for sign-up, or explain why it cannot be used."""
    try:
        invitation = services.invitation_for_token(token)
    except DomainError as error:
        return render(
            request, "accounts/invitation_invalid.html", {"detail": error.detail}, status=400
        )
    if request.user.is_authenticated:
        messages.info(request, "You are already signed in: log out first to accept it.")
        return redirect("dashboard")
    from allauth.account.adapter import get_adapter

    request.session[INVITATION_SESSION_KEY] = invitation.pk
    # The link arrived by mail at this address, so the address needs no second check.
    get_adapter(request).stash_verified_email(request, invitation.email)
    messages.info(
        request,
        f"You are invited to join as {invitation.get_role_display()}: choose a username and "
        "password.",
    )
    return redirect(reverse("account_signup") + f"?email={invitation.email}")

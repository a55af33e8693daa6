"""Chat pages: the room with its history, and the forms that work without JavaScript."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import Permission, has_permission
from chat import selectors, services
from chat.models import Room, RoomKind
from collab import presence
from collab.errors import DomainError, NotFound
from issues.selectors import issues_raised_from


@login_required
def index(request):
    """Open the team channel."""
    return redirect("chat:room", room_id=services.team_channel().pk)


@login_required
def room(request, room_id: int):
    """Show a room: my rooms with unread counts, the latest history, the composer."""
    # A link to one message (search, notifications) opens the history around it; the page's
    # script then syncs everything newer.
    target = selectors.parse_seq_or_none(request.GET.get("seq"))
    try:
        current, page, has_more = selectors.history(user=request.user, room_id=room_id)
        if target and page and target < page[0].seq:
            _room, page, _newer = selectors.history(
                user=request.user, room_id=room_id, after=max(0, target - 10)
            )
            has_more = target - 10 >= 1
    except NotFound:
        raise Http404("No such room.") from None
    rooms = selectors.rooms_for(user=request.user)
    current = next((r for r in rooms if r.pk == current.pk), current)
    # "An issue was raised from this message", for the issues this person may see.
    raised = issues_raised_from(user=request.user, message_ids=[m.pk for m in page])
    for message in page:
        message.visible_raised_issues = raised.get(message.pk, [])
    # Presence frames announce changes only: the page starts from who is online now.
    online = presence.online_user_ids(r.other_user.pk for r in rooms if r.other_user)
    context = {
        "online_ids": online,
        "room": current,
        "rooms": rooms,
        "messages_page": page,
        "has_more": has_more,
        "read_seq": current.read_seq,
        # The "new messages" line goes above the first unread message from someone else.
        "unread_line_seq": next(
            (m.seq for m in page if m.seq > current.read_seq and m.author_id != request.user.pk),
            None,
        ),
        "joinable": Room.objects.filter(kind=RoomKind.CHANNEL)
        .exclude(memberships__user=request.user)
        .order_by("name"),
        "people": User.objects.filter(is_active=True).exclude(pk=request.user.pk),
        "can_create_channels": has_permission(request.user, Permission.MANAGE_CHANNELS),
        "can_moderate": current.kind == RoomKind.CHANNEL
        and has_permission(request.user, Permission.MODERATE),
    }
    return render(request, "chat/room.html", context)


@login_required
@require_POST
def send(request, room_id: int):
    """Send a message from the plain form (the page's script sends over the socket)."""
    try:
        services.send_message(author=request.user, room_id=room_id, body=request.POST.get("body"))
    except NotFound:
        raise Http404("No such room.") from None
    except DomainError as error:
        flash.error(request, error.detail)
    return redirect("chat:room", room_id=room_id)


@login_required
@require_POST
def open_direct(request):
    """Open my direct room with the chosen person."""
    try:
        direct, _ = services.open_direct_room(user=request.user, other_id=request.POST.get("user"))
    except DomainError as error:
        flash.error(request, error.detail)
        return redirect("chat:index")
    return redirect("chat:room", room_id=direct.pk)


@login_required
@require_POST
def create_channel(request):
    """Create a channel (leads)."""
    try:
        new = services.create_channel(
            user=request.user,
            name=request.POST.get("name", ""),
            topic=request.POST.get("topic", ""),
        )
    except DomainError as error:
        flash.error(request, error.detail)
        return redirect("chat:index")
    return redirect("chat:room", room_id=new.pk)


@login_required
@require_POST
def join(request, room_id: int):
    try:
        services.join_channel(user=request.user, room_id=room_id)
    except DomainError as error:
        flash.error(request, error.detail)
        return redirect("chat:index")
    return redirect("chat:room", room_id=room_id)


@login_required
@require_POST
def leave(request, room_id: int):
    try:
        services.leave_channel(user=request.user, room_id=room_id)
    except DomainError as error:
        flash.error(request, error.detail)
        return redirect("chat:room", room_id=room_id)
    flash.success(request, "You left the channel.")
    return redirect("chat:index")


@login_required
def search(request):
    """Search messages in my rooms."""
    q = request.GET.get("q", "").strip()
    results = []
    page = None
    if q:
        paginator = Paginator(selectors.search_messages(user=request.user, q=q), 25)
        page = paginator.get_page(request.GET.get("page"))
        results = selectors.with_highlights(list(page.object_list), q)
    return render(
        request,
        "chat/search.html",
        {"q": q, "results": results, "page": page, "rooms": selectors.rooms_for(user=request.user)},
    )

"""REST endpoints for rooms, messages, read markers and search (thin: services do the work)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from chat import selectors, services
from chat.serializers import (
    CreateChannelSerializer,
    DirectRoomSerializer,
    EditMessageSerializer,
    HistorySerializer,
    MessageSerializer,
    ReadSerializer,
    RoomSerializer,
    SearchResultSerializer,
    SendMessageSerializer,
    message_data,
)
from collab.api import Pagination


class RoomListView(APIView):
    """Rooms I belong to, with unread counts; leads create channels."""

    @extend_schema(responses=RoomSerializer(many=True))
    def get(self, request):
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.rooms_for(user=request.user), request)
        return paginator.get_paginated_response(RoomSerializer(page, many=True).data)

    @extend_schema(request=CreateChannelSerializer, responses={201: RoomSerializer})
    def post(self, request):
        data = _valid(CreateChannelSerializer, request)
        room = services.create_channel(user=request.user, **data)
        room = selectors.annotate_room(room=room, user=request.user)
        return Response(RoomSerializer(room).data, status=status.HTTP_201_CREATED)


class DirectRoomView(APIView):
    """Open (or fetch) my direct room with another person."""

    @extend_schema(
        request=DirectRoomSerializer, responses={200: RoomSerializer, 201: RoomSerializer}
    )
    def post(self, request):
        data = _valid(DirectRoomSerializer, request)
        room, created = services.open_direct_room(user=request.user, other_id=data["user"])
        room = selectors.annotate_room(room=room, user=request.user)
        return Response(
            RoomSerializer(room).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class JoinChannelView(APIView):
    """Join a channel."""

    @extend_schema(request=None, responses={200: RoomSerializer})
    def post(self, request, room_id: int):
        membership = services.join_channel(user=request.user, room_id=room_id)
        room = selectors.annotate_room(room=membership.room, user=request.user)
        return Response(RoomSerializer(room).data)


class LeaveChannelView(APIView):
    """Leave a channel (not the team channel)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request, room_id: int):
        services.leave_channel(user=request.user, room_id=room_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MessagesView(APIView):
    """A room's history, and sending to it."""

    @extend_schema(
        parameters=[
            OpenApiParameter("before", int, description="Newest messages below this seq."),
            OpenApiParameter("after", int, description="Oldest messages above this seq."),
            OpenApiParameter("limit", int, description="Default 50, at most 200."),
        ],
        responses=HistorySerializer,
    )
    def get(self, request, room_id: int):
        params = request.query_params
        _room, page, has_more = selectors.history(
            user=request.user,
            room_id=room_id,
            before=selectors.parse_seq(params.get("before"), "before"),
            after=selectors.parse_seq(params.get("after"), "after"),
            limit=selectors.parse_limit(params.get("limit")),
        )
        return Response({"results": [message_data(m) for m in page], "has_more": has_more})

    @extend_schema(
        request=SendMessageSerializer,
        responses={201: MessageSerializer, 200: MessageSerializer},
    )
    def post(self, request, room_id: int):
        data = _valid(SendMessageSerializer, request)
        message, created = services.send_message(
            author=request.user,
            room_id=room_id,
            body=data["body"],
            client_id=data.get("client_id"),
        )
        return Response(
            message_data(message),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class MessageView(APIView):
    """Edit or delete one message."""

    @extend_schema(request=EditMessageSerializer, responses=MessageSerializer)
    def patch(self, request, message_id: int):
        data = _valid(EditMessageSerializer, request)
        message = services.edit_message(user=request.user, message_id=message_id, body=data["body"])
        return Response(message_data(message))

    @extend_schema(responses={204: None})
    def delete(self, request, message_id: int):
        services.delete_message(user=request.user, message_id=message_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReadView(APIView):
    """Move my read marker forward."""

    @extend_schema(request=ReadSerializer, responses=RoomSerializer)
    def post(self, request, room_id: int):
        data = _valid(ReadSerializer, request)
        membership = services.mark_read(user=request.user, room_id=room_id, seq=data["seq"])
        room = selectors.annotate_room(room=membership.room, user=request.user)
        return Response(RoomSerializer(room).data)


class SearchView(APIView):
    """Full-text search over messages in my rooms."""

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description='Words, or "an exact phrase".')],
        responses=SearchResultSerializer(many=True),
    )
    def get(self, request):
        q = request.query_params.get("q", "")
        paginator = Pagination()
        page = paginator.paginate_queryset(
            selectors.search_messages(user=request.user, q=q), request
        )
        page = selectors.with_highlights(page, q)
        return paginator.get_paginated_response(SearchResultSerializer(page, many=True).data)


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data

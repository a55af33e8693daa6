"""REST endpoints for my notifications and my email settings."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from collab import selectors, services
from collab.models import Delivery, NotificationKind
from collab.serializers import NotificationSerializer

UNREAD_PARAM = OpenApiParameter(
    "unread", OpenApiTypes.BOOL, description="1: only the notifications I have not read"
)
ReadAllSerializer = inline_serializer(
    "ReadAll", {"marked": serializers.IntegerField(), "unread_count": serializers.IntegerField()}
)
PreferencesSerializer = inline_serializer(
    "NotificationPreferences",
    {kind: serializers.ChoiceField(choices=Delivery.choices) for kind in NotificationKind.values},
)


class NotificationListView(generics.ListAPIView):
    """My notifications, newest first; `?unread=1` for the unread ones only."""

    serializer_class = NotificationSerializer

    @extend_schema(parameters=[UNREAD_PARAM])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        unread = self.request.query_params.get("unread", "").lower() in {"1", "true", "yes"}
        return selectors.notifications_for(user=self.request.user, unread_only=unread)


class NotificationReadView(APIView):
    """Mark one of my notifications read."""

    @extend_schema(request=None, responses={200: NotificationSerializer})
    def post(self, request, notification_id: int):
        notification = services.mark_read(user=request.user, notification_id=notification_id)
        return Response(NotificationSerializer(notification).data)


class NotificationReadAllView(APIView):
    """Mark all my notifications read."""

    @extend_schema(request=None, responses={200: ReadAllSerializer})
    def post(self, request):
        marked = services.mark_all_read(user=request.user)
        return Response({"marked": marked, "unread_count": 0})


class NotificationPreferencesView(APIView):
    """How I want each kind of notification by email: immediately, digest or never."""

    @extend_schema(responses={200: PreferencesSerializer})
    def get(self, request):
        return Response(selectors.delivery_preferences(user=request.user))

    @extend_schema(request=PreferencesSerializer, responses={200: PreferencesSerializer})
    def patch(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        if not data:
            return Response({"detail": "Send an object of kind: delivery."}, status=400)
        preferences = {str(k): str(v) for k, v in data.items()}
        return Response(
            services.set_delivery_preferences(user=request.user, preferences=preferences)
        )

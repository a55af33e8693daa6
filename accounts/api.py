"""REST endpoints for the caller, the team and API tokens."""

from allauth.core.internal import ratelimit
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.serializers import (
    DirectoryUserSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
    UserSerializer,
)
from collab.errors import RateLimited


class ObtainTokenView(APIView):
    """Exchange a username and password for a new API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer})
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Counted before the password is checked, per address and per username, in the shared
        # cache: guessing is refused on every process alike.
        allowed = ratelimit.consume(
            request._request,
            app="allauth.account",
            action="api_token",
            key=serializer.validated_data["username"].lower(),
        )
        if not allowed:
            import logging

            logging.getLogger("collab.security").warning(
                "token locked out",
                extra={"event": "lockout", "username": serializer.validated_data["username"]},
            )
            raise RateLimited("Too many attempts: wait a few minutes and try again.")
        key = services.obtain_api_token(**serializer.validated_data)
        allowed.rollback()  # a right password does not count against the limit
        return Response({"token": key}, status=status.HTTP_200_OK)


class MeView(generics.RetrieveAPIView):
    """The person making the request (the contract's user object)."""

    serializer_class = UserSerializer

    def get_object(self):
        return self.request.user


class UserListView(generics.ListAPIView):
    """The team directory, with who is online (`?q=` searches)."""

    serializer_class = DirectoryUserSerializer

    def get_queryset(self):
        return selectors.people_directory(query=self.request.query_params.get("q", ""))

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return selectors.with_online_state(page if page is not None else queryset)

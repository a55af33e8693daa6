"""REST endpoints for the caller, the team and API tokens."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.serializers import (
    TokenRequestSerializer,
    TokenResponseSerializer,
    UserSerializer,
)


class ObtainTokenView(APIView):
    """Exchange a username and password for a new API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer})
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        key = services.obtain_api_token(**serializer.validated_data)
        return Response({"token": key}, status=status.HTTP_200_OK)


class MeView(generics.RetrieveAPIView):
    """The person making the request."""

    serializer_class = UserSerializer

    def get_object(self):
        return self.request.user


class UserListView(generics.ListAPIView):
    """The team directory."""

    serializer_class = UserSerializer

    def get_queryset(self):
        return selectors.team_members()

from django.urls import path

from collab.consumers import CollabConsumer

websocket_urlpatterns = [
    path("ws/", CollabConsumer.as_asgi()),
]

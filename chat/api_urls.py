from django.urls import path

from chat import api

urlpatterns = [
    path("rooms/", api.RoomListView.as_view(), name="api-rooms"),
    path("rooms/direct/", api.DirectRoomView.as_view(), name="api-rooms-direct"),
    path("rooms/<int:room_id>/messages/", api.MessagesView.as_view(), name="api-room-messages"),
    path("rooms/<int:room_id>/read/", api.ReadView.as_view(), name="api-room-read"),
    path("rooms/<int:room_id>/join/", api.JoinChannelView.as_view(), name="api-room-join"),
    path("rooms/<int:room_id>/leave/", api.LeaveChannelView.as_view(), name="api-room-leave"),
    path("messages/<int:message_id>/", api.MessageView.as_view(), name="api-message"),
    path("search/messages/", api.SearchView.as_view(), name="api-search-messages"),
]

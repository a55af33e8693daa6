from django.urls import path

from chat import views

app_name = "chat"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("direct/", views.open_direct, name="open-direct"),
    path("channels/", views.create_channel, name="create-channel"),
    path("<int:room_id>/", views.room, name="room"),
    path("<int:room_id>/send/", views.send, name="send"),
    path("<int:room_id>/join/", views.join, name="join"),
    path("<int:room_id>/leave/", views.leave, name="leave"),
]

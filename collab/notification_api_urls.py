from django.urls import path

from collab import notification_api as api

urlpatterns = [
    path("notifications/", api.NotificationListView.as_view(), name="api-notifications"),
    path(
        "notifications/read-all/",
        api.NotificationReadAllView.as_view(),
        name="api-notifications-read-all",
    ),
    path(
        "notifications/preferences/",
        api.NotificationPreferencesView.as_view(),
        name="api-notification-preferences",
    ),
    path(
        "notifications/<int:notification_id>/read/",
        api.NotificationReadView.as_view(),
        name="api-notification-read",
    ),
]

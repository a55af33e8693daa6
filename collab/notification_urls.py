from django.urls import path

from collab import notification_views as views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.notification_read_all, name="read-all"),
    path("settings/", views.notification_settings, name="settings"),
    path("<int:notification_id>/read/", views.notification_read, name="read"),
    path("<int:notification_id>/open/", views.notification_open, name="open"),
]

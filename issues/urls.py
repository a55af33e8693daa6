from django.urls import path

from issues import views

app_name = "issues"

urlpatterns = [
    path("", views.issue_list, name="list"),
    path("new/", views.issue_new, name="new"),
    path("export.csv", views.issue_export, name="export"),
    path("bulk/", views.issue_bulk, name="bulk"),
    path("<int:pk>/", views.issue_detail, name="detail"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]

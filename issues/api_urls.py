from django.urls import path

from issues import api

urlpatterns = [
    path("issues/", api.IssueListView.as_view(), name="api-issues"),
    path("issues/<int:pk>/", api.IssueDetailView.as_view(), name="api-issue"),
    path("issues/<int:pk>/comments/", api.IssueCommentsView.as_view(), name="api-issue-comments"),
    path(
        "issues/<int:pk>/attachments/",
        api.IssueAttachmentsView.as_view(),
        name="api-issue-attachments",
    ),
    path("issues/<int:pk>/activity/", api.IssueActivityView.as_view(), name="api-issue-activity"),
]

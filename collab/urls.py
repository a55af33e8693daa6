"""Collab's URLs: pages, the API under /api/v1/, health checks, the admin."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from collab import api, health, views

api_v1 = [
    path("", include("accounts.api_urls")),
    path("", include("chat.api_urls")),
    path("", include("issues.api_urls")),
    path("", include("collab.notification_api_urls")),
]

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("chat/", include("chat.urls")),
    path("issues/", include("issues.urls")),
    path("notifications/", include("collab.notification_urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^api/", api.api_not_found),
]

handler403 = "collab.views.error_403"
handler404 = "collab.views.error_404"

"""The real URLs plus two views that fail, to render the error pages."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from collab.urls import handler403, handler404
from collab.urls import urlpatterns as collab_urlpatterns


def refuse(request):
    raise PermissionDenied


def crash(request):
    raise RuntimeError("boom")


urlpatterns = [path("refuse/", refuse), path("crash/", crash), *collab_urlpatterns]

__all__ = ["handler403", "handler404", "urlpatterns"]

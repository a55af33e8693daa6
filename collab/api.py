"""What every API view shares: pagination, error mapping, the JSON 404."""

from __future__ import annotations

import logging

from django.http import JsonResponse
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from collab.errors import DomainError

security_logger = logging.getLogger("collab.security")


class Pagination(PageNumberPagination):
    """Pages of 50 by default, up to 200 with `?page_size=`."""

    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc, context):
    """Map domain errors to JSON like DRF's own errors; keep DRF's handling otherwise."""
    if isinstance(exc, DomainError):
        if exc.status == 403:
            request = context.get("request")
            security_logger.warning(
                "permission refused: %s",
                exc.detail,
                extra={"user_id": getattr(getattr(request, "user", None), "pk", None)},
            )
        body = dict(exc.fields) if exc.fields else {}
        body["detail"] = exc.detail
        body["code"] = exc.code
        return Response(body, status=exc.status)
    return drf_exception_handler(exc, context)


def api_not_found(request, *args, **kwargs):
    """Answer a JSON 404 for any `/api/` path that matches no route."""
    return JsonResponse({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)

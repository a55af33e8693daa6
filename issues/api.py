"""REST endpoints for issues, their comments and their activity (thin: services do the work)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from collab.errors import DomainError
from issues import selectors, services
from issues.serializers import (
    ActivitySerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    CommentCreateSerializer,
    CommentSerializer,
    IssueCreateSerializer,
    IssueFilterSerializer,
    IssueSerializer,
    IssueUpdateSerializer,
)

ERRORS = {
    400: OpenApiResponse(description="Field errors"),
    403: OpenApiResponse(description="Not allowed for your role"),
    404: OpenApiResponse(description="No such issue, or not one you may see"),
    409: OpenApiResponse(description="Not possible in the issue's current status"),
}


class IssueListView(generics.GenericAPIView):
    """Issues I may see (leads: all), filtered and paginated; or report a new one."""

    serializer_class = IssueSerializer

    @extend_schema(parameters=[IssueFilterSerializer], responses={200: IssueSerializer(many=True)})
    def get(self, request):
        filters = IssueFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        issues = selectors.issue_list(user=request.user, **filters.validated_data)
        page = self.paginate_queryset(issues)
        return self.get_paginated_response(IssueSerializer(page, many=True).data)

    @extend_schema(request=IssueCreateSerializer, responses={201: IssueSerializer, **ERRORS})
    def post(self, request):
        data = IssueCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        issue = services.report_issue(
            reporter=request.user,
            source_message_id=values.pop("source_message", None),
            **values,
        )
        issue = selectors.issue_for(user=request.user, issue_id=issue.pk)
        return Response(IssueSerializer(issue).data, status=status.HTTP_201_CREATED)


class IssueDetailView(generics.GenericAPIView):
    """One issue: reporters edit title and description while pending; leads triage."""

    serializer_class = IssueSerializer

    @extend_schema(responses={200: IssueSerializer, 404: ERRORS[404]})
    def get(self, request, pk: int):
        issue = selectors.issue_for(user=request.user, issue_id=pk)
        return Response(IssueSerializer(issue).data)

    @extend_schema(request=IssueUpdateSerializer, responses={200: IssueSerializer, **ERRORS})
    def patch(self, request, pk: int):
        selectors.issue_for(user=request.user, issue_id=pk)  # 404 before any field error
        data = IssueUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "assignee" in values:
            values["assignee_id"] = values.pop("assignee")
        if "duplicate_of" in values:
            values["duplicate_of_id"] = values.pop("duplicate_of")
        services.update_issue(actor=request.user, issue_id=pk, **values)
        issue = selectors.issue_for(user=request.user, issue_id=pk)
        return Response(IssueSerializer(issue).data)


class IssueCommentsView(generics.GenericAPIView):
    """An issue's comments, oldest first; or add one."""

    serializer_class = CommentSerializer

    @extend_schema(responses={200: CommentSerializer(many=True), 404: ERRORS[404]})
    def get(self, request, pk: int):
        issue = selectors.issue_for(user=request.user, issue_id=pk)
        page = self.paginate_queryset(selectors.comments_for(issue))
        return self.get_paginated_response(CommentSerializer(page, many=True).data)

    @extend_schema(
        request=CommentCreateSerializer,
        responses={201: CommentSerializer, 400: ERRORS[400], 404: ERRORS[404]},
    )
    def post(self, request, pk: int):
        selectors.issue_for(user=request.user, issue_id=pk)
        data = CommentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        comment = services.add_comment(
            author=request.user, issue_id=pk, body=data.validated_data["body"]
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class IssueActivityView(generics.GenericAPIView):
    """Who changed what on an issue, and when, oldest first."""

    serializer_class = ActivitySerializer

    @extend_schema(responses={200: ActivitySerializer(many=True), 404: ERRORS[404]})
    def get(self, request, pk: int):
        issue = selectors.issue_for(user=request.user, issue_id=pk)
        page = self.paginate_queryset(selectors.activity_for(issue))
        return self.get_paginated_response(ActivitySerializer(page, many=True).data)


class IssueAttachmentsView(generics.GenericAPIView):
    """An issue's files; or attach more (multipart `file`, images, PDF or text, 5 MB each)."""

    serializer_class = AttachmentSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses={200: AttachmentSerializer(many=True), 404: ERRORS[404]})
    def get(self, request, pk: int):
        issue = selectors.issue_for(user=request.user, issue_id=pk)
        page = self.paginate_queryset(
            selectors.attachments_for(issue).select_related("uploaded_by")
        )
        return self.get_paginated_response(AttachmentSerializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer(many=True), 400: ERRORS[400], 404: ERRORS[404]},
    )
    def post(self, request, pk: int):
        selectors.issue_for(user=request.user, issue_id=pk)
        data = AttachmentUploadSerializer(data={"file": request.FILES.getlist("file")})
        data.is_valid(raise_exception=True)
        try:
            stored = services.add_attachments(
                actor=request.user, issue_id=pk, files=data.validated_data["file"]
            )
        except DomainError as exc:
            # The API names the upload part `file`; the service says `attachments`.
            fields = {("file" if k == "attachments" else k): v for k, v in exc.fields.items()}
            raise type(exc)(exc.detail, fields=fields) from exc
        return Response(AttachmentSerializer(stored, many=True).data, status=201)

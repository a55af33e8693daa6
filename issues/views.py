"""Issue pages: the queue, reporting (page and dialog), detail with triage, files, export."""

from __future__ import annotations

import csv
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import Permission, has_permission
from collab.errors import DomainError, NotFound
from issues import selectors, services
from issues.forms import (
    AttachmentForm,
    BulkForm,
    CommentForm,
    IssueEditForm,
    IssueFilterForm,
    IssueForm,
    ReopenForm,
    TriageForm,
)
from issues.models import CLOSED_STATUSES, IssueStatus

PAGE_SIZE = 25
EXPORT_LIMIT = 10_000
# Characters that make a spreadsheet read a cell as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def add_domain_error(form, exc: DomainError) -> None:
    """Show a service's refusal on the form: per field where it names one, else on top."""
    if not exc.fields:
        form.add_error(None, exc.detail)
        return
    for field, errors in exc.fields.items():
        target = field if field in form.fields else None
        for error in errors:
            form.add_error(target, error)


def form_errors_json(form, *, status: int = 400) -> JsonResponse:
    errors = {field: [str(e) for e in errs] for field, errs in form.errors.items()}
    return JsonResponse({"errors": errors}, status=status)


# Queue and export ----------------------------------------------------------------------------
@login_required
@require_GET
def issue_list(request):
    """Show my issues, or for leads the triage queue with counts, filters and bulk changes."""
    is_lead = has_permission(request.user, Permission.TRIAGE)
    people = list(selectors.assignable_people()) if is_lead else []
    filters = IssueFilterForm(request.GET or None, people=people)
    values = filters.filters()
    if not is_lead:
        values.pop("reporter")
    issues = selectors.issue_list(user=request.user, **values)
    page = Paginator(issues, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    counts = selectors.status_counts(user=request.user)
    context = {
        "is_lead": is_lead,
        "filters": filters,
        "page": page,
        "counts": counts,
        "status_tabs": [(value, label, counts[value]) for value, label in IssueStatus.choices],
        "query": query.urlencode(),
        "bulk": BulkForm(people=people, auto_id="bulk_%s") if is_lead else None,
        "current_status": values["status"],
    }
    return render(request, "issues/list.html", context)


@login_required
@require_GET
def issue_export(request):
    """Download the current filter of the queue as CSV (only issues I may see)."""
    is_lead = has_permission(request.user, Permission.TRIAGE)
    people = list(selectors.assignable_people()) if is_lead else []
    values = IssueFilterForm(request.GET or None, people=people).filters()
    if not is_lead:
        values.pop("reporter")
    issues = selectors.issue_list(user=request.user, **values)[:EXPORT_LIMIT]
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="issues-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["id", "title", "status", "priority", "category", "reporter", "assignee",
         "created_at", "updated_at", "resolution", "url"]
    )  # fmt: skip
    for issue in issues:
        writer.writerow(
            [
                issue.pk,
                csv_cell(issue.title),
                issue.status,
                issue.priority,
                issue.category,
                csv_cell(issue.reporter.username),
                csv_cell(issue.assignee.username if issue.assignee_id else ""),
                issue.created_at.isoformat(),
                issue.updated_at.isoformat(),
                csv_cell(issue.resolution),
                request.build_absolute_uri(issue.get_absolute_url()),
            ]
        )
    return response


def csv_cell(value: str) -> str:
    """Neutralise text a spreadsheet would run as a formula."""
    value = str(value)
    return f"'{value}" if value.startswith(FORMULA_START) else value


@login_required
@require_POST
def issue_bulk(request):
    """Apply one triage change to the selected issues (leads), then go back to the queue."""
    people = list(selectors.assignable_people())
    form = BulkForm(request.POST, people=people)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) or (
        not back.startswith("/issues/")
    ):
        back = "/issues/"
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label or field if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
        return redirect(back)
    try:
        updated = services.bulk_update_issues(
            actor=request.user, issue_ids=form.cleaned_data["issues"], **form.changes()
        )
    except DomainError as exc:
        detail = exc.detail
        if exc.fields:
            detail += " " + " ".join(e for errs in exc.fields.values() for e in errs)
        messages.error(request, detail)
        return redirect(back)
    messages.success(request, f"Updated {len(updated)} issue{'s' if len(updated) != 1 else ''}.")
    return redirect(back)


# Report ---------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def issue_new(request):
    """Report an issue: the full-page form (no JavaScript needed) and the dialog's target."""
    if request.method == "POST":
        form = IssueForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                issue = services.report_issue(
                    reporter=request.user,
                    title=data["title"],
                    description=data["description"],
                    category=data["category"],
                    source_message_id=data.get("message"),
                    files=data["attachments"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                url = issue.get_absolute_url()
                if wants_json(request):
                    return JsonResponse({"id": issue.pk, "url": url}, status=201)
                messages.success(request, f"Issue #{issue.pk} reported. Leads have been told.")
                return redirect(url)
        if wants_json(request):
            return form_errors_json(form)
        return render(request, "issues/new.html", {"form": form}, status=400)
    source = selectors.source_message_for(user=request.user, message_id=request.GET.get("message"))
    initial = {}
    if source is not None:
        initial = {"message": source.pk, "description": quote_message(source)}
    form = IssueForm(initial=initial)
    return render(request, "issues/new.html", {"form": form, "source": source})


def quote_message(message) -> str:
    """Return Markdown quoting a chat message, with a link to it in its room."""
    quoted = "\n".join(f"> {line}" for line in message.body.splitlines() or [""])
    room = f"#{message.room.name}" if message.room.name else "a direct message"
    link = f"/chat/{message.room_id}/?seq={message.seq}"
    return f"{quoted}\n\n— {message.author.name} in [{room}]({link})\n\n"


# Detail ---------------------------------------------------------------------------------------
ACTIONS = {"comment", "edit", "triage", "reopen", "attach"}


@login_required
@require_http_methods(["GET", "POST"])
def issue_detail(request, pk: int):
    """Show an issue with its files, comments and activity; take comments, edits and triage."""
    try:
        issue = selectors.issue_for(user=request.user, issue_id=pk)
    except NotFound:
        raise Http404("No such issue.") from None
    bound: dict = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTIONS:
            messages.error(request, "Unknown action.")
            return redirect(issue.get_absolute_url())
        form = _bound_form(action, request)
        if form.is_valid():
            try:
                notice = _apply(action, form, request.user, issue)
            except DomainError as exc:
                add_domain_error(form, exc)
                if not exc.fields:
                    # A refusal about the whole action (403, 409): say it at the top.
                    bound["page_error"] = exc.detail
            else:
                messages.success(request, notice)
                return redirect(issue.get_absolute_url())
        bound[action] = form
        status = 400
    return render(
        request, "issues/detail.html", _detail_context(request, issue, bound), status=status
    )


def _bound_form(action, request):
    if action == "comment":
        return CommentForm(request.POST)
    if action == "edit":
        return IssueEditForm(request.POST)
    if action == "attach":
        return AttachmentForm(request.POST, request.FILES)
    if action == "triage":
        return TriageForm(request.POST, people=selectors.assignable_people())
    return ReopenForm(request.POST)


def _apply(action, form, user, issue) -> str:
    data = form.cleaned_data
    if action == "comment":
        services.add_comment(author=user, issue_id=issue.pk, body=data["body"])
        return "Comment added."
    if action == "edit":
        services.update_issue(actor=user, issue_id=issue.pk, **data)
        return "Issue updated."
    if action == "attach":
        stored = services.add_attachments(actor=user, issue_id=issue.pk, files=data["attachments"])
        return f"Attached {len(stored)} file{'s' if len(stored) != 1 else ''}."
    if action == "triage":
        services.update_issue(
            actor=user,
            issue_id=issue.pk,
            status=data["status"],
            priority=data["priority"],
            assignee_id=data["assignee"],
            resolution=data["resolution"],
            duplicate_of_id=data["duplicate_of"],
        )
        return "Triage saved."
    services.reopen_issue(actor=user, issue_id=issue.pk)
    return "Issue reopened."


def _detail_context(request, issue, bound: dict) -> dict:
    user = request.user
    is_lead = has_permission(user, Permission.TRIAGE)
    is_reporter = issue.reporter_id == user.pk
    people = list(selectors.assignable_people()) if is_lead else []
    context = {
        "issue": issue,
        "page_error": bound.get("page_error", ""),
        "is_lead": is_lead,
        "comments": list(selectors.comments_for(issue)),
        "activity": list(selectors.activity_for(issue)),
        "attachments": list(selectors.attachments_for(issue)),
        "comment_form": bound.get("comment") or CommentForm(),
        "attach_form": bound.get("attach") or AttachmentForm(),
        "can_edit": is_lead or (is_reporter and issue.status == IssueStatus.PENDING),
        "can_reopen": issue.status in CLOSED_STATUSES
        and (is_lead or (is_reporter and _within_reopen_window(issue))),
        "source_url": (
            f"/chat/{issue.source_message.room_id}/?seq={issue.source_message.seq}"
            if issue.source_message_id
            else ""
        ),
    }
    if context["can_edit"]:
        context["edit_form"] = bound.get("edit") or IssueEditForm(
            initial={
                "title": issue.title,
                "description": issue.description,
                "category": issue.category,
            }
        )
    if is_lead:
        context["triage_form"] = bound.get("triage") or TriageForm(
            people=people,
            initial={
                "status": issue.status,
                "priority": issue.priority,
                "assignee": issue.assignee_id,
                "resolution": issue.resolution,
                "duplicate_of": issue.duplicate_of_id,
            },
        )
    return context


def _within_reopen_window(issue) -> bool:
    window = timedelta(days=settings.ISSUES_REOPEN_DAYS)
    return issue.closed_at is None or timezone.now() - issue.closed_at <= window


@login_required
@require_GET
def attachment_download(request, pk: int, attachment_id: int):
    """Send an attachment to someone who may see its issue, always as a download."""
    try:
        attachment = selectors.attachment_for(
            user=request.user, issue_id=pk, attachment_id=attachment_id
        )
    except NotFound:
        raise Http404("No such attachment.") from None
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    # Even if a browser ignored the download header, nothing in the file may run.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

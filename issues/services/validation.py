"""Check what people submit: lengths, choices and uploaded files."""

from __future__ import annotations

import os
from collections.abc import Sequence

from django.conf import settings

from collab.errors import Invalid
from issues.filetypes import JPEG, TEXT, sniff
from issues.models import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    RESOLUTION_MAX,
    TITLE_MAX,
    TITLE_MIN,
)

MAX_FILES_PER_UPLOAD = 10
SAFE_EXTENSIONS = {
    JPEG.content_type: {".jpg", ".jpeg"},
    TEXT.content_type: {".txt", ".log", ".md"},
}


def clean_title(title) -> str:
    """Return the trimmed title, or raise Invalid on `title`."""
    title = (title or "").strip()
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise Invalid(
            f"The title must be {TITLE_MIN} to {TITLE_MAX} characters.",
            fields={"title": [f"Use {TITLE_MIN} to {TITLE_MAX} characters."]},
        )
    return title


def clean_description(description) -> str:
    """Return the trimmed description, or raise Invalid on `description`."""
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise Invalid(
            f"The description may have at most {DESCRIPTION_MAX:,} characters.",
            fields={"description": [f"Use at most {DESCRIPTION_MAX:,} characters."]},
        )
    return description


def clean_choice(field: str, value, choices) -> str:
    """Return `value` if it is one of `choices`, or raise Invalid on `field`."""
    if value not in choices.values:
        allowed = ", ".join(choices.values)
        raise Invalid(
            f"{value!r} is not a valid {field}.",
            fields={field: [f"Choose one of: {allowed}."]},
        )
    return str(value)


def clean_resolution(resolution) -> str:
    """Return the trimmed resolution, or raise Invalid on `resolution`."""
    resolution = (resolution or "").strip()
    if len(resolution) > RESOLUTION_MAX:
        raise Invalid(
            f"The resolution may have at most {RESOLUTION_MAX:,} characters.",
            fields={"resolution": [f"Use at most {RESOLUTION_MAX:,} characters."]},
        )
    return resolution


def clean_comment_body(body) -> str:
    """Return the trimmed comment body, or raise Invalid on `body`."""
    body = (body or "").strip()
    if not 1 <= len(body) <= COMMENT_MAX:
        raise Invalid(
            f"A comment must be 1 to {COMMENT_MAX:,} characters.",
            fields={"body": [f"Write 1 to {COMMENT_MAX:,} characters."]},
        )
    return body


def check_files(files: Sequence) -> list[tuple[object, object, str]]:
    """Return (file, kind, safe name) for each upload, or raise Invalid naming every bad one."""
    files = [f for f in files if f is not None]
    if len(files) > MAX_FILES_PER_UPLOAD:
        raise Invalid(
            f"Attach at most {MAX_FILES_PER_UPLOAD} files at a time.",
            fields={"attachments": [f"Attach at most {MAX_FILES_PER_UPLOAD} files at a time."]},
        )
    limit = settings.ISSUES_ATTACHMENT_MAX_BYTES
    errors, checked = [], []
    for upload in files:
        name = safe_file_name(getattr(upload, "name", "") or "file")
        if upload.size > limit:
            errors.append(f"{name} is larger than {limit // (1024 * 1024)} MB.")
            continue
        if upload.size == 0:
            errors.append(f"{name} is empty.")
            continue
        kind = sniff(upload)
        if kind is None:
            errors.append(
                f"{name} is not an image (PNG, JPEG, GIF, WebP), a PDF or a plain text file."
            )
            continue
        checked.append((upload, kind, name_for_kind(name, kind)))
    if errors:
        raise Invalid(" ".join(errors), fields={"attachments": errors})
    return checked


def safe_file_name(name: str) -> str:
    """Return a display name: no folders, no control characters, at most 150 characters."""
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>:|?*;')
    return (name.strip(" .") or "file")[-150:]


def name_for_kind(name: str, kind) -> str:
    """Make the download name end in an extension that matches what the file really is."""
    _stem, ext = os.path.splitext(name)
    allowed = SAFE_EXTENSIONS.get(kind.content_type, {kind.extension})
    return name if ext.lower() in allowed else f"{name}{kind.extension}"

"""Tell what an uploaded file really is from its content, never from its name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

SNIFF_BYTES = 2048

# Tags that make a text file something a browser would run or render as a page.
MARKUP = re.compile(
    rb"<\s*(?:!doctype|html|head|body|script|iframe|svg|object|embed|meta|style|link|form)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str


PNG = FileKind("image/png", ".png")
JPEG = FileKind("image/jpeg", ".jpg")
GIF = FileKind("image/gif", ".gif")
WEBP = FileKind("image/webp", ".webp")
PDF = FileKind("application/pdf", ".pdf")
TEXT = FileKind("text/plain", ".txt")

IMAGE_FORMATS = {"PNG": PNG, "JPEG": JPEG, "GIF": GIF, "WEBP": WEBP}


def sniff(uploaded) -> FileKind | None:
    """Return the kind of an uploaded file, or None when it is not one Collab accepts."""
    uploaded.seek(0)
    head = uploaded.read(SNIFF_BYTES)
    uploaded.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")) or (
            head[:4] == b"RIFF" and head[8:12] == b"WEBP"
        ):
            return _image_kind(uploaded)
        return _text_kind(uploaded)
    finally:
        uploaded.seek(0)


def _image_kind(uploaded) -> FileKind | None:
    """Return the image kind if Pillow can read the whole header, else None."""
    try:
        with Image.open(uploaded) as image:
            image.verify()
            return IMAGE_FORMATS.get(image.format)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None


def _text_kind(uploaded) -> FileKind | None:
    """Return TEXT for UTF-8 text without control bytes or page markup, else None."""
    data = uploaded.read()
    if b"\x00" in data or MARKUP.search(data):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if any(ord(ch) < 32 and ch not in "\t\n\r\f" for ch in text):
        return None
    return TEXT

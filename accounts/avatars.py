"""Avatar images: checked by their content, cropped square and resized."""

from __future__ import annotations

import io
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from collab.errors import Invalid

ACCEPTED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
# Refuse images whose pixels would take too much memory, whatever their file size.
MAX_PIXELS = 40_000_000


def _refuse(message: str) -> Invalid:
    return Invalid(message, fields={"avatar": [message]})


def process_avatar(upload, *, max_bytes: int) -> ContentFile:
    """Return a square PNG of the uploaded image, or raise `Invalid` saying what is wrong."""
    if upload is None:
        raise _refuse("Choose an image to upload.")
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise _refuse(f"The image is too large: at most {max_bytes // 1024} KB.")
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _refuse(f"The image is too large: at most {max_bytes // 1024} KB.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
        if image_format not in ACCEPTED_FORMATS:
            raise _refuse("Upload a PNG, JPEG, GIF or WebP image.")
        if width * height > MAX_PIXELS:
            raise _refuse("The image has too many pixels.")
        # verify() leaves the image unusable: open it again to read the pixels.
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGBA")
            side = settings.COLLAB_AVATAR_SIZE
            image = ImageOps.fit(image, (side, side), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
    except Invalid:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise _refuse("This file is not an image Collab can read.") from exc
    return ContentFile(out.getvalue(), name=f"{secrets.token_hex(8)}.png")

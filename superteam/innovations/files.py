"""Checking evidence files by their content, never by their name or the browser's word.

Allowed: PDF, JPEG, PNG, WebP, and Office Open XML documents (docx, xlsx, pptx). Images
are opened with Pillow under a pixel cap (decompression bombs); documents must really be
what their first bytes say. The original goes to private storage only.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_BYTES = int(getattr(settings, "INNOVATIONS_EVIDENCE_MAX_MB", 20)) * 1024 * 1024
MAX_PIXELS = 60_000_000
OOXML = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"),
}


@dataclass(frozen=True)
class Checked:
    content_type: str
    extension: str
    size: int


def _image(upload, fmt: str, content_type: str, ext: str) -> Checked:
    from PIL import Image

    upload.seek(0)
    try:
        with Image.open(upload) as img:
            if img.format != fmt:
                raise ValidationError(_("The file is not the image it claims to be."))
            width, height = img.size
            if width * height > MAX_PIXELS:
                raise ValidationError(_("The image is too large (more than 60 megapixels)."))
            img.verify()
    except ValidationError:
        raise
    except Exception:
        raise ValidationError(_("The image is damaged or not an image.")) from None
    finally:
        upload.seek(0)
    return Checked(content_type, ext, upload.size)


def check_evidence_file(upload) -> Checked:
    """Raise a translated ValidationError unless the upload is an allowed, intact file."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty."))
    if size > MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        upload.seek(max(0, size - 2048))
        tail = upload.read()
        upload.seek(0)
        if b"%%EOF" not in tail:
            raise ValidationError(_("The PDF is incomplete (it has no end marker)."))
        return Checked("application/pdf", ".pdf", size)
    if head.startswith(b"\xff\xd8\xff"):
        return _image(upload, "JPEG", "image/jpeg", ".jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return _image(upload, "PNG", "image/png", ".png")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _image(upload, "WEBP", "image/webp", ".webp")
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
                if "[Content_Types].xml" in names:
                    for prefix, (content_type, ext) in OOXML.items():
                        if any(n.startswith(prefix) for n in names):
                            return Checked(content_type, ext, size)
        except zipfile.BadZipFile:
            pass
        finally:
            upload.seek(0)
    raise ValidationError(
        _(
            "This kind of file is not accepted. Upload a PDF, a photo (JPEG, PNG, WebP) or an Office document."
        )
    )

"""Presenters' slides: PDF or PowerPoint (PPTX), recognised by their content, not their name."""

from __future__ import annotations

import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_SLIDES_BYTES = 30 * 1024 * 1024
MAX_UNPACKED_BYTES = 300 * 1024 * 1024  # a zip bomb dressed up as slides is refused
MAX_ENTRIES = 20000


def check_slides(upload) -> str:
    """ "pdf" or "pptx" when the file really is one; a translated ValidationError otherwise."""
    size = getattr(upload, "size", None) or 0
    if size <= 0:
        raise ValidationError(_("The file is empty."))
    if size > MAX_SLIDES_BYTES:
        raise ValidationError(
            _("Slides may be at most %(mb)s MB.") % {"mb": MAX_SLIDES_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        upload.seek(max(0, size - 2048))
        tail = upload.read()
        upload.seek(0)
        if b"%%EOF" not in tail:
            raise ValidationError(_("This PDF is damaged or incomplete."))
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                entries = archive.infolist()
                names = {e.filename for e in entries}
                unpacked = sum(e.file_size for e in entries)
                content_types = (
                    archive.read("[Content_Types].xml")[:200000]
                    if "[Content_Types].xml" in names
                    else b""
                )
        except (zipfile.BadZipFile, KeyError, OSError):
            names, unpacked, content_types, entries = set(), 0, b"", []
        finally:
            upload.seek(0)
        if len(entries) > MAX_ENTRIES or unpacked > MAX_UNPACKED_BYTES:
            raise ValidationError(_("This presentation is too large once unpacked."))
        if "ppt/presentation.xml" in names and b"presentationml" in content_types:
            return "pptx"
    raise ValidationError(_("Upload the slides as a PDF or a PowerPoint (.pptx) file."))

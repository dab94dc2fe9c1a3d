"""Helpers of the reports tests: camera-like photos, uploads, submissions."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from superteam.reports.scenes import photo_bytes
from superteam.reports.services import ReportData, submit_report


def jpeg(seed: int = 1, *, day: datetime.date | None = None, gps=None, size=(640, 480), **kw):
    """A camera-like JPEG: taken at 09:30 local time on ``day`` at ``gps``."""
    taken = datetime.datetime.combine(day, datetime.time(9, 30)) if day else None
    return photo_bytes(seed=seed, size=size, taken_at=taken, gps=gps, **kw)


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def pustu_gps(personas) -> tuple[float, float]:
    return float(personas.pustu.latitude), float(personas.pustu.longitude)


def report_data(personas, day, **kw) -> ReportData:
    position = personas.staff.current_assignments().first().position
    values = {
        "unit": personas.pustu,
        "position": position,
        "date": day,
        "title": "Jemput bola lansia",
        "narrative": "Kunjungan rumah ke 12 lansia di Dusun Krajan.",
    }
    values.update(kw)
    return ReportData(**values)


def submit(personas, day, *, key="key-00000001", photos=(), author=None, received_at=None, **kw):
    """Submit as the pustu's nurse (or ``author``) through the service."""
    from superteam.reports.photos import check_upload

    checked = [check_upload(upload(p) if isinstance(p, bytes) else p) for p in photos]
    return submit_report(
        author=author or personas.staff,
        idempotency_key=key,
        data=report_data(personas, day, **kw),
        photos=checked,
        received_at=received_at,
    )


def read_exif_gps(data: bytes):
    from PIL import ExifTags, Image

    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    return dict(exif.get_ifd(ExifTags.IFD.GPSInfo)), dict(exif), image.info.get("exif")


def wait_for(predicate, timeout: float = 20.0) -> bool:
    """Poll ``predicate`` (a database check from a browser test) until true or timeout."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


def queue_offline(page, context, *, title: str, narrative: str, photo: bytes, name: str) -> None:
    """On the open report form: go offline, fill the report and send it, so that it waits
    in the phone's queue (the service worker is ready first)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    context.set_offline(True)
    page.fill("#id_title", title)
    page.fill("#id_narrative", narrative)
    page.set_input_files(
        "#id_photos", files=[{"name": name, "mimeType": "image/jpeg", "buffer": photo}]
    )
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#report-queue li")

"""Factories for innovations and evidence, through the real services."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from superteam.innovations import services
from superteam.innovations.models import Affair, Stage

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "sk.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png(name: str = "foto.png", size=(8, 8)) -> SimpleUploadedFile:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, (10, 120, 90)).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def innovation(
    unit,
    actor,
    *,
    title: str = "Jemput Bola Lansia",
    stage: str = Stage.PENERAPAN,
    affair: str = Affair.KESEHATAN,
    started: datetime.date = datetime.date(2025, 1, 6),
):
    return services.register_innovation(
        owner_unit=unit,
        actor=actor,
        data={"title": title, "problem": "Lansia sulit datang ke puskesmas.", "affair": affair},
        stage=stage,
        initiated_on=started,
        trial_started_on=started + datetime.timedelta(days=30)
        if stage in (Stage.UJI_COBA, Stage.PENERAPAN)
        else None,
        implemented_on=started + datetime.timedelta(days=90) if stage == Stage.PENERAPAN else None,
    )


def evidence(unit, actor, code: str, level: int, *, innovation=None, link: str = ""):
    return services.submit_evidence(
        unit=unit,
        actor=actor,
        indicator_code=code,
        level=level,
        innovation=innovation,
        file=None if link else pdf(),
        link=link,
    )


def accepted(unit, actor, verifier, code: str, level: int, *, innovation=None, at_level=None):
    ev = evidence(unit, actor, code, level, innovation=innovation, link="https://example.org/e")
    return services.verify_evidence(evidence=ev, actor=verifier, accept=True, level=at_level)

"""Telling people what happened to their ideas and evidence: an on-page notice, and for
ideas an email in the recipient's own language (sent by the task worker after commit)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from superteam.innovations.models import Notice, NoticeKind


def notify(*, person, kind: str, idea=None, innovation=None, evidence=None, email: bool = False):
    """Leave a notice for a person; with ``email`` also mail it once the change is committed."""
    regency_id = (idea or innovation or evidence).regency_id
    notice = Notice.objects.create(
        regency_id=regency_id,
        person=person,
        kind=kind,
        idea=idea,
        innovation=innovation,
        evidence=evidence,
    )
    if email and person.email:
        from superteam.innovations.tasks import send_notice_email

        transaction.on_commit(lambda: send_notice_email.enqueue(notice.pk))
    return notice


def notice_link(notice: Notice) -> str:
    if notice.kind == NoticeKind.IDEA_PROMOTED and notice.innovation_id:
        return reverse("innovations:detail", args=[notice.innovation_id])
    if notice.idea_id:
        return reverse("innovations:idea", args=[notice.idea_id])
    if notice.innovation_id:
        return reverse("innovations:detail", args=[notice.innovation_id])
    if notice.evidence_id:
        return reverse("innovations:unit", args=[notice.evidence.unit_id])
    return reverse("innovations:ideas")


def notice_text(notice: Notice) -> str:
    """The notice in the active language (rendered when shown, not when written)."""
    idea_title = notice.idea.title if notice.idea_id else ""
    innovation_title = notice.innovation.title if notice.innovation_id else ""
    reviewer = ""
    if notice.idea_id and notice.idea.reviewed_by_id:
        reviewer = notice.idea.reviewed_by.full_name
    if notice.kind == NoticeKind.IDEA_SUBMITTED:
        return _("%(person)s proposed the idea “%(idea)s” to %(unit)s. Please review it.") % {
            "person": notice.idea.proposer.full_name,
            "idea": idea_title,
            "unit": notice.idea.unit.name,
        }
    if notice.kind == NoticeKind.IDEA_PROMOTED:
        return _(
            "Your idea “%(idea)s” is now an innovation of %(unit)s at stage inisiatif, "
            "with you credited as its initiator (%(reviewer)s)."
        ) % {"idea": idea_title, "unit": notice.idea.unit.name, "reviewer": reviewer}
    if notice.kind == NoticeKind.IDEA_DECLINED:
        return _("Your idea “%(idea)s” was declined by %(reviewer)s: %(reason)s") % {
            "idea": idea_title,
            "reviewer": reviewer,
            "reason": notice.idea.decline_reason,
        }
    if notice.kind in (NoticeKind.EVIDENCE_ACCEPTED, NoticeKind.EVIDENCE_REJECTED):
        ev = notice.evidence
        subject = innovation_title or ev.unit.name
        indicator = _indicator_name(ev)
        if notice.kind == NoticeKind.EVIDENCE_ACCEPTED:
            return _(
                "Your evidence for %(indicator)s (%(subject)s) was accepted at level %(level)s."
            ) % {
                "indicator": indicator,
                "subject": subject,
                "level": ev.accepted_level or ev.level,
            }
        return _("Your evidence for %(indicator)s (%(subject)s) was rejected: %(reason)s") % {
            "indicator": indicator,
            "subject": subject,
            "reason": ev.verifier_note,
        }
    return str(notice.get_kind_display())


def _indicator_name(evidence) -> str:
    """The indicator's name in the active language, from the model version in use."""
    from superteam.scoring.models import Indicator, ModelStatus

    indicator = Indicator.objects.filter(
        model__regency_id=evidence.regency_id,
        model__status=ModelStatus.ACTIVE,
        code=evidence.indicator_code,
    ).first()
    return indicator.name if indicator else evidence.indicator_code


def send_notice_email_now(notice: Notice) -> bool:
    """Mail a notice in the recipient's language; returns whether a message went out."""
    person = notice.person
    if not person.email:
        return False
    with translation.override(person.language or settings.LANGUAGE_CODE):
        subject = str(notice.get_kind_display())
        body = render_to_string(
            "innovations/email/notice.txt",
            {
                "person": person,
                "text": notice_text(notice),
                "url": settings.SITE_URL + notice_link(notice),
            },
        )
    send_mail(f"[SuperTeam] {subject}", body, settings.DEFAULT_FROM_EMAIL, [person.email])
    return True

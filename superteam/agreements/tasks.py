"""Background work of the agreements app: telling the parties there is something to sign,
or that a party declined to sign."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from superteam.org.services import current_holders


def send_signing_requests(version_id: int) -> int:
    """Email the holder of every unsigned party position of a circulating version, each in
    their own language, with the link to sign. Returns the number of emails sent."""
    from superteam.agreements.models import AgreementVersion, VersionStatus

    version = AgreementVersion.objects.select_related("agreement").filter(pk=version_id).first()
    if version is None or version.status != VersionStatus.CIRCULATING:
        return 0
    signed = set(version.signatures.values_list("party_id", flat=True))
    parties = [p for p in version.parties.select_related("position") if p.pk not in signed]
    holders = current_holders([p.position for p in parties])
    url = settings.SITE_URL + reverse("agreements:sign", args=[version.agreement_id])
    sent = 0
    for party in parties:
        for assignment in holders.get(party.position_id, []):
            person = assignment.person
            if not person.email or not person.is_active:
                continue
            with translation.override(person.language or settings.LANGUAGE_CODE):
                context = {"person": person, "party": party, "version": version, "url": url}
                subject = render_to_string(
                    "agreements/email/sign_request_subject.txt", context
                ).strip()
                body = render_to_string("agreements/email/sign_request.txt", context)
            EmailMultiAlternatives(subject, body, to=[person.email]).send()
            sent += 1
    return sent


@task(queue_name="mail")
def notify_signers(version_id: int) -> int:
    return send_signing_requests(version_id)


def send_decline_notices(version_id: int) -> int:
    """Email the holders of the other party positions and the version's author, each in
    their own language, that a party declined the version, with the reason. Returns the
    number of emails sent."""
    from superteam.agreements.models import AgreementVersion, VersionStatus

    version = (
        AgreementVersion.objects.select_related("agreement", "declined_party", "created_by")
        .filter(pk=version_id, status=VersionStatus.DECLINED)
        .first()
    )
    if version is None:
        return 0
    parties = [
        p for p in version.parties.select_related("position") if p.pk != version.declined_party_id
    ]
    holders = current_holders([p.position for p in parties])
    people = {a.person.pk: a.person for p in parties for a in holders.get(p.position_id, [])}
    if version.created_by is not None:
        people.setdefault(version.created_by.pk, version.created_by)
    people.pop(version.declined_by_id, None)
    url = settings.SITE_URL + reverse("agreements:detail", args=[version.agreement_id])
    sent = 0
    for person in people.values():
        if not person.email or not person.is_active:
            continue
        with translation.override(person.language or settings.LANGUAGE_CODE):
            context = {"person": person, "version": version, "url": url}
            subject = render_to_string("agreements/email/declined_subject.txt", context).strip()
            body = render_to_string("agreements/email/declined.txt", context)
        EmailMultiAlternatives(subject, body, to=[person.email]).send()
        sent += 1
    return sent


@task(queue_name="mail")
def notify_declined(version_id: int) -> int:
    return send_decline_notices(version_id)

"""The demo accounts: one per role, listed on the sign-in page of a demo installation only."""

from django.utils.translation import gettext_lazy as _

DEMO_PASSWORD = "superteam-demo"  # noqa: S105 - a published demo password, by design

# (username, role label, what the account holds)
ACCOUNTS = [
    ("bupati", _("Regent")),
    ("admin", _("Admin")),
    ("kadinkes", _("Unit head")),
    ("kabid", _("Head of division (kabid)")),
    ("kasi", _("Head of section (kasi)")),
    ("staf", _("Staff")),
    ("verifikator", _("Verifier")),
    ("redaksi", _("News editor")),
]


def listed() -> list[dict]:
    """The demo accounts that exist in this installation, with what they hold today."""
    from superteam.org.models import Assignment, Person

    people = {p.username: p for p in Person.objects.filter(username__in=[u for u, _ in ACCOUNTS])}
    held = {}
    for a in (
        Assignment.objects.current()
        .filter(person__in=people.values())
        .select_related("position", "position__unit")
    ):
        held.setdefault(a.person_id, a)
    rows = []
    for username, role in ACCOUNTS:
        person = people.get(username)
        if person is None:
            continue
        assignment = held.get(person.pk)
        rows.append(
            {
                "username": username,
                "password": DEMO_PASSWORD,
                "role": role,
                "name": person.full_name,
                "position": assignment.position if assignment else None,
            }
        )
    return rows

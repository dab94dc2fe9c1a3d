"""Every view of the news portal against every role (see tests/matrix.py).

Public pages answer everyone, signed in or not. The newsroom needs an editor: in the
personas' regency that is the admin (no Diskominfo editors' unit exists there; editors by
position are tested in test_permissions.py).
"""

import secrets

from superteam.news.models import ArticleStatus, Subscriber, SubscriberStatus, Tag
from superteam.news.services import confirmation_token
from superteam.org.models import UnitKind
from tests import factories as f
from tests.matrix import EVERYONE, Case

EDITORS = frozenset({"admin"})


def _article(p, status=ArticleStatus.PUBLISHED):
    from tests.news.conftest import make_article

    return make_article(p.regency, status=status)


def _subscriber(p, status=SubscriberStatus.CONFIRMED):
    return Subscriber.objects.create(
        regency=p.regency,
        email=f"matrix-{secrets.token_hex(4)}@example.org",
        status=status,
        key=secrets.token_urlsafe(32),
    )


def _tag(p):
    return Tag.objects.create(regency=p.regency, slug="lansia", name_id="lansia")


def _kecamatan(p):
    return f.unit(p.regency, kind=UnitKind.KECAMATAN, code="KEC-GENTENG", name="Kecamatan Genteng")


def _innovation(p):
    from tests.innovations.factories import innovation

    return innovation(p.puskesmas, p.head)


CASES = [
    Case("news:home", EVERYONE),
    Case("news:archive", EVERYONE),
    Case("news:article", EVERYONE, args=lambda p: {"slug": _article(p).slug}),
    Case("news:tag", EVERYONE, args=lambda p: {"slug": _tag(p).slug}),
    Case("news:cluster", EVERYONE, args=lambda p: {"code": p.cluster.code}),
    Case("news:kecamatan", EVERYONE, args=lambda p: {"code": _kecamatan(p).code.lower()}),
    Case("news:search", EVERYONE, data=lambda p: {"q": "inovasi"}),
    Case("news:showcase", EVERYONE),
    Case("news:innovation", EVERYONE, args=lambda p: {"pk": _innovation(p).pk}),
    Case("news:leaderboard", EVERYONE, data=lambda p: {"family": "puskesmas"}),
    Case("news:feed", EVERYONE),
    Case("sitemap", EVERYONE),
    Case("news:subscribe", EVERYONE),
    Case(
        "news:subscribe",
        EVERYONE,
        method="post",
        data=lambda p: {"email": "matrix@example.org", "language": "id", "frequency": "daily"},
        ok=302,
        id="news:subscribe POST",
    ),
    Case("news:subscribe_sent", EVERYONE),
    Case(
        "news:confirm",
        EVERYONE,
        args=lambda p: {"token": confirmation_token(_subscriber(p, SubscriberStatus.PENDING))},
    ),
    Case("news:manage", EVERYONE, args=lambda p: {"key": _subscriber(p).key}),
    Case("news:unsubscribe", EVERYONE, args=lambda p: {"key": _subscriber(p).key}),
    Case(
        "news:unsubscribe",
        EVERYONE,
        args=lambda p: {"key": _subscriber(p).key},
        method="post",
        data=lambda p: {"List-Unsubscribe": "One-Click"},
        id="news:unsubscribe one-click POST",
    ),
    Case("news:editor", EDITORS),
    Case("news:article_new", EDITORS),
    Case("news:start_from", EDITORS),
    Case(
        "news:start_from",
        EDITORS,
        method="post",
        data=lambda p: {"source": "innovation", "pk": _innovation(p).pk},
        ok=302,
        id="news:start_from POST",
    ),
    Case(
        "news:article_edit",
        EDITORS,
        args=lambda p: {"pk": _article(p, ArticleStatus.DRAFT).pk},
    ),
    Case(
        "news:article_preview",
        EDITORS,
        args=lambda p: {"pk": _article(p, ArticleStatus.DRAFT).pk, "language": "en"},
    ),
    Case(
        "news:article_action",
        EDITORS,
        args=lambda p: {"pk": _article(p, ArticleStatus.DRAFT).pk},
        method="post",
        data=lambda p: {"action": "submit"},
        ok=302,
    ),
    Case("news:subscribers", EDITORS),
    Case("news:send_log", EDITORS),
]

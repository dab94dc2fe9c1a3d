"""The emails of the news portal, each in its recipient's language.

Every email carries a one-click unsubscribe (RFC 8058: ``List-Unsubscribe`` with an
https address and a mailto, plus ``List-Unsubscribe-Post``) and a link to manage the
subscription, in its headers and in its text.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import quote

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from superteam.news.models import Article, Dispatch, DispatchKind, Subscriber


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def _site_domain() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


@dataclass(frozen=True)
class Links:
    manage: str
    unsubscribe: str


def links_for(subscriber: Subscriber) -> Links:
    with translation.override(subscriber.language):
        return Links(
            manage=absolute(reverse("news:manage", kwargs={"key": subscriber.key})),
            unsubscribe=absolute(reverse("news:unsubscribe", kwargs={"key": subscriber.key})),
        )


def list_headers(*, subscriber: Subscriber, dispatch: Dispatch, regency, links: Links) -> dict:
    mailbox = settings.NEWS_UNSUBSCRIBE_MAILTO or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    mailto = f"mailto:{mailbox}?subject={quote('unsubscribe ' + subscriber.key)}"
    headers = {
        "List-Unsubscribe": f"<{links.unsubscribe}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"<news.{regency.slug}.{_site_domain()}>",
        "Message-ID": dispatch.message_id,
        "Auto-Submitted": "auto-generated",
    }
    if dispatch.kind == DispatchKind.DIGEST:
        headers["Precedence"] = "bulk"
    return headers


def _message(
    *, subscriber, dispatch, regency, subject, template, context
) -> EmailMultiAlternatives:
    links = links_for(subscriber)
    context = {**context, "links": links, "regency": regency, "subscriber": subscriber}
    with translation.override(subscriber.language):
        text = render_to_string(f"news/email/{template}.txt", context)
        html = render_to_string(f"news/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscriber.email],
        headers=list_headers(
            subscriber=subscriber, dispatch=dispatch, regency=regency, links=links
        ),
    )
    message.attach_alternative(html, "text/html")
    return message


def subscription_message(
    *, subscriber: Subscriber, kind: str, dispatch: Dispatch
) -> EmailMultiAlternatives:
    """The confirmation request (new or pending address) or the "already subscribed" notice."""
    from superteam.news.services import confirmation_token

    regency = subscriber.regency
    with translation.override(subscriber.language):
        if kind == DispatchKind.CONFIRM:
            subject = _("Confirm your subscription to the news of %(regency)s") % {
                "regency": regency.name
            }
            confirm_url = absolute(
                reverse("news:confirm", kwargs={"token": confirmation_token(subscriber)})
            )
            template, context = "confirm", {"confirm_url": confirm_url}
        else:
            subject = _("You already receive the news of %(regency)s") % {"regency": regency.name}
            template, context = "notice", {}
    return _message(
        subscriber=subscriber,
        dispatch=dispatch,
        regency=regency,
        subject=subject,
        template=template,
        context=context,
    )


@dataclass(frozen=True)
class DigestItem:
    title: str
    summary: str
    url: str
    is_fallback: bool
    publish_at: object


def digest_items(articles: list[Article], language: str) -> list[DigestItem]:
    """The articles as they appear in a digest in one language (computed once per run)."""
    items = []
    with translation.override(language):
        for article in articles:
            version = article.version(language)
            items.append(
                DigestItem(
                    title=version.title,
                    summary=version.summary,
                    url=absolute(article.url_in(language)),
                    is_fallback=version.is_fallback,
                    publish_at=article.publish_at,
                )
            )
    return items


def digest_message(
    *, subscriber: Subscriber, dispatch: Dispatch, regency, items: list[DigestItem]
) -> EmailMultiAlternatives:
    """One email with every new article this subscriber has not had yet."""
    with translation.override(subscriber.language):
        if len(items) == 1:
            subject = items[0].title
        else:
            subject = ngettext(
                "%(count)s new article from %(regency)s",
                "%(count)s new articles from %(regency)s",
                len(items),
            ) % {"count": len(items), "regency": regency.name}
        home = absolute(reverse("news:home"))
    return _message(
        subscriber=subscriber,
        dispatch=dispatch,
        regency=regency,
        subject=subject,
        template="digest",
        context={"items": items, "home_url": home},
    )

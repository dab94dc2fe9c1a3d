"""The demo newsroom: a dozen bilingual articles, confirmed subscribers, idempotent."""

import io

import pytest

from superteam.core.permissions import actor_for, can
from superteam.news import demo
from superteam.news.models import Article, ArticleStatus, Subscriber
from superteam.org import demo as org_demo
from superteam.org.models import Person

pytestmark = pytest.mark.django_db


def test_demo_loads_bilingual_news_once(client):
    out = io.StringIO()
    regency = org_demo.load(stdout=out)
    demo.load(regency=regency, stdout=out)
    counts = (Article.objects.count(), Subscriber.objects.count())
    demo.load(regency=regency, stdout=out)  # a second run changes nothing
    assert (Article.objects.count(), Subscriber.objects.count()) == counts
    public = list(Article.objects.public().filter(regency=regency))
    assert len(public) >= 12
    assert sum(1 for a in public if a.languages == ["id", "en"]) >= 11
    assert any(a.languages == ["id"] for a in public)  # one waits for its translation
    assert Article.objects.scheduled().count() == 1
    assert Article.objects.filter(status=ArticleStatus.REVIEW).count() == 1
    assert all(a.cover for a in public)
    assert Subscriber.objects.filter(status="confirmed").count() == 6
    editor = Person.objects.get(username=demo.EDITOR_USERNAME)
    assert can(actor_for(editor), "news.edit", regency)
    assert not can(actor_for(editor), "news.review", regency)
    home = client.get("/en/").content.decode()
    assert "Health Centres Go Out to Check on Elderly Residents" in home

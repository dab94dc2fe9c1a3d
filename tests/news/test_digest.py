"""The digest: each subscriber gets each new article exactly once, even when the sender
is stopped half-way (at any point) and started again; topics, languages and frequencies."""

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from superteam.news import digest, services
from superteam.news.models import (
    Delivery,
    Dispatch,
    DispatchStatus,
    Frequency,
    SendRun,
)
from tests.news.conftest import make_article, make_subscriber

pytestmark = pytest.mark.django_db


class Stop(BaseException):
    """What a kill looks like from inside: nothing after it runs (not even except Exception)."""


def received(smtp_server) -> Counter:
    """(recipient, article URL) → how many times it arrived."""
    seen = Counter()
    for m in smtp_server.messages:
        text = m["message"].get_body(("plain",)).get_content()
        for line in text.splitlines():
            if "/news/" in line.strip() and line.strip().startswith("http"):
                for rcpt in m["to"]:
                    seen[(rcpt, line.strip())] += 1
    return seen


def setup_news(newsroom, subscribers=12, articles=3):
    r = newsroom.regency
    people = [make_subscriber(r, language="en" if i % 3 == 0 else "id") for i in range(subscribers)]
    news = [make_article(r) for _ in range(articles)]
    return people, news


def expected(people, news):
    from django.conf import settings

    return {(p.email, settings.SITE_URL + a.url_in(p.language)) for p in people for a in news}


def after_lease():
    return timezone.now() + digest.LEASE + datetime.timedelta(minutes=1)


@pytest.mark.parametrize(
    "where",
    [
        "after_claims",  # claims committed, nothing sent yet
        "mid_data",  # inside the SMTP DATA of the 6th email
        "before_hand_over",  # the 6th email's data sent, its hand-over not committed
        "between_emails",  # right after the 5th email was accepted
    ],
)
def test_interrupted_digest_delivers_each_article_exactly_once(
    newsroom, smtp_server, monkeypatch, where, settings
):
    settings.SITE_URL = "https://berita.example.org"
    people, news = setup_news(newsroom)
    calls = {"n": 0}
    with monkeypatch.context() as m:
        if where == "after_claims":
            real_claim = digest._claim

            def claim_then_stop(**kw):
                real_claim(**kw)
                raise Stop

            m.setattr(digest, "_claim", claim_then_stop)
        elif where in ("mid_data", "before_hand_over"):
            real_send = digest.SmtpTransport.send

            def send(self, message, hand_over):
                calls["n"] += 1
                if calls["n"] == 6:
                    if where == "mid_data":
                        smtp = self._smtp()
                        smtp.ehlo_or_helo_if_needed()
                        smtp.mail("noreply@localhost")
                        smtp.rcpt(message.to[0])
                        smtp.docmd("DATA")
                        smtp.send(b"Subject: half\r\n\r\nhalf a message\r\n")
                        self.abort()
                        raise Stop

                    def hand_over_then_stop():
                        raise Stop

                    return real_send(self, message, hand_over_then_stop)
                return real_send(self, message, hand_over)

            m.setattr(digest.SmtpTransport, "send", send)
        else:
            real_hand_over = digest.hand_over

            def count_hand_over(dispatch_id):
                ok = real_hand_over(dispatch_id)
                calls["n"] += 1
                return ok

            def stop_after_five(*args, **kwargs):
                if calls["n"] >= 5:
                    raise Stop
                return real_build(*args, **kwargs)

            real_build = digest.digest_message
            m.setattr(digest, "hand_over", count_hand_over)
            m.setattr(digest, "digest_message", stop_after_five)
        with pytest.raises(Stop):
            services.send_digest(regency=newsroom.regency, frequency=Frequency.IMMEDIATE)
    before_restart = sum(received(smtp_server).values())
    assert before_restart < len(people) * len(news)  # it really stopped half-way
    # Restart: the stopped run's claims are released (its process is gone) and completed.
    run = services.send_digest(regency=newsroom.regency, frequency=Frequency.IMMEDIATE)
    counts = received(smtp_server)
    assert set(counts) == expected(people, news)
    assert max(counts.values()) == 1, [k for k, v in counts.items() if v > 1]
    assert run.complete
    # A further run sends nothing at all.
    again = services.send_digest(regency=newsroom.regency, frequency=Frequency.IMMEDIATE)
    assert again.sent == 0 and sum(received(smtp_server).values()) == len(people) * len(news)
    assert Delivery.objects.count() == len(people) * len(news)


def test_a_stop_right_after_the_hand_over_loses_rather_than_doubles(
    newsroom, smtp_server, monkeypatch
):
    """The one window left (between the hand-over commit and the final dot)."""
    people, news = setup_news(newsroom, subscribers=4, articles=2)
    real_hand_over = digest.hand_over
    state = {"n": 0}

    def hand_over_and_die(dispatch_id):
        ok = real_hand_over(dispatch_id)
        state["n"] += 1
        if state["n"] == 2:
            raise Stop
        return ok

    with monkeypatch.context() as m:
        m.setattr(digest, "hand_over", hand_over_and_die)
        with pytest.raises(Stop):
            services.send_digest(regency=newsroom.regency, frequency=Frequency.IMMEDIATE)
    services.send_digest(regency=newsroom.regency, frequency=Frequency.IMMEDIATE, now=after_lease())
    counts = received(smtp_server)
    assert max(counts.values()) == 1
    assert len(counts) == (len(people) - 1) * len(news)  # one email lost, none doubled
    lost = Dispatch.objects.get(status=DispatchStatus.HANDED_OVER)
    assert lost.article_count == len(news)  # the send log shows it as not confirmed


def test_claims_of_a_live_sender_are_left_alone_until_their_lease_ends(newsroom, smtp_server):
    people, news = setup_news(newsroom, subscribers=3, articles=1)
    other_host = "another-host:4242:abcd"
    run = SendRun.objects.create(
        regency=newsroom.regency, frequency=Frequency.IMMEDIATE, worker=other_host
    )
    busy = people[0]
    dispatch = Dispatch.objects.create(
        regency=newsroom.regency, subscriber=busy, run=run, kind="digest", worker=other_host
    )
    Delivery.objects.create(
        regency=newsroom.regency, subscriber=busy, article=news[0], dispatch=dispatch
    )
    first = services.send_digest(regency=newsroom.regency, frequency=Frequency.IMMEDIATE)
    assert first.sent == 2 and first.skipped == 1  # the busy one is left to its sender
    assert busy.email not in {rcpt for m in smtp_server.messages for rcpt in m["to"]}
    # The other host never finished: after its lease the article goes out, once.
    services.send_digest(regency=newsroom.regency, frequency=Frequency.IMMEDIATE, now=after_lease())
    assert Counter(received(smtp_server).values()) == Counter({1: 3})


def test_topics_languages_and_frequencies(newsroom, smtp_server, settings):
    settings.SITE_URL = "https://berita.example.org"
    r = newsroom.regency
    health = newsroom.cluster
    from tests import factories as f

    education = f.cluster(
        r, lead=newsroom.other_dinas, units=[newsroom.other_dinas], code="pendidikan"
    )
    health_fan = make_subscriber(r, email="sehat@example.org", topics=[health])
    teacher = make_subscriber(r, email="guru@example.org", topics=[education], language="en")
    everything = make_subscriber(r, email="semua@example.org", frequency=Frequency.DAILY)
    late = make_subscriber(
        r, email="baru@example.org", confirmed_at=timezone.now() + datetime.timedelta(seconds=1)
    )
    health_news = make_article(r, title_id="Kabar sehat", title_en="Health news", clusters=[health])
    general = make_article(r, title_id="Kabar umum", title_en="General news")
    services.send_digest(regency=r, frequency=Frequency.IMMEDIATE)
    got = received(smtp_server)
    site = settings.SITE_URL
    assert set(got) == {
        (health_fan.email, site + health_news.url_in("id")),
        (health_fan.email, site + general.url_in("id")),
        (teacher.email, site + general.url_in("en")),  # general news goes to every topic
    }
    [english] = smtp_server.to(teacher.email)
    assert english["Subject"] == "General news"
    assert late.email not in {rcpt for m in smtp_server.messages for rcpt in m["to"]}
    daily = services.send_digest(regency=r, frequency=Frequency.DAILY)
    [digest_mail] = smtp_server.to(everything.email)
    assert digest_mail["Subject"] == f"2 berita baru dari {r.name}"
    assert daily.sent == 1


def test_the_mail_server_saying_later_or_never(newsroom, smtp_server, monkeypatch, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    people, news = setup_news(newsroom, subscribers=3, articles=1)
    replies = {people[0].email: (451, b"try again later"), people[1].email: (550, b"no such user")}
    real_send = digest.SmtpTransport.send

    def send(self, message, hand_over):
        reply = replies.get(message.to[0])
        if reply is None:
            return real_send(self, message, hand_over)
        hand_over()
        kind = (
            digest.Outcome.REFUSED_TEMPORARY if reply[0] < 500 else digest.Outcome.REFUSED_PERMANENT
        )
        return kind, f"{reply[0]} {reply[1].decode()}"

    with monkeypatch.context() as m:
        m.setattr(digest.SmtpTransport, "send", send)
        run = services.send_digest(regency=newsroom.regency, frequency=Frequency.IMMEDIATE)
    assert (run.sent, run.failed, run.complete) == (1, 2, False)
    assert Dispatch.objects.filter(status=DispatchStatus.FAILED).count() == 2
    retry = services.send_digest(regency=newsroom.regency, frequency=Frequency.IMMEDIATE)
    assert retry.sent == 1  # "later" is tried again, "never" is not
    site = "http://127.0.0.1:8000"
    assert set(received(smtp_server)) == {
        (people[0].email, site + news[0].url_in(people[0].language)),
        (people[2].email, site + news[0].url_in(people[2].language)),
    }


def test_an_unreachable_mail_server_releases_every_claim(newsroom, settings):
    setup_news(newsroom, subscribers=5, articles=1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    run = services.send_digest(regency=newsroom.regency, frequency=Frequency.IMMEDIATE)
    assert run.sent == 0 and not run.complete
    assert not Delivery.objects.exists()  # nothing is considered sent
    assert not Dispatch.objects.filter(status=DispatchStatus.CLAIMED).exists()


@pytest.mark.django_db(transaction=True)  # the worker closes the connection between tasks
def test_publishing_and_the_schedule_send_through_the_task_queue(newsroom, smtp_server):
    """The real path: publishing enqueues the digest; the periodic jobs enqueue it too."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from superteam.core.scheduler import run_due

    def run_worker():
        call_command(
            "db_worker",
            "--batch",
            "--queue-name",
            "*",
            "--no-startup-delay",
            "--no-reload",
            verbosity=0,
        )

    reader = make_subscriber(newsroom.regency, email="antrian@example.org")
    daily = make_subscriber(newsroom.regency, email="harian@example.org", frequency=Frequency.DAILY)
    article = make_article(newsroom.regency, title_id="Lewat antrian", title_en="Through the queue")
    run_worker()
    [mail] = smtp_server.to(reader.email)
    assert mail["Subject"] == "Lewat antrian"
    assert smtp_server.to(daily.email) == []
    now = timezone.localtime().replace(hour=6, minute=30)
    ran = run_due(now=now)
    assert {"news.daily_digest", "news.immediate_digest"} <= set(ran)
    assert DBTaskResult.objects.filter(task_path__endswith="send_due_digests").exists()
    run_worker()
    [digest_mail] = smtp_server.to(daily.email)
    assert digest_mail["Subject"] == article.title_id
    assert len(smtp_server.to(reader.email)) == 1  # never twice

"""Benchmark of the public news portal and its email digest.

    .venv/bin/python bench/portal.py            # 10,000 articles, 10,000 subscribers
    .venv/bin/python bench/portal.py --quick    # 1,000 articles, 1,000 subscribers, short runs

1. Fills its own database (its own VAR_DIR; SQLite, or a fresh PostgreSQL database next to
   the one in DATABASE_URL) with a regency and N published bilingual articles.
2. Starts a real server (gunicorn, production settings) on a free port and measures, with
   16 concurrent keep-alive clients, requests per second of the server's /healthz (the
   baseline, in the same run), of the public home page (/id/ and /en/) and of article
   pages (random articles, both languages: mostly cache misses).
3. Sends the digest of new articles to N confirmed subscribers through a local aiosmtpd
   server (emails per second), then sends a second digest, kills the sender with SIGKILL
   half-way, restarts it, and counts that every subscriber got each article exactly once.

The last line: ``result: portal pages/healthz requests per second ratio R (goal 0.3) met``
(R is the lower of the home and article ratios).
"""

from __future__ import annotations

import argparse
import datetime
import email
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from email import policy
from http.client import HTTPConnection
from pathlib import Path

if __package__:  # imported as bench.portal (the smoke test)
    from bench.common import bench_database_url, free_port, say
else:  # run as a script: bench/ is on sys.path
    from common import bench_database_url, free_port, say

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOAL = 0.3
PYTHON = sys.executable

WORDS_ID = [
    "inovasi",
    "pelayanan",
    "warga",
    "desa",
    "puskesmas",
    "lansia",
    "kesehatan",
    "program",
    "target",
    "rakor",
    "klaster",
    "kecamatan",
    "dinas",
    "kunjungan",
    "rumah",
    "laporan",
    "harian",
    "bupati",
    "tim",
    "data",
    "digital",
    "anggaran",
    "sekolah",
    "petani",
    "nelayan",
    "pasar",
    "jalan",
    "air",
    "bersih",
    "posyandu",
    "bidan",
    "perawat",
    "kader",
    "pemantauan",
]
WORDS_EN = [
    "innovation",
    "service",
    "residents",
    "village",
    "health",
    "centre",
    "elderly",
    "health",
    "programme",
    "target",
    "meeting",
    "cluster",
    "district",
    "agency",
    "home",
    "visit",
    "report",
    "daily",
    "regent",
    "team",
    "data",
    "digital",
    "budget",
    "school",
    "farmers",
    "fishers",
    "market",
    "road",
    "clean",
    "water",
    "clinic",
    "midwife",
    "nurse",
    "volunteer",
    "monitoring",
]


# --- Environment --------------------------------------------------------------------------


def server_env(var_dir: Path, database_url: str, smtp_port: int, http_port: int) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "superteam.settings",
        "VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "HTTPS": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{http_port}",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "DEFAULT_FROM_EMAIL": "Berita <berita@example.org>",
        "LOG_LEVEL": "ERROR",
    }
    env.pop("PYTEST_VERSION", None)
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


# --- Data ---------------------------------------------------------------------------------


def text(rng: random.Random, words: list[str], n: int) -> str:
    return " ".join(rng.choice(words) for _ in range(n)).capitalize() + "."


def body(rng: random.Random, words: list[str]) -> str:
    paragraphs = [text(rng, words, rng.randint(40, 80)) for _ in range(rng.randint(3, 6))]
    paragraphs.insert(1, "## " + text(rng, words, 4)[:-1])
    paragraphs.append("- " + text(rng, words, 6) + "\n- " + text(rng, words, 6))
    return "\n\n".join(paragraphs)


def create_regency():
    """A small regency: root, clusters, kecamatan (what the portal's pages link to)."""
    from superteam.org.models import Cluster, Regency, Unit, UnitKind

    regency = Regency.objects.create(name="Kabupaten Bench", code="9999", slug="bench")
    root = Unit.objects.create(regency=regency, kind=UnitKind.KABUPATEN, code="ROOT", name="Pemkab")
    dinas = Unit.objects.create(
        regency=regency, parent=root, kind=UnitKind.DINAS, code="DINKES", name="Dinas Kesehatan"
    )
    for i, (code, name, name_en) in enumerate(
        [
            ("kesehatan", "Kesehatan", "Health"),
            ("pendidikan", "Pendidikan", "Education"),
            ("ekonomi", "Ekonomi", "Economy"),
            ("pemerintahan-desa", "Pemerintahan dan Desa", "Government and Villages"),
        ]
    ):
        cluster = Cluster.objects.create(
            regency=regency, code=code, name=name, name_en=name_en, lead_unit=dinas, sort_order=i
        )
        cluster.units.set([dinas])
    for name in ("Genteng", "Glagah", "Rogojampi", "Muncar", "Kalipuro"):
        Unit.objects.create(
            regency=regency,
            parent=root,
            kind=UnitKind.KECAMATAN,
            code=f"KEC-{name.upper()}",
            name=f"Kecamatan {name}",
            short_name=name,
        )
    return regency


def create_articles(regency, count: int, *, seed: int = 7, newest_days_ago: float = 10) -> list:
    """``count`` published bilingual articles, the newest ``newest_days_ago`` days old, in
    bulk (the editorial services write one at a time; the pages read them the same)."""
    from django.utils import timezone

    from superteam.core.progress import Progress
    from superteam.news import markup, services
    from superteam.news.models import Article, ArticleStatus
    from superteam.org.models import Cluster, Unit, UnitKind

    rng = random.Random(seed)
    clusters = list(Cluster.objects.filter(regency=regency))
    kecamatan = list(Unit.objects.filter(regency=regency, kind=UnitKind.KECAMATAN))
    author = Unit.objects.filter(regency=regency, kind=UnitKind.DINAS).first()
    now = timezone.now()
    slugs = []
    with Progress(count, "Articles", sys.stdout) as bar:
        for start in range(0, count, 500):
            batch = []
            for i in range(start, min(count, start + 500)):
                body_id, body_en = body(rng, WORDS_ID), body(rng, WORDS_EN)
                slug = f"berita-{i:05d}-{rng.choice(WORDS_ID)}"
                slugs.append(slug)
                batch.append(
                    Article(
                        regency=regency,
                        slug=slug,
                        title_id=text(rng, WORDS_ID, 7)[:-1],
                        title_en=text(rng, WORDS_EN, 7)[:-1],
                        summary_id=text(rng, WORDS_ID, 25),
                        summary_en=text(rng, WORDS_EN, 25),
                        body_id=body_id,
                        body_en=body_en,
                        body_html_id=markup.render(body_id),
                        body_html_en=markup.render(body_en),
                        author_unit=author,
                        status=ArticleStatus.PUBLISHED,
                        publish_at=now - datetime.timedelta(days=newest_days_ago, hours=i * 3),
                    )
                )
            created = Article.objects.bulk_create(batch)
            Article.clusters.through.objects.bulk_create(
                [
                    Article.clusters.through(article_id=a.pk, cluster_id=rng.choice(clusters).pk)
                    for a in created
                ]
            )
            Article.kecamatan.through.objects.bulk_create(
                [
                    Article.kecamatan.through(article_id=a.pk, unit_id=rng.choice(kecamatan).pk)
                    for a in created
                    if rng.random() < 0.4
                ]
            )
            bar.advance(len(created))
    services.refresh_portal(regency=regency)
    return slugs


def create_subscribers(regency, count: int, *, seed: int = 11) -> list[str]:
    """``count`` confirmed subscribers (both languages, both frequencies: immediate here)."""
    from django.utils import timezone

    from superteam.news.models import Frequency, Subscriber, SubscriberStatus

    rng = random.Random(seed)
    confirmed_at = timezone.now() - datetime.timedelta(days=1)
    emails = [f"pembaca{i:05d}@example.org" for i in range(count)]
    for start in range(0, count, 1000):
        Subscriber.objects.bulk_create(
            [
                Subscriber(
                    regency=regency,
                    email=address,
                    language="en" if rng.random() < 0.3 else "id",
                    frequency=Frequency.IMMEDIATE,
                    status=SubscriberStatus.CONFIRMED,
                    key=secrets.token_urlsafe(32),
                    confirmed_at=confirmed_at,
                )
                for address in emails[start : start + 1000]
            ]
        )
    return emails


def publish_new(regency, titles: list[str]) -> list:
    """Publish articles now through the real editorial services (draft → review → published)."""
    from superteam.news import services

    published = []
    for title in titles:
        article = services.save_article(
            regency=regency,
            editor=None,
            data={
                "title_id": title,
                "title_en": f"{title} (EN)",
                "summary_id": "Ringkasan.",
                "summary_en": "Summary.",
                "body_id": "Isi berita.",
                "body_en": "News text.",
            },
        )
        services.submit_for_review(article=article, editor=None)
        published.append(services.publish_article(article=article, reviewer=None))
    return published


# --- Load ---------------------------------------------------------------------------------


def measure(port: int, paths: list[str], *, clients: int, seconds: float) -> dict:
    """Requests per second with ``clients`` keep-alive clients, each path picked at random."""
    stop = time.monotonic() + seconds
    lock = threading.Lock()
    totals = {"ok": 0, "bad": 0, "latencies": []}

    def client(seed: int):
        rng = random.Random(seed)
        conn = HTTPConnection("127.0.0.1", port, timeout=30)
        ok = bad = 0
        latencies = []
        while time.monotonic() < stop:
            started = time.monotonic()
            try:
                conn.request("GET", rng.choice(paths))
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    ok += 1
                else:
                    bad += 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = HTTPConnection("127.0.0.1", port, timeout=30)
            except OSError:
                bad += 1
                conn.close()
                conn = HTTPConnection("127.0.0.1", port, timeout=30)
            latencies.append(time.monotonic() - started)
        conn.close()
        with lock:
            totals["ok"] += ok
            totals["bad"] += bad
            totals["latencies"] += latencies

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies = sorted(totals["latencies"]) or [0.0]
    return {
        "rps": totals["ok"] / elapsed,
        "ok": totals["ok"],
        "bad": totals["bad"],
        "p50": latencies[len(latencies) // 2] * 1000,
        "p95": latencies[int(len(latencies) * 0.95)] * 1000,
    }


def start_server(env: dict, port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(Path(PYTHON).with_name("gunicorn")),
            "superteam.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--keep-alive",
            "5",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("the server did not start")


# --- Mail ---------------------------------------------------------------------------------


class Inbox:
    """The local SMTP server's handler: which article each recipient got, and when."""

    LINK = re.compile(r"/(?:id|en)/news/([a-z0-9-]+)/")

    def __init__(self):
        self.received: list[tuple[str, tuple[str, ...], float]] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        text = message.get_body(("plain",)).get_content()
        slugs = tuple(sorted(set(self.LINK.findall(text))))
        for rcpt in envelope.rcpt_tos:
            self.received.append((rcpt, slugs, time.monotonic()))
        return "250 OK"

    def count(self) -> int:
        return len(self.received)


def digest_rate(inbox: Inbox, env: dict, *, expected: int) -> tuple[float, float]:
    """Run the sender to the end; emails per second between the first and last email."""
    before = inbox.count()
    started = time.monotonic()
    manage(env, "send_news_digest", "--frequency", "immediate")
    elapsed = time.monotonic() - started
    times = [t for _r, _s, t in inbox.received[before:]]
    sent = len(times)
    if sent != expected:
        say(f"  warning: {sent} emails arrived, {expected} expected")
    span = (max(times) - min(times)) if sent > 1 else elapsed
    return sent / max(span, 1e-6), elapsed


def kill_and_restart(inbox: Inbox, env: dict, *, expected: int) -> dict:
    """Start the sender, SIGKILL it half-way, start it again; count deliveries per article."""
    before = inbox.count()
    process = subprocess.Popen(
        [PYTHON, "manage.py", "send_news_digest", "--frequency", "immediate"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 600
    while inbox.count() - before < expected // 2 and process.poll() is None:
        if time.monotonic() > deadline:
            break
        time.sleep(0.02)
    killed_at = inbox.count() - before
    process.send_signal(signal.SIGKILL)
    process.wait()
    say(f"  sender killed after {killed_at} emails; starting it again")
    manage(env, "send_news_digest", "--frequency", "immediate")
    return {"killed_at": killed_at, "received": inbox.received[before:]}


# --- Main ---------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1,000 articles and subscribers")
    parser.add_argument("--articles", type=int)
    parser.add_argument("--subscribers", type=int)
    parser.add_argument("--seconds", type=float, help="length of each load measurement")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--keep", action="store_true", help="keep the bench VAR_DIR")
    args = parser.parse_args(argv)
    articles = args.articles or (1000 if args.quick else 10_000)
    subscribers = args.subscribers or (1000 if args.quick else 10_000)
    seconds = args.seconds or (4.0 if args.quick else 15.0)

    var_dir = Path(tempfile.mkdtemp(prefix="st-bench-portal-"))
    database_url, drop_database = bench_database_url(var_dir, "portal")
    smtp_port, http_port = free_port(), free_port()
    env = server_env(var_dir, database_url, smtp_port, http_port)
    os.environ.update({k: v for k, v in env.items() if k != "DJANGO_SETTINGS_MODULE"})
    os.environ["DJANGO_SETTINGS_MODULE"] = "superteam.settings"
    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    cache = "Redis cache (REDIS_URL)" if env.get("REDIS_URL") else "in-process cache per worker"
    say(
        f"Portal benchmark: {articles} articles, {subscribers} subscribers, {engine}, {cache},"
        f" {var_dir}"
    )
    server = None
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    try:
        say("Migrating and collecting static files…")
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "collectstatic", "--no-input", "-v0")
        import django

        django.setup()
        regency = create_regency()
        slugs = create_articles(regency, articles)
        say(f"Starting gunicorn ({args.workers} workers × 4 threads) on port {http_port}…")
        server = start_server(env, http_port, args.workers)
        home = ["/id/", "/en/"]
        # News traffic is skewed: most readers open the latest stories. Article requests
        # go 80 % to the 100 newest articles, 20 % to any of all N (mostly not cached);
        # the uniform case (every article equally likely) is measured as well.
        newest = [f"/{lang}/news/{slug}/" for slug in slugs[:100] for lang in ("id", "en")]
        every = [f"/{lang}/news/{slug}/" for slug in slugs for lang in ("id", "en")]
        rng = random.Random(5)
        skewed = [
            rng.choice(newest) if rng.random() < 0.8 else rng.choice(every) for _ in range(20000)
        ]
        # Steady state of a running portal: the front page and the latest stories have
        # been read before (each gunicorn worker keeps its own cache unless REDIS_URL).
        for _ in range(3):
            measure(http_port, home * 20 + newest, clients=8, seconds=2.0 if args.quick else 5.0)
        results = {}
        for name, paths in (
            ("healthz", ["/healthz"]),
            ("home", home),
            ("article", skewed),
            ("article_uniform", every),
        ):
            say(f"Measuring {name} with {args.clients} clients for {seconds:.0f} s…")
            results[name] = measure(http_port, paths, clients=args.clients, seconds=seconds)
            r = results[name]
            say(
                f"  {name}: {r['rps']:.1f} req/s (p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms,"
                f" {r['bad']} errors)"
            )
        server.terminate()
        server.wait(timeout=30)
        server = None
        ratio_home = results["home"]["rps"] / results["healthz"]["rps"]
        ratio_article = results["article"]["rps"] / results["healthz"]["rps"]
        ratio_uniform = results["article_uniform"]["rps"] / results["healthz"]["rps"]
        say(
            f"  home/healthz {ratio_home:.2f}, article/healthz {ratio_article:.2f}"
            f" (uniform over all articles: {ratio_uniform:.2f}, not part of the goal)"
        )
        errors = sum(r["bad"] for r in results.values())

        say(f"Digest to {subscribers} subscribers through aiosmtpd on port {smtp_port}…")
        emails = create_subscribers(regency, subscribers)
        publish_new(regency, ["Berita baru pertama", "Berita baru kedua", "Berita baru ketiga"])
        rate, elapsed = digest_rate(inbox, env, expected=subscribers)
        say(f"  {rate:.0f} emails/s ({subscribers} emails, sender ran {elapsed:.1f} s)")

        new = publish_new(regency, ["Berita sesudah", "Berita terakhir"])
        outcome = kill_and_restart(inbox, env, expected=subscribers)
        per_article = Counter()
        for rcpt, got, _t in outcome["received"]:
            for slug in got:
                per_article[(rcpt, slug)] += 1
        wanted = {(address, a.slug) for address in emails for a in new}
        duplicates = sum(1 for key in wanted if per_article[key] > 1)
        missing = sum(1 for key in wanted if per_article[key] == 0)
        say(
            f"  after kill -9 and restart: {len(wanted)} (subscriber, article) pairs,"
            f" {duplicates} duplicated, {missing} missing"
        )
        from superteam.news.models import Dispatch

        unconfirmed = Dispatch.objects.filter(status="handed_over").count()
        if unconfirmed:
            say(
                f"  ({unconfirmed} email(s) handed over but not yet recorded as confirmed"
                " when the sender was killed: never sent again)"
            )
    finally:
        if server is not None:
            server.kill()
        smtp.stop()
        from django.db import connections

        connections.close_all()
        drop_database()
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)
    ratio = min(ratio_home, ratio_article)
    exact = duplicates == 0 and missing <= unconfirmed
    met = ratio >= GOAL and errors == 0 and exact
    say(
        f"digest: {rate:.0f} emails/s for {subscribers} subscribers; exactly once after kill:"
        f" {'yes' if exact else 'NO'}"
    )
    say(
        f"result: portal pages/healthz requests per second ratio {ratio:.2f} (goal {GOAL})"
        f" {'met' if met else 'not met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

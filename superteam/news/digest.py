"""The digest sender: new articles to confirmed subscribers, each article at most once per
subscriber, even when the sender is stopped half-way and started again.

How it holds (each step is its own committed transaction):

1. **Claim.** For a chunk of subscribers, one ``Dispatch`` (the email) and one
   ``Delivery`` per article are written *before* anything is sent. ``Delivery`` is unique
   per (subscriber, article), so no two runs can ever claim the same article for the same
   person; claims are made under the regency's ``PortalState`` row lock.
2. **Send, committing before the final dot.** The message goes to the SMTP server up to,
   but not including, the "end of data" line. Then the claim is marked ``handed_over``
   (only if it is still ours) and committed, and only then the final ``.`` is sent.
   An SMTP server discards a message whose end-of-data never arrived, so a sender that
   dies before that commit has delivered nothing.
3. **Restart.** A claim still ``claimed`` whose sender is gone (its process no longer runs
   on this host, or its lease ran out) is ``released``: its deliveries are deleted and the
   next run sends those articles again. A ``handed_over`` claim is never sent again.

The one window left is between step 2's commit and the final dot (microseconds): a crash
there loses that email rather than doubling it; the send log shows it as handed over but
not confirmed by the server. With a backend other than SMTP (console, files, tests) the
claim is marked handed over and then sent: at most once as well.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import re
import secrets
import smtplib
import socket
from collections import defaultdict
from collections.abc import Callable
from enum import Enum

from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.core.mail.message import sanitize_address
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from superteam.ledger.services import record
from superteam.news.mail import digest_items, digest_message
from superteam.news.models import (
    Article,
    Delivery,
    Dispatch,
    DispatchKind,
    DispatchStatus,
    PortalState,
    SendRun,
    Subscriber,
    SubscriberStatus,
)

LEASE = datetime.timedelta(minutes=15)  # a claim older than this is someone's dead run
SAFETY_MARGIN = datetime.timedelta(minutes=5)  # publications still committing are rechecked
WINDOW = datetime.timedelta(days=7)  # never send news older than this
MAX_ARTICLES = 50  # per run; the rest follows in the next run
MAX_CONNECTION_ERRORS = 3

_ACTIVE_WORKERS: set[str] = set()  # runs in progress in this process
_HOST = socket.gethostname()


class Outcome(Enum):
    SENT = "sent"  # the server accepted the message
    UNCONFIRMED = "unconfirmed"  # handed over, the server's answer never came
    REFUSED_TEMPORARY = "temporary"  # 4xx: try again in a later run
    REFUSED_PERMANENT = "permanent"  # 5xx: do not try again
    LOST_CLAIM = "lost_claim"  # another run took the claim over: not sent


class MailServerUnavailable(Exception):
    """The mail server could not be reached or dropped the connection before hand-over."""


def new_worker_id() -> str:
    return f"{_HOST}:{os.getpid()}:{secrets.token_hex(4)}"


def worker_alive(worker: str) -> bool | None:
    """Whether the run that made a claim is still going (None: it ran on another host)."""
    host, _sep, rest = worker.partition(":")
    pid_text = rest.partition(":")[0]
    if host != _HOST or not pid_text.isdigit():
        return None
    pid = int(pid_text)
    if pid == os.getpid():
        return worker in _ACTIVE_WORKERS
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- Transports ------------------------------------------------------------------------


_DOTS = re.compile(rb"(?m)^\.")


class SmtpTransport:
    """Speaks SMTP through Django's SMTP backend, committing before the final dot."""

    def __init__(self, backend: SmtpBackend):
        self.backend = backend

    def _smtp(self) -> smtplib.SMTP:
        if self.backend.connection is None:
            self.backend.open()
            # The end-of-data line goes out in its own small write after the commit: without
            # TCP_NODELAY it would wait for the server's delayed ACK (~40 ms per email).
            sock = getattr(self.backend.connection, "sock", None)
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self.backend.connection

    def send(self, message, hand_over: Callable[[], bool]) -> tuple[Outcome, str]:
        encoding = message.encoding or "utf-8"
        sender = sanitize_address(message.from_email, encoding)
        recipients = [sanitize_address(a, encoding) for a in message.recipients()]
        data = message.message().as_bytes(linesep="\r\n")
        try:
            smtp = self._smtp()
            smtp.ehlo_or_helo_if_needed()
            code, reply = smtp.mail(sender)
            if code != 250:
                return self._refused(smtp, code, reply)
            for recipient in recipients:
                code, reply = smtp.rcpt(recipient)
                if code not in (250, 251):
                    return self._refused(smtp, code, reply)
            code, reply = smtp.docmd("DATA")
            if code != 354:
                return self._refused(smtp, code, reply)
            body = _DOTS.sub(b"..", data)
            if not body.endswith(b"\r\n"):
                body += b"\r\n"
            smtp.send(body)
        except (smtplib.SMTPException, OSError) as exc:
            self.abort()
            raise MailServerUnavailable(str(exc)) from exc
        except BaseException:
            self.abort()  # a stop half-way: the server must never see the end of data
            raise
        # The point of no return is the end-of-data line: commit the hand-over first.
        try:
            still_ours = hand_over()
        except BaseException:
            self.abort()
            raise
        if not still_ours:
            self.abort()
            return Outcome.LOST_CLAIM, "claim taken over by another run"
        try:
            smtp.send(b".\r\n")
            code, reply = smtp.getreply()
        except (smtplib.SMTPException, OSError) as exc:
            self.abort()
            return Outcome.UNCONFIRMED, str(exc)[:300]
        if code == 250:
            return Outcome.SENT, ""
        kind = Outcome.REFUSED_TEMPORARY if 400 <= code < 500 else Outcome.REFUSED_PERMANENT
        return kind, f"{code} {reply.decode(errors='replace')}"[:300]

    def _refused(self, smtp, code: int, reply: bytes) -> tuple[Outcome, str]:
        try:
            smtp.rset()
        except (smtplib.SMTPException, OSError):
            self.abort()
        kind = Outcome.REFUSED_TEMPORARY if 400 <= code < 500 else Outcome.REFUSED_PERMANENT
        return kind, f"{code} {reply.decode(errors='replace')}"[:300]

    def abort(self) -> None:
        """Drop the connection without QUIT (QUIT inside DATA would become message text)."""
        smtp = self.backend.connection
        self.backend.connection = None
        if smtp is not None:
            with contextlib.suppress(OSError):
                smtp.close()

    def close(self) -> None:
        if self.backend.connection is not None:
            self.backend.close()


class SimpleTransport:
    """Any other email backend: the hand-over is committed, then the message is sent."""

    def __init__(self, backend):
        self.backend = backend

    def send(self, message, hand_over: Callable[[], bool]) -> tuple[Outcome, str]:
        if not hand_over():
            return Outcome.LOST_CLAIM, "claim taken over by another run"
        try:
            self.backend.send_messages([message])
        except (smtplib.SMTPException, OSError) as exc:
            return Outcome.UNCONFIRMED, str(exc)[:300]
        return Outcome.SENT, ""

    def abort(self) -> None:
        pass

    def close(self) -> None:
        self.backend.close()


def transport_for(connection=None):
    backend = connection or get_connection(fail_silently=False)
    if isinstance(backend, SmtpBackend):
        return SmtpTransport(backend)
    return SimpleTransport(backend)


# --- Claims ----------------------------------------------------------------------------


def release_stale_claims(*, regency, now: datetime.datetime) -> int:
    """Release digest claims of runs that stopped before handing their email over."""
    claims = Dispatch.objects.filter(
        regency=regency, kind=DispatchKind.DIGEST, status=DispatchStatus.CLAIMED
    )
    workers = set(claims.values_list("worker", flat=True).distinct())
    dead = [w for w in workers if worker_alive(w) is False]
    stale = claims.filter(Q(worker__in=dead) | Q(claimed_at__lt=now - LEASE))
    with transaction.atomic():
        ids = list(stale.select_for_update().values_list("pk", flat=True))
        if not ids:
            return 0
        Delivery.objects.filter(dispatch_id__in=ids).delete()
        return Dispatch.objects.filter(pk__in=ids, status=DispatchStatus.CLAIMED).update(
            status=DispatchStatus.RELEASED, error="sender stopped before the hand-over"
        )


def _matches(topics: set[int], clusters: set[int]) -> bool:
    """No topics chosen: everything. An article in no cluster is general news: everyone."""
    return not topics or not clusters or bool(topics & clusters)


def _claim(*, regency, chunk, candidates, clusters_of, run, worker, now):
    """Claim this chunk's emails; returns [(dispatch, subscriber, articles)] and skips."""
    sub_ids = [s.pk for s in chunk]
    art_ids = [a.pk for a in candidates]
    with transaction.atomic():
        PortalState.objects.get_or_create(regency_id=regency.pk)
        PortalState.objects.select_for_update().get(regency_id=regency.pk)
        live = set(
            Subscriber.objects.filter(
                pk__in=sub_ids, status=SubscriberStatus.CONFIRMED
            ).values_list("pk", flat=True)
        )
        busy = set(
            Dispatch.objects.filter(
                subscriber_id__in=sub_ids,
                kind=DispatchKind.DIGEST,
                status=DispatchStatus.CLAIMED,
            ).values_list("subscriber_id", flat=True)
        )
        done = set(
            Delivery.objects.filter(subscriber_id__in=sub_ids, article_id__in=art_ids).values_list(
                "subscriber_id", "article_id"
            )
        )
        topics: dict[int, set[int]] = defaultdict(set)
        for sid, cid in Subscriber.topics.through.objects.filter(
            subscriber_id__in=sub_ids
        ).values_list("subscriber_id", "cluster_id"):
            topics[sid].add(cid)
        plan, skipped = [], 0
        for subscriber in chunk:
            if subscriber.pk not in live:
                continue
            if subscriber.pk in busy:
                skipped += 1  # another run is sending to this address right now
                continue
            articles = [
                a
                for a in candidates
                if a.publish_at >= subscriber.confirmed_at
                and (subscriber.pk, a.pk) not in done
                and _matches(topics[subscriber.pk], clusters_of[a.pk])
            ]
            if articles:
                plan.append((subscriber, articles))
        dispatches = Dispatch.objects.bulk_create(
            [
                Dispatch(
                    regency=regency,
                    subscriber=s,
                    run=run,
                    kind=DispatchKind.DIGEST,
                    worker=worker,
                    claimed_at=now,
                    article_count=len(arts),
                )
                for s, arts in plan
            ]
        )
        Delivery.objects.bulk_create(
            [
                Delivery(regency=regency, subscriber=s, article=a, dispatch=d)
                for d, (s, arts) in zip(dispatches, plan, strict=True)
                for a in arts
            ]
        )
    return [(d, s, arts) for d, (s, arts) in zip(dispatches, plan, strict=True)], skipped


def hand_over(dispatch_id: int) -> bool:
    """Commit that this email is going out now, if the claim is still ours."""
    with transaction.atomic():
        return (
            Dispatch.objects.filter(pk=dispatch_id, status=DispatchStatus.CLAIMED).update(
                status=DispatchStatus.HANDED_OVER, sent_at=timezone.now()
            )
            == 1
        )


def _settle(results: dict[Outcome, list[tuple[int, str]]]) -> None:
    """Record the server's answers of a chunk in a few statements."""
    with transaction.atomic():
        sent = [pk for pk, _e in results.get(Outcome.SENT, [])]
        if sent:
            Dispatch.objects.filter(pk__in=sent).update(status=DispatchStatus.SENT)
        for outcome in (
            Outcome.REFUSED_TEMPORARY,
            Outcome.REFUSED_PERMANENT,
            Outcome.UNCONFIRMED,
        ):
            for pk, error in results.get(outcome, []):
                Dispatch.objects.filter(pk=pk).update(
                    status=DispatchStatus.FAILED
                    if outcome != Outcome.UNCONFIRMED
                    else DispatchStatus.HANDED_OVER,
                    error=error,
                )
        temporary = [pk for pk, _e in results.get(Outcome.REFUSED_TEMPORARY, [])]
        if temporary:  # the server said "later": these articles go out in the next run
            Delivery.objects.filter(dispatch_id__in=temporary).delete()


def _release(dispatch_ids: list[int], reason: str) -> None:
    with transaction.atomic():
        Delivery.objects.filter(dispatch_id__in=dispatch_ids).delete()
        Dispatch.objects.filter(pk__in=dispatch_ids, status=DispatchStatus.CLAIMED).update(
            status=DispatchStatus.RELEASED, error=reason[:300]
        )


# --- The run ---------------------------------------------------------------------------


def run_digest(
    *,
    regency,
    frequency: str,
    now: datetime.datetime | None = None,
    chunk_size: int = 200,
    connection=None,
    progress: Callable[[int], None] | None = None,
) -> SendRun:
    """One digest run for one regency and one frequency (see the module docstring)."""
    now = now or timezone.now()
    worker = new_worker_id()
    _ACTIVE_WORKERS.add(worker)
    transport = transport_for(connection)
    try:
        return _run(regency, frequency, now, worker, transport, chunk_size, progress)
    finally:
        _ACTIVE_WORKERS.discard(worker)
        transport.close()


def _candidates(regency, frequency, now):
    last = (
        SendRun.objects.filter(regency=regency, frequency=frequency, complete=True)
        .exclude(covered_until=None)
        .order_by("-covered_until")
        .values_list("covered_until", flat=True)
        .first()
    )
    since = max(last, now - WINDOW) if last else now - WINDOW
    articles = list(
        Article.objects.public(now)
        .filter(regency=regency, publish_at__gt=since)
        .order_by("publish_at", "pk")[: MAX_ARTICLES + 1]
    )
    capped = len(articles) > MAX_ARTICLES
    return articles[:MAX_ARTICLES], capped


def _send_chunk(
    claimed,
    candidates,
    items_by_language,
    regency,
    run,
    transport,
    results,
    errors_in_a_row,
    progress,
) -> tuple[bool, int]:
    """Send a chunk's claimed emails; returns (stopped, connection errors in a row)."""
    for index, (dispatch, subscriber, articles) in enumerate(claimed):
        if subscriber.language not in items_by_language:
            items = digest_items(candidates, subscriber.language)
            items_by_language[subscriber.language] = {
                a.pk: item for a, item in zip(candidates, items, strict=True)
            }
        by_article = items_by_language[subscriber.language]
        message = digest_message(
            subscriber=subscriber,
            dispatch=dispatch,
            regency=regency,
            items=[by_article[a.pk] for a in articles],
        )
        try:
            outcome, error = transport.send(message, lambda d=dispatch.pk: hand_over(d))
        except MailServerUnavailable as exc:
            errors_in_a_row += 1
            _release([dispatch.pk], str(exc))
            run.failed += 1
            if errors_in_a_row >= MAX_CONNECTION_ERRORS:
                rest = [d.pk for d, _s, _a in claimed[index + 1 :]]
                _release(rest, "mail server unavailable")
                run.skipped += len(rest)
                return True, errors_in_a_row
            continue
        errors_in_a_row = 0
        results[outcome].append((dispatch.pk, error))
        if outcome == Outcome.SENT:
            run.sent += 1
        elif outcome != Outcome.LOST_CLAIM:
            run.failed += 1
        if progress:
            progress(1)
    return False, errors_in_a_row


def _run(regency, frequency, now, worker, transport, chunk_size, progress) -> SendRun:
    release_stale_claims(regency=regency, now=now)
    candidates, capped = _candidates(regency, frequency, now)
    covered = candidates[-1].publish_at if capped else now - SAFETY_MARGIN
    run = SendRun.objects.create(
        regency=regency,
        frequency=frequency,
        worker=worker,
        started_at=now,
        covered_until=covered,
        articles=len(candidates),
    )
    if not candidates:
        run.complete, run.finished_at = True, timezone.now()
        run.save(update_fields=["complete", "finished_at"])
        return run
    clusters_of: dict[int, set[int]] = defaultdict(set)
    for aid, cid in Article.clusters.through.objects.filter(
        article_id__in=[a.pk for a in candidates]
    ).values_list("article_id", "cluster_id"):
        clusters_of[aid].add(cid)
    items_by_language: dict[str, dict[int, object]] = {}
    subscribers = (
        Subscriber.objects.filter(
            regency=regency,
            status=SubscriberStatus.CONFIRMED,
            frequency=frequency,
            confirmed_at__lte=candidates[-1].publish_at,
        )
        .only("id", "email", "language", "key", "confirmed_at", "regency_id")
        .order_by("pk")
    )
    last_pk, errors_in_a_row, stopped = 0, 0, False
    while not stopped:
        chunk = list(subscribers.filter(pk__gt=last_pk)[:chunk_size])
        if not chunk:
            break
        last_pk = chunk[-1].pk
        claimed, skipped = _claim(
            regency=regency,
            chunk=chunk,
            candidates=candidates,
            clusters_of=clusters_of,
            run=run,
            worker=worker,
            now=now,
        )
        run.skipped += skipped
        results: dict[Outcome, list[tuple[int, str]]] = defaultdict(list)
        try:
            stopped, errors_in_a_row = _send_chunk(
                claimed,
                candidates,
                items_by_language,
                regency,
                run,
                transport,
                results,
                errors_in_a_row,
                progress,
            )
        finally:
            # Also when stopped half-way (SIGTERM): record what the server already answered.
            _settle(results)
        if results.get(Outcome.REFUSED_TEMPORARY):
            run.skipped += len(results[Outcome.REFUSED_TEMPORARY])
        run.save(update_fields=["sent", "failed", "skipped"])
    run.complete = not stopped and run.skipped == 0
    run.finished_at = timezone.now()
    run.save(update_fields=["complete", "finished_at", "sent", "failed", "skipped"])
    if run.sent or run.failed:
        with transaction.atomic():
            record(
                regency=regency,
                kind="news.digest_sent",
                subject=run,
                payload={
                    "frequency": frequency,
                    "articles": [a.pk for a in candidates],
                    "sent": run.sent,
                    "failed": run.failed,
                    "complete": run.complete,
                },
            )
    return run

"""Background work of the meetings app: solving a rakor's schedule, emailing invitations."""

from django_tasks import task


@task(queue_name="default")
def solve_rakor(run_id: int) -> str:
    """Run the scheduler for a queued run (the page polls its progress)."""
    from superteam.meetings.services import run_schedule

    return run_schedule(run_id=run_id).status


@task(queue_name="mail")
def email_invitations(ids: list[int]) -> int:
    """Email stored invitations, updates and cancellations with their ICS files."""
    from superteam.meetings.invitations import email_invitations as send

    return send(ids)

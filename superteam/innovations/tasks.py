"""Background work of the innovations app (django-tasks; the worker is ``manage.py db_worker``)."""

from django_tasks import task


@task(queue_name="mail")
def send_notice_email(notice_id: int) -> bool:
    """Mail one notice in its recipient's language."""
    from superteam.innovations.models import Notice
    from superteam.innovations.notifications import send_notice_email_now

    notice = Notice.objects.select_related("person").filter(pk=notice_id).first()
    if notice is None:
        return False
    return send_notice_email_now(notice)

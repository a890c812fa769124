"""The job worker's part: run deliveries as soon as a notice is queued, and every minute for retries and climbs."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from gongjian.messaging import services


@db_task()
def deliver_now():
    return services.deliver_pending()


def deliver_soon() -> None:
    deliver_now()


@db_periodic_task(crontab(minute="*"))
def deliver_and_climb():
    services.escalate_unsigned()
    return services.deliver_pending()

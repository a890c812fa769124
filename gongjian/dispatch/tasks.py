"""The job runner's schedule (huey). `gongjian worker` runs these; each job is also a command."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongjian import clock
from gongjian.dispatch import jobs


@db_periodic_task(crontab(minute="10", hour="0"))
def open_periods_daily():
    jobs.open_periods(on=clock.today())


@db_periodic_task(crontab(minute="30", hour="8"))
def remind_daily():
    jobs.remind(on=clock.today())

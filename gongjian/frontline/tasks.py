"""The job runner's schedule (huey) for frontline; each job is also a command."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongjian import clock
from gongjian.frontline.routing_store import routing_train
from gongjian.frontline.sla_run import ticket_sla_run


@db_periodic_task(crontab(minute="20", hour="1"))
def ticket_sla_daily():
    ticket_sla_run(clock.today())


@db_periodic_task(crontab(minute="40", hour="2", day_of_week="1"))
def routing_train_weekly():
    routing_train(actor=None)

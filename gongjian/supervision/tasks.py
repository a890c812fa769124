from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from gongjian import clock
from gongjian.supervision.run import supervise


@db_periodic_task(crontab(minute="0", hour="1"))
def supervise_daily():
    supervise(on=clock.today())

"""Org's queued jobs: outgoing messages, sent by the job worker after the transaction that queued them commits."""

from huey.contrib.djhuey import db_task

from gongjian.org import notify


@db_task()
def deliver_message(message: dict) -> bool:
    return notify.deliver(message)

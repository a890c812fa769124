"""掌上督办 in the demo: people get their 政务微信 ids and duties before the supervision history runs (so its notices
reach them), then February and March are replayed: most notices are signed with one tap within hours, some are
answered, the rest climb to the unit head and the 分管 leader; the delivery log shows it all."""

from collections import Counter
from datetime import datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone

from gongjian.campaigns.models import Task
from gongjian.messaging import services as messaging
from gongjian.messaging.models import Channel, Delivery, Thread
from gongjian.org.models import Person, Role, UnitDuty
from gongjian.supervision import services as supervision
from gongjian.supervision.messages import KEY_PREFIX
from gongjian.supervision.models import Notice
from gongjian.workdays import days

PRINCIPALS = ("secretary", "mayor")
REPLIES = ["已签收，正组织专人补报进展，本周内完成。", "已召开专题会研究，明确责任人和时限，按期整改到位。",
           "情况属实，已倒排工期，下月调度时报送整改结果。"]
# 政务微信 knows nobody by this id: its messages fail and fall back to SMS, as a wrong id would in practice.
STALE_ID = "fgj_editor"


def people() -> int:
    """Duties, 政务微信 ids and 分管 for the demo's people (only where nobody has set them)."""
    changed = 0
    for person in Person.objects.select_related("user").filter(user__role_grants__role=Role.UNIT_EDITOR):
        if not person.unit_duty:
            person.unit_duty = UnitDuty.LIAISON
        person.wecom_userid = person.wecom_userid or person.user.username
        person.phone = person.phone or f"1380532{person.pk:04d}"[:11]
        person.save(update_fields=["unit_duty", "wecom_userid", "phone"])
        changed += 1
    head = Person.objects.filter(user__username="jiangshan_viewer").first()
    if head is not None and not head.unit_duty:
        head.unit_duty, head.wecom_userid = UnitDuty.HEAD, head.wecom_userid or "jiangshan_viewer"
        head.save(update_fields=["unit_duty", "wecom_userid"])
    for person in Person.objects.filter(is_city_leader=True).select_related("user"):
        person.wecom_userid = person.wecom_userid or person.user.username
        person.is_principal_leader = person.is_principal_leader or person.user.username in PRINCIPALS
        person.save(update_fields=["wecom_userid", "is_principal_leader"])
    return changed


def oversight() -> None:
    """分管: each unit is overseen by the city leader who leads most of its tasks (where nobody was named)."""
    counts = Counter()
    for unit_id, leader_id, n in (Task.objects.exclude(lead_leader=None).exclude(lead_unit=None)
                                  .values_list("lead_unit_id", "lead_leader_id").annotate(n=Count("id"))):
        counts[(unit_id, leader_id)] += n
    best: dict[int, tuple[int, int]] = {}
    for (unit_id, leader_id), n in sorted(counts.items()):
        if n > best.get(unit_id, (0, 0))[0]:
            best[unit_id] = (n, leader_id)
    overseen = set(Person.oversees.through.objects.values_list("unit_id", flat=True))
    for unit_id, (_, leader_id) in best.items():
        if unit_id not in overseen:
            Person.objects.get(pk=leader_id).oversees.add(unit_id)


def _at(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _deliver_as_sent() -> None:
    """What the job worker did with the demo's messages: 政务微信 took them within a minute (one stale id failed
    and SMS went instead); the inbox copies were never needed, so the log shows the phones."""
    for delivery in Delivery.objects.filter(state=Delivery.State.PENDING).select_related("person__user", "thread"):
        sent_at = delivery.created_at + timedelta(minutes=1)
        if delivery.person is None:  # a group robot or a citizen's phone
            delivery.state, delivery.attempts, delivery.sent_at = Delivery.State.SENT, 1, sent_at
            delivery.save()
            continue
        if delivery.person.user.username == STALE_ID:
            delivery.state, delivery.channel, delivery.attempts = Delivery.State.FAILED, Channel.WECOM, 1
            delivery.last_error = "81013 user & party & tag all invalid"
            delivery.key = f"{delivery.thread.notice_key}:{delivery.person_id}:{Channel.WECOM}"
            delivery.save()
            Delivery.objects.get_or_create(
                key=f"{delivery.thread.notice_key}:{delivery.person_id}:{Channel.SMS}",
                defaults={"thread": delivery.thread, "person": delivery.person, "channel": Channel.SMS,
                          "step": delivery.step, "created_at": sent_at, "state": Delivery.State.SENT,
                          "attempts": 1, "sent_at": sent_at + timedelta(seconds=20)})
            continue
        delivery.channel = Channel.WECOM
        delivery.key = f"{delivery.thread.notice_key}:{delivery.person_id}:{Channel.WECOM}"
        delivery.state, delivery.attempts, delivery.sent_at = Delivery.State.SENT, 1, sent_at
        delivery.provider_id = f"demo{delivery.pk}"
        delivery.save()


def load(office, today) -> dict:
    """Replay the working days up to `today`: in the morning's notices, two in three are signed within hours from
    the phone and one in three of those answered; the rest climb at each window's end."""
    threads = Thread.objects.filter(notice_key__startswith=KEY_PREFIX)
    day = threads.order_by("created_at").values_list("created_at", flat=True).first()
    if day is None:
        return {"threads": 0}
    day = timezone.localtime(day).date()
    while day <= today:
        if days.is_workday(day):
            for thread in threads.filter(signed_at=None, created_at__date=day).order_by("id"):
                signs_at = _at(day, 10, 10 + thread.pk % 50)
                if thread.pk % 3 and signs_at > thread.created_at:
                    first = thread.deliveries.order_by("id").first()
                    messaging.mark_read(delivery=first, now=_at(day, 10, 5 + thread.pk % 50))
                    messaging.sign_by_link(token=messaging.sign_token(first), now=signs_at)
            messaging.escalate_unsigned(now=_at(day, 17, 30))
        day += timedelta(days=1)
    _deliver_as_sent()
    for notice in Notice.objects.filter(state=Notice.State.ACKNOWLEDGED).order_by("id"):
        if notice.pk % 3 == 1:
            person = Thread.objects.get(notice_key=f"{KEY_PREFIX}{notice.pk}").signed_by
            supervision.notice_reply(actor=person.user if person else office, notice=notice,
                                     reply=REPLIES[notice.pk % len(REPLIES)])
    return {"threads": threads.count(), "signed": threads.exclude(signed_at=None).count(),
            "escalated": threads.filter(step__gt=0).count(), "deliveries": Delivery.objects.count()}

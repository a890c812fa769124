"""Writes of messaging: queue a notice's messages, sign for it through a link, climb when nobody signs, and run the
pending deliveries. Sending happens outside any transaction; every state change is a compare-and-set on the
delivery row, so two workers, a retry or a restarted worker never send one delivery twice."""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q

from gongjian import clock
from gongjian.audit.services import record, record_many
from gongjian.bulk import existing_values, insert_objects
from gongjian.errors import UserError
from gongjian.messaging import registry
from gongjian.messaging.channels import CHANNELS, Message, Permanent, Retry, channels_for
from gongjian.messaging.hours import add_working_hours
from gongjian.messaging.models import Channel, Delivery, RobotHook, Thread
from gongjian.org.models import Person, Unit
from gongjian.org.notify import queue_message
from gongjian.org.selectors import notice_chain, notice_chains
from gongjian.types import User

log = logging.getLogger("gongjian.messaging")
SALT = "gongjian.messaging.sign"
CHANNEL_LABELS = dict(Channel.choices)
STEP_NAMES = ("联络员", "单位负责人", "分管领导", "主要领导")
# A remote send whose result was never recorded is repeated only where the provider drops duplicates itself.
DEDUPLICATING = {"wecom"}


def step_name(step: int) -> str:
    return STEP_NAMES[step] if step < len(STEP_NAMES) else f"第{step + 1}级"


def _enqueue_run() -> None:
    from gongjian.messaging import jobs

    transaction.on_commit(jobs.deliver_soon)


def _event(thread: Thread, at: datetime, text: str, people: Sequence[Person] = ()) -> None:
    thread.events = [*thread.events, {"at": at.isoformat(), "step": thread.step, "text": text,
                                      "people": [p.display_name for p in people]}]


def _deliveries_for(thread: Thread, people: list[Person], step: int, now: datetime) -> list[Delivery]:
    made = []
    for person in people:
        options = channels_for(person)
        channel = options[0]
        delivery, created = Delivery.objects.get_or_create(
            key=f"{thread.notice_key}:{person.pk}:{channel}",
            defaults={"thread": thread, "person": person, "channel": channel, "step": step, "created_at": now})
        if created:
            made.append(delivery)
    return made


def _chain_ids(chain: list[list[Person]]) -> list[list[int]]:
    """Each step's people by id, everyone once: at the first step that names them."""
    seen: set[int] = set()
    ids: list[list[int]] = []
    for people in chain:
        step_ids = [pk for pk in dict.fromkeys(p.pk for p in people) if pk not in seen]
        seen.update(step_ids)
        ids.append(step_ids)
    return ids


def _first_step_only(chain: list[list[Person]]) -> list[list[Person]]:
    """A chain that stops at its first step with anyone in it: a notice that does not climb."""
    first = next((i for i, people in enumerate(chain) if people), None)
    return chain[:first + 1] if first is not None else []


def _next_step(chain: list[list[int]], after: int) -> int | None:
    return next((i for i in range(after + 1, len(chain)) if chain[i]), None)


@transaction.atomic
def message_queue(*, notice_key: str, chain: list[list[Person]], title: str, body: str, link: str,
                  sign_hours: int = 4, now: datetime | None = None) -> Thread | None:
    """Start a notice's journey: message the first step's people now, the next step if nobody has signed within
    `sign_hours` working hours. Queuing the same notice again changes nothing. None when nobody is to be told."""
    made = messages_queue(items=[Queued(notice_key, chain, title, body, link)], sign_hours=sign_hours, now=now)
    if made:
        return made[0]
    if _next_step(_chain_ids(chain), -1) is None:
        return None
    return Thread.objects.filter(notice_key=notice_key).first()


@dataclass(frozen=True)
class Queued:
    """One notice for messages_queue: what message_queue takes, less the settings shared by the batch."""

    notice_key: str
    chain: list[list[Person]]
    title: str
    body: str
    link: str


@transaction.atomic
def messages_queue(*, items: Sequence[Queued], sign_hours: int = 4, now: datetime | None = None) -> list[Thread]:
    """message_queue for many notices at once, writing the same threads, deliveries, journey events and audit rows
    in a fixed number of statements per batch (the daily run queues thousands at province scale)."""
    now = now or clock.now()
    wanted: dict[str, tuple[Queued, list[list[int]], int]] = {}
    for item in items:
        ids = _chain_ids(item.chain)
        first = _next_step(ids, -1)
        if first is not None and item.notice_key not in wanted:
            wanted[item.notice_key] = (item, ids, first)
    keys = list(wanted)
    existing = existing_values(Thread, "notice_key", keys)
    fresh = [wanted[key] for key in keys if key not in existing]
    if not fresh:
        return []
    people = {p.pk: p for p in Person.objects.filter(
        pk__in={pk for _, ids, first in fresh for pk in ids[first]}).select_related("user")}
    threads, firsts = [], []
    for item, ids, first in fresh:
        thread = Thread(notice_key=item.notice_key, title=item.title[:200], body=item.body, link=item.link, chain=ids,
                        step=first, sign_hours=sign_hours, created_at=now,
                        next_step_at=add_working_hours(now, sign_hours) if _next_step(ids, first) is not None else None)
        told = [people[pk] for pk in ids[first] if pk in people]
        _event(thread, now, f"发送给{step_name(first)}", told)
        threads.append(thread)
        firsts.append(told)
    Thread.objects.bulk_create(threads, batch_size=500)
    channel = {pk: channels_for(person)[0] for pk, person in people.items()}
    deliveries = [Delivery(key=f"{thread.notice_key}:{person.pk}:{channel[person.pk]}", thread=thread,
                           person=person, channel=channel[person.pk], step=thread.step, created_at=now)
                  for thread, told in zip(threads, firsts, strict=True) for person in told]
    insert_objects(Delivery, deliveries)
    record_many(actor=None, actor_name="system", event="message.queue", objects=threads,
                changes=[{"notice": t.notice_key, "people": [p.pk for p in told]} for t, told in zip(
                    threads, firsts, strict=True)])
    _enqueue_run()
    return threads


@transaction.atomic
def unit_notify(*, unit: Unit, key: str, title: str, body: str, link: str, climb: bool = True,
                sign_hours: int = 4, now: datetime | None = None) -> list[str]:
    """A notice to a unit, reaching its people's phones: the liaison (its report editors when it named none); with
    `climb`, the unit head and then its 分管领导 while nobody signs. Queued in the caller's transaction, sent after
    commit; the same key twice changes nothing. Returns the channels of the first message(s)."""
    chain = notice_chain(unit_id=unit.pk)
    if not climb:
        chain = _first_step_only(chain)
    new = not Thread.objects.filter(notice_key=key).exists()
    thread = message_queue(notice_key=key, chain=chain, title=title, body=body, link=link, sign_hours=sign_hours,
                           now=now)
    if new and settings.GONGJIAN_WEBHOOK_URL:
        # The one group bot of the setting, kept for installations that have no robots per unit yet.
        queue_message(channel="webhook", title=f"【{unit.name}】{title}", body=body)
    if thread is None:
        return []
    first = _next_step(thread.chain, -1)
    if first is None:
        return []
    return sorted(set(thread.deliveries.filter(step=first).values_list("channel", flat=True)))


@dataclass(frozen=True)
class UnitNotice:
    """One notice for units_notify: what unit_notify takes, less the settings shared by the batch."""

    unit: Unit
    key: str
    title: str
    body: str
    link: str
    climb: bool = True


@transaction.atomic
def units_notify(*, notices: Sequence[UnitNotice], sign_hours: int = 4, now: datetime | None = None) -> None:
    """unit_notify for many units at once (a daily job's one message per unit), in a fixed number of statements."""
    chains = notice_chains(unit_ids={n.unit.pk for n in notices})
    items = []
    for notice in notices:
        chain = chains[notice.unit.pk] if notice.climb else _first_step_only(chains[notice.unit.pk])
        items.append(Queued(notice_key=notice.key, chain=chain, title=notice.title, body=notice.body,
                            link=notice.link))
    if settings.GONGJIAN_WEBHOOK_URL:
        known = set(Thread.objects.filter(notice_key__in=[n.key for n in notices]).values_list("notice_key", flat=True))
        for notice in notices:
            if notice.key not in known:
                queue_message(channel="webhook", title=f"【{notice.unit.name}】{notice.title}", body=notice.body)
    messages_queue(items=items, sign_hours=sign_hours, now=now)


def _broadcast(*, notice_key: str, title: str, body: str, link: str, targets: list[tuple[str, str]],
               now: datetime) -> Thread | None:
    """A message to addresses that are no person of ours (group robots, a citizen's phone): sent, never signed."""
    if not targets:
        return None
    thread, created = Thread.objects.get_or_create(notice_key=notice_key, defaults={
        "title": title[:200], "body": body, "link": link, "chain": [], "created_at": now})
    if not created:
        return thread
    Delivery.objects.bulk_create([
        Delivery(thread=thread, channel=channel, address=address, key=f"{notice_key}:{channel}:{address}"[:200],
                 created_at=now) for channel, address in targets])
    _event(thread, now, "发送给" + "、".join(label for label, _ in _target_labels(targets)))
    thread.save(update_fields=["events"])
    # A citizen's phone or e-mail stays in the delivery row only, not in the permanent audit log.
    record(actor=None, actor_name="system", event="message.queue", obj=thread,
           changes={"notice": notice_key, "to": [f"{c}:{a}" if c == "robot" else c for c, a in targets]})
    _enqueue_run()
    return thread


def _target_labels(targets: list[tuple[str, str]]) -> list[tuple[str, str]]:
    hooks = RobotHook.objects.in_bulk([int(a) for c, a in targets if c == "robot"])
    return [(hooks[int(a)].name if c == "robot" and int(a) in hooks else CHANNEL_LABELS.get(c, c), a)
            for c, a in targets]


@transaction.atomic
def contact_notify(*, key: str, phone: str = "", email: str = "", title: str, body: str, link: str,
                   now: datetime | None = None) -> list[str]:
    """A message to someone who is no person of ours (a citizen who left a contact): by SMS when the phone is a
    mobile number and SMS is set up, else by e-mail; nothing when neither can reach them. Returns the channels."""
    sms, mail = CHANNELS["sms"], CHANNELS["email"]
    if sms.configured() and phone.isdigit() and len(phone) == 11:
        targets = [("sms", phone)]
    elif mail.configured() and email:
        targets = [("email", email)]
    else:
        return []
    _broadcast(notice_key=key, title=title, body=body, link=link, targets=targets, now=now or clock.now())
    return [targets[0][0]]


@transaction.atomic
def robots_post(*, key: str, unit: Unit | None, title: str, body: str, link: str,
                now: datetime | None = None) -> list[RobotHook]:
    """Post to the group robots of `unit`, or to the office's own (no unit) when None. Through the delivery queue,
    so a post is retried, logged and made once per key. Returns the robots posted to."""
    hooks = list(RobotHook.objects.filter(unit=unit, is_active=True).order_by("id"))
    _broadcast(notice_key=key, title=title, body=body, link=link, now=now or clock.now(),
               targets=[("robot", str(h.pk)) for h in hooks])
    return hooks


def robot_hook_save(*, actor: User, hook: RobotHook | None = None, name: str, kind: str, url: str, secret: str = "",
                    unit: Unit | None = None, is_active: bool = True) -> RobotHook:
    """Add or change a group robot (the office's when no unit). Its secret is kept as typed; it signs each post."""
    name, url, secret = (name or "").strip(), (url or "").strip(), (secret or "").strip()
    if not name:
        raise UserError("「名称」不能为空", "required", field="name")
    if len(name) > 60:
        raise UserError("「名称」不能超过60字", "too_long", field="name")
    if kind not in RobotHook.Kind.values:
        raise UserError("请选择群机器人类型", "invalid", field="kind")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise UserError("「Webhook 地址」须为 http(s) 网址", "invalid", field="url") from None
    if len(url) > 500 or len(secret) > 200:
        raise UserError("「Webhook 地址」或「加签密钥」过长", "too_long", field="url" if len(url) > 500 else "secret")
    if kind == RobotHook.Kind.FEISHU and secret and not secret.isascii():
        raise UserError("「加签密钥」格式不正确", "invalid", field="secret")
    with transaction.atomic():
        created = hook is None
        hook = hook or RobotHook()
        hook.name, hook.kind, hook.url, hook.secret, hook.unit, hook.is_active = (
            name, kind, url, secret, unit, is_active)
        hook.save()
        # The address and secret are credentials of the group: the audit row says what changed, not their values.
        record(actor=actor, event="robot_hook.create" if created else "robot_hook.update", obj=hook,
               changes={"name": name, "kind": kind, "unit": unit.name if unit else None, "active": is_active})
    return hook


def sign_token(delivery: Delivery) -> str:
    """Fixed for a delivery (its expiry is part of it), so a repeated send carries the very same text."""
    expires = int((delivery.created_at + timedelta(hours=settings.MESSAGING_LINK_HOURS)).timestamp())
    return signing.Signer(salt=SALT).sign(f"{delivery.pk}.{expires}")


def sign_url(delivery: Delivery) -> str:
    return f"{settings.SITE_URL}/m/{sign_token(delivery)}/"


def delivery_from_token(token: str, *, now: datetime | None = None) -> Delivery:
    """The delivery a link was sent in; UserError if the link was altered or has expired."""
    try:
        pk_text, expires_text = signing.Signer(salt=SALT).unsign(token).split(".")
        pk, expires = int(pk_text), int(expires_text)
    except (signing.BadSignature, ValueError):
        raise UserError("链接无效，请登录后查看", "invalid", status=404) from None
    delivery = Delivery.objects.select_related("thread", "person__user").filter(pk=pk).first()
    if delivery is None:
        raise UserError("链接无效，请登录后查看", "invalid", status=404)
    if (now or clock.now()).timestamp() > expires:
        raise UserError("链接已过期，请登录后签收", "expired", status=410)
    return delivery


@transaction.atomic
def mark_read(*, delivery: Delivery, now: datetime | None = None) -> None:
    """The person opened the message's link: the office sees it was read."""
    if delivery.read_at is None and Delivery.objects.filter(pk=delivery.pk, read_at__isnull=True).update(
            read_at=now or clock.now()):
        record(actor=delivery.person.user if delivery.person else None, event="message.read", obj=delivery,
               changes={"notice": delivery.thread.notice_key})


@transaction.atomic
def sign_by_link(*, token: str, now: datetime | None = None) -> Thread:
    """One tap: the person the link was sent to signs for the notice; the notice's owner is told."""
    now = now or clock.now()
    delivery = delivery_from_token(token, now=now)
    thread = Thread.objects.select_for_update().get(pk=delivery.thread_id)
    mark_read(delivery=delivery, now=now)
    if thread.signed_at is not None:
        raise UserError(f"已由{thread.signed_by.display_name if thread.signed_by else '他人'}签收", "bad_transition",
                        status=409)
    person = delivery.person
    if person is None:  # a message to a contact (a citizen) carries no link to sign
        raise UserError("此消息无需签收", "bad_transition", status=409)
    thread.signed_at, thread.signed_by, thread.signed_via, thread.next_step_at = now, person, "link", None
    _event(thread, now, f"{person.display_name}一键签收")
    thread.save(update_fields=["signed_at", "signed_by", "signed_via", "next_step_at", "events"])
    record(actor=person.user, event="message.sign", obj=thread, changes={"notice": thread.notice_key})
    registry.signed(thread.notice_key, person)
    return thread


@transaction.atomic
def mark_signed(*, notice_key: str, person: Person | None, now: datetime | None = None) -> None:
    """The notice was signed for on the web: stop climbing. Its owner already knows, so no callbacks."""
    now = now or clock.now()
    thread = Thread.objects.select_for_update().filter(notice_key=notice_key, signed_at__isnull=True).first()
    if thread is None:
        return
    thread.signed_at, thread.signed_by, thread.signed_via, thread.next_step_at = now, person, "web", None
    _event(thread, now, f"{person.display_name if person else '督查室'}在平台签收")
    thread.save(update_fields=["signed_at", "signed_by", "signed_via", "next_step_at", "events"])
    record(actor=person.user if person else None, actor_name="" if person else "system", event="message.sign",
           obj=thread, changes={"notice": notice_key, "via": "web"})


def escalate_unsigned(*, now: datetime | None = None) -> int:
    """Every notice nobody signed for within its working hours goes to the next person up; returns how many."""
    now = now or clock.now()
    climbed = 0
    due = Thread.objects.filter(signed_at__isnull=True, next_step_at__lte=now).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            thread = Thread.objects.select_for_update().get(pk=pk)
            if thread.signed_at is not None or thread.next_step_at is None or thread.next_step_at > now:
                continue
            step = _next_step(thread.chain, thread.step)
            if step is None:
                thread.next_step_at = None
                thread.save(update_fields=["next_step_at"])
                continue
            hours = thread.sign_hours
            people = list(Person.objects.filter(pk__in=thread.chain[step]).select_related("user"))
            thread.step = step
            thread.next_step_at = add_working_hours(now, hours) if _next_step(thread.chain, step) is not None else None
            _deliveries_for(thread, people, step, now)
            _event(thread, now, f"{hours}个工作小时内无人签收，升级发送给{step_name(step)}", people)
            thread.save(update_fields=["step", "next_step_at", "events"])
            record(actor=None, actor_name="system", event="message.escalate", obj=thread,
                   changes={"notice": thread.notice_key, "step": step, "people": [p.pk for p in people]})
            _enqueue_run()
            climbed += 1
    return climbed


def _backoff(attempts: int, after: int | None) -> timedelta:
    return timedelta(seconds=min(after or 30 * 2 ** (attempts - 1), 3600))


def _lease() -> timedelta:
    return timedelta(seconds=settings.MESSAGING_TIMEOUT_SECONDS * 3 + 30)


def _fall_back(delivery: Delivery, now: datetime) -> None:
    if delivery.person_id is None:
        return
    options = channels_for(delivery.person)
    later = options[options.index(delivery.channel) + 1:] if delivery.channel in options else options
    for channel in later:
        _, created = Delivery.objects.get_or_create(
            key=f"{delivery.thread.notice_key}:{delivery.person_id}:{channel}",
            defaults={"thread_id": delivery.thread_id, "person_id": delivery.person_id, "channel": channel,
                      "step": delivery.step, "created_at": now})
        if created:
            return


def _claim(delivery: Delivery, now: datetime) -> datetime | None:
    """Take the delivery for this worker (compare-and-set on its state); the lease marks it ours until then."""
    lease = now + _lease()
    claimed = Delivery.objects.filter(pk=delivery.pk, state=delivery.state, attempts=delivery.attempts,
                                      lease_until=delivery.lease_until).update(
        state=Delivery.State.SENDING, lease_until=lease, attempts=delivery.attempts + 1)
    return lease if claimed else None


def _finish(delivery: Delivery, lease: datetime, **fields: object) -> bool:
    return bool(Delivery.objects.filter(pk=delivery.pk, state=Delivery.State.SENDING, lease_until=lease)
                .update(**fields))


def _message(delivery: Delivery) -> Message:
    thread = delivery.thread
    if delivery.person_id is None:
        return Message(key=delivery.key, title=thread.title, body=thread.body,
                       url=f"{settings.SITE_URL}{thread.link}", recipient=delivery.address)
    return Message(key=delivery.key, title=thread.title, body=thread.body, url=sign_url(delivery),
                   recipient=CHANNELS[delivery.channel].address(delivery.person))


def _outcome(delivery: Delivery, lease: datetime, now: datetime, outcome: str, *,
             send: Callable[[], str] | None = None, **fields: object) -> str:
    """Record what happened to one attempt, with its audit row, in one transaction (for the inbox, the send
    itself is in it too); a failure falls back to the person's next channel."""
    state = {"sent": Delivery.State.SENT, "failed": Delivery.State.FAILED, "retrying": Delivery.State.RETRYING}
    with transaction.atomic():
        if send is not None:
            fields["provider_id"] = send()[:100]
        if outcome == "sent":
            fields.setdefault("sent_at", now)
        if not _finish(delivery, lease, state=state[outcome], lease_until=None, **fields):
            return ""
        if outcome == "failed":
            _fall_back(delivery, now)
        record(actor=None, actor_name="system", event=f"message.{outcome}", obj=delivery,
               changes={"channel": delivery.channel, "attempts": delivery.attempts,
                        "error": fields.get("last_error", "")})
    return outcome


def deliver_one(delivery: Delivery, now: datetime) -> str:
    """Send one delivery unless another worker has it; returns "sent", "failed", "retrying" or ""."""
    stale = delivery.state == Delivery.State.SENDING
    lease = _claim(delivery, now)
    if lease is None:
        return ""
    delivery.attempts += 1
    channel = CHANNELS[delivery.channel]
    if stale and delivery.channel not in DEDUPLICATING and delivery.channel != "in_app":
        # The worker died after sending and before recording: sending again could reach the person twice, and
        # the climb to the next person still covers a message that never arrived.
        return _outcome(delivery, lease, now, "sent", last_error="发送进程中断，按已发送记录")
    if delivery.channel == "in_app":
        return _outcome(delivery, lease, now, "sent", send=lambda: channel.send(_message(delivery)), last_error="")
    try:
        provider_id = channel.send(_message(delivery))
    except Retry as exc:
        if delivery.attempts >= settings.MESSAGING_MAX_ATTEMPTS:
            return _outcome(delivery, lease, now, "failed", last_error=f"多次重试仍失败：{exc}"[:300])
        return _outcome(delivery, lease, now, "retrying", last_error=str(exc)[:300],
                        next_attempt_at=now + _backoff(delivery.attempts, exc.after))
    except Permanent as exc:
        return _outcome(delivery, lease, now, "failed", last_error=str(exc)[:300])
    return _outcome(delivery, lease, now, "sent", provider_id=provider_id[:100], last_error="")


def deliver_pending(*, now: datetime | None = None, limit: int = 500) -> dict:
    """Run every due delivery once (new, due for retry, or left mid-send by a worker that died)."""
    now = now or clock.now()
    counts = {"sent": 0, "failed": 0, "retrying": 0}
    for _ in range(5):  # fall-backs made in this run are sent in it too
        due = (Q(state=Delivery.State.PENDING)
               | Q(state=Delivery.State.RETRYING, next_attempt_at__lte=now)
               | Q(state=Delivery.State.SENDING, lease_until__lt=now))
        batch = list(Delivery.objects.filter(due).select_related("thread", "person__user").order_by("id")[:limit])
        if not batch:
            break
        for delivery in batch:
            outcome = deliver_one(delivery, now)
            if outcome:
                counts[outcome] += 1
    return counts

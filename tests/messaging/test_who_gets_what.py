"""Who gets what: every notice to a unit reaches its people through messaging (liaison first; the head and the
分管领导 when it climbs), a citizen's answer goes to the contact they left, and a failed write queues nothing."""

from datetime import date, timedelta

import pytest
from django.db import transaction

from gongjian.audit.models import AuditEvent
from gongjian.dispatch import jobs as dispatch_jobs
from gongjian.dispatch import periods
from gongjian.dispatch import services as dispatch
from gongjian.dispatch.models import Reminder, ReportingPeriod
from gongjian.frontline import jobs as frontline_jobs
from gongjian.frontline import services as frontline
from gongjian.frontline.models import Ticket
from gongjian.messaging import services
from gongjian.messaging.models import Delivery, Thread
from gongjian.supervision import services as supervision

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(cast, task_a, settings):
    from gongjian.campaigns import services as campaigns

    settings.GONGJIAN_TODAY = date(2023, 3, 1)
    return campaigns.task_assign(actor=cast.office, task=task_a)


@pytest.fixture
def help_category(cast):
    return frontline.category_save(actor=cast.office, code="help", name="求助", kind="help")


@pytest.fixture
def ticket(cast, help_category, settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 1)
    return frontline.ticket_create(actor=None, category=help_category, text="姜山镇前垛埠村路灯不亮已经9天了",
                                   source=Ticket.Source.WEB, town=cast.unit_a, contact_name="张三丰",
                                   contact_phone="13812345678")


def _sent_to(key: str) -> list[tuple[str, int, str]]:
    """(person, step, channel) of each message of a notice, in order."""
    return [(d.person.display_name, d.step, d.channel)
            for d in Delivery.objects.filter(thread__notice_key=key).select_related("person").order_by("id")]


def _chain(key: str, *people) -> bool:
    return Thread.objects.get(notice_key=key).chain == [[p.pk] for p in people]


def test_a_report_reminder_goes_to_the_liaison_and_does_not_climb(cast, assigned, people, vendor):
    liaison, head, leader = people
    march = periods.period_for(ReportingPeriod.Kind.MONTH, date(2023, 3, 15))
    assert dispatch_jobs.remind(on=march.due_on)["sent"] == 1
    reminder = Reminder.objects.get()
    key = f"dispatch.reminder:{reminder.pk}"
    assert reminder.channels == ["wecom"]
    assert _sent_to(key) == [("姜山镇督查专员", 0, "wecom")]
    assert _chain(key, liaison)
    assert Thread.objects.get(notice_key=key).next_step_at is None, "a reminder does not climb"
    services.deliver_pending()
    assert [(d["to"], d["title"]) for d in vendor.vendor.delivered] == [("liaison01", "2023年3月进展填报今日截止")]
    assert AuditEvent.objects.filter(event="message.queue", changes__notice=key).exists()
    dispatch_jobs.remind(on=march.due_on)
    assert Thread.objects.count() == 1, "a second run of the day queues nothing new"


def test_a_returned_report_reaches_the_liaison_with_the_reason(cast, assigned, people, vendor):
    march = periods.period_for(ReportingPeriod.Kind.MONTH, date(2023, 3, 15))
    report = dispatch.report_submit(actor=cast.editor_a, report=dispatch.report_save(
        actor=cast.editor_a, task=assigned, period=march, work_done="完成园区道路", percent="30"))
    dispatch.report_return(actor=cast.office, report=report, reason="请补充节点完成的佐证材料")
    key = f"dispatch.return:{report.pk}:1"
    assert _sent_to(key) == [("姜山镇督查专员", 0, "wecom")]
    thread = Thread.objects.get(notice_key=key)
    assert thread.body == "退回理由：请补充节点完成的佐证材料" and thread.link == f"/dispatch/reports/{report.pk}/"
    report = dispatch.report_submit(actor=cast.editor_a, report=report)
    dispatch.report_return(actor=cast.office, report=report, reason="佐证材料不清晰")
    assert _sent_to(f"dispatch.return:{report.pk}:2") == [("姜山镇督查专员", 0, "wecom")], "each return is told"


def test_a_ticket_assignment_climbs_from_the_liaison_to_the_head_and_the_leader(cast, ticket, people, vendor):
    liaison, head, leader = people
    frontline.ticket_assign(actor=cast.office, ticket=ticket, unit=cast.unit_a)
    key = f"frontline.assign:{ticket.assignments.get().pk}"
    assert _chain(key, liaison, head, leader)
    assert _sent_to(key) == [("姜山镇督查专员", 0, "wecom")]
    thread = Thread.objects.get(notice_key=key)
    services.escalate_unsigned(now=thread.next_step_at)
    assert _sent_to(key) == [("姜山镇督查专员", 0, "wecom"), ("姜山镇镇长", 1, "wecom")]
    services.deliver_pending(now=thread.next_step_at)
    assert [d["to"] for d in vendor.vendor.delivered] == ["liaison01", "head01"]
    assert vendor.vendor.delivered[0]["title"] == f"新派工单 {ticket.code}"


def test_the_liaisons_one_tap_signs_for_the_ticket(cast, ticket, people, vendor):
    frontline.ticket_assign(actor=cast.office, ticket=ticket, unit=cast.unit_a)
    delivery = Delivery.objects.get(thread__notice_key=f"frontline.assign:{ticket.assignments.get().pk}")
    services.sign_by_link(token=services.sign_token(delivery))
    ticket.refresh_from_db()
    assert ticket.state == "signed" and ticket.assignments.get().signed_at is not None
    assert AuditEvent.objects.get(event="ticket.sign").actor_id == cast.editor_a.pk


def test_the_leaders_one_tap_stops_the_climb_but_does_not_sign_for_the_unit(cast, ticket, people, vendor):
    frontline.ticket_assign(actor=cast.office, ticket=ticket, unit=cast.unit_a)
    thread = Thread.objects.get(notice_key=f"frontline.assign:{ticket.assignments.get().pk}")
    services.escalate_unsigned(now=thread.next_step_at)
    thread.refresh_from_db()
    services.escalate_unsigned(now=thread.next_step_at)
    to_leader = Delivery.objects.get(thread=thread, person=people[2])
    services.sign_by_link(token=services.sign_token(to_leader))
    ticket.refresh_from_db()
    thread.refresh_from_db()
    assert thread.signed_by == people[2] and ticket.state != "signed"
    assert not AuditEvent.objects.filter(event="ticket.sign").exists()


def test_a_ticket_sent_back_for_redo_is_a_new_notice(cast, ticket, people, vendor):
    ticket = frontline.ticket_assign(actor=cast.office, ticket=ticket, unit=cast.unit_a)
    ticket = frontline.ticket_sign(actor=cast.editor_a, ticket=ticket)
    ticket = frontline.ticket_reply(actor=cast.editor_a, ticket=ticket, reply="已安排维修")
    frontline.ticket_visit(actor=cast.office, ticket=ticket, resolved=False, satisfaction="unsatisfied")
    frontline.ticket_redo(actor=cast.office, ticket=ticket, reason="路灯仍不亮")
    assert _sent_to(f"frontline.redo:{ticket.pk}:1") == [("姜山镇督查专员", 0, "wecom")]
    assert Thread.objects.get(notice_key=f"frontline.redo:{ticket.pk}:1").body == "路灯仍不亮"


def test_a_ticket_turning_red_warns_its_unit_once(cast, ticket, people, vendor):
    liaison, head, leader = people
    ticket = frontline.ticket_assign(actor=cast.office, ticket=ticket, unit=cast.unit_a)
    frontline_jobs.ticket_sla_run(ticket.reply_due)  # the due day: yellow
    yellow = f"frontline.sla:{cast.unit_a.pk}:yellow:{ticket.reply_due}"
    assert _chain(yellow, liaison), "a warning before the deadline does not climb"
    late = ticket.reply_due + timedelta(days=3)
    frontline_jobs.ticket_sla_run(late)
    red = f"frontline.sla:{cast.unit_a.pk}:red:{late}"
    assert _chain(red, liaison, head, leader), "an overdue ticket climbs"
    thread = Thread.objects.get(notice_key=red)
    assert thread.title == "1件工单已超过答复时限" and thread.body == ticket.code
    frontline_jobs.ticket_sla_run(late)
    frontline_jobs.ticket_sla_run(late + timedelta(days=1))
    assert Thread.objects.filter(notice_key__startswith="frontline.sla:").count() == 2, "still red: no new warning"


def test_a_blocker_goes_to_the_responsible_unit_and_climbs(cast, assigned, people, vendor):
    liaison, head, leader = people
    blocker = supervision.blocker_raise(actor=cast.editor_a, task=assigned, category="land",
                                        description="园区道路用地指标未落实", responsible_unit=cast.unit_a)
    key = f"supervision.blocker:{blocker.pk}"
    assert _chain(key, liaison, head, leader)
    assert _sent_to(key) == [("姜山镇督查专员", 0, "wecom")]
    assert Thread.objects.get(notice_key=key).link == f"/blockers/{blocker.pk}/"


def test_a_blocker_for_another_unit_reaches_that_units_editors(cast, assigned, people, vendor):
    blocker = supervision.blocker_raise(actor=cast.editor_a, task=assigned, category="bidding",
                                        description="招标文件未备案", responsible_unit=cast.unit_b)
    assert _sent_to(f"supervision.blocker:{blocker.pk}") == [("发改局科长", 0, "in_app")], \
        "no liaison named, no app id: the editors, in the platform's inbox"
    assert not Delivery.objects.filter(person__unit=cast.unit_a).exists()


def _idea(cast, phone="13812345678"):
    idea = frontline.idea_submit(actor=None, title="村口路灯改太阳能", text="建议村口路灯改为太阳能路灯，省电费",
                                 category="rural", proposer_name="张三丰", proposer_phone=phone,
                                 confirm_duplicate=True)
    return frontline.idea_evaluate(actor=cast.office, idea=idea)


def test_an_answer_to_a_citizens_idea_goes_to_the_phone_they_left(cast, people, sms):
    idea = frontline.idea_reject(actor=cast.office, idea=_idea(cast), answer="已纳入明年路灯改造计划统筹考虑")
    delivery = Delivery.objects.get(thread__notice_key=f"frontline.idea:{idea.pk}:answer")
    assert (delivery.person, delivery.channel, delivery.address) == (None, "sms", "13812345678")
    assert delivery.thread.body == "已纳入明年路灯改造计划统筹考虑"
    queued = AuditEvent.objects.get(event="message.queue", changes__notice=f"frontline.idea:{idea.pk}:answer")
    assert queued.changes["to"] == ["sms"] and "13812345678" not in str(queued.changes)


def test_an_idea_answer_without_a_contact_or_channel_sends_nothing(cast, people, vendor):
    frontline.idea_reject(actor=cast.office, idea=_idea(cast), answer="感谢建议")  # SMS not set up
    frontline.idea_reject(actor=cast.office, idea=_idea(cast, phone=""), answer="感谢建议")
    assert not Delivery.objects.exists()


def test_an_adopted_idea_tells_the_lead_unit_and_the_citizen(cast, campaign, people, sms, settings):
    settings.GONGJIAN_TODAY = date(2023, 3, 1)
    idea = frontline.idea_accept(actor=cast.office, idea=_idea(cast), answer="采纳，由姜山镇实施",
                                 campaign=campaign, lead_unit=cast.unit_a, deadline=date(2023, 9, 30),
                                 milestones=[("完成选型", date(2023, 5, 31))])
    assert _sent_to(f"frontline.idea:{idea.pk}:task") == [("姜山镇督查专员", 0, "wecom")]
    assert Delivery.objects.get(thread__notice_key=f"frontline.idea:{idea.pk}:answer").channel == "sms"


def test_email_is_the_channel_of_a_person_without_an_app_id(cast, ticket, people, vendor, settings):
    liaison = people[0]
    liaison.wecom_userid = ""
    liaison.email = "liaison@jiangshan.gov.cn"
    liaison.save()
    settings.MESSAGING_EMAIL = True
    frontline.ticket_assign(actor=cast.office, ticket=ticket, unit=cast.unit_a)
    assert _sent_to(f"frontline.assign:{ticket.assignments.get().pk}") == [("姜山镇督查专员", 0, "email")]


def test_a_failed_transaction_queues_nothing(cast, ticket, people, vendor, django_capture_on_commit_callbacks):
    with (django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError),
          transaction.atomic()):
        frontline.ticket_assign(actor=cast.office, ticket=ticket, unit=cast.unit_a)
        raise RuntimeError("a later step of the same transaction fails")
    assert callbacks == []
    assert not Thread.objects.exists() and not Delivery.objects.exists()
    services.deliver_pending()
    assert vendor.vendor.delivered == []


def test_the_run_is_queued_after_commit(cast, ticket, people, vendor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        frontline.ticket_assign(actor=cast.office, ticket=ticket, unit=cast.unit_a)
    assert [c.__name__ for c in callbacks].count("deliver_soon") == 1
    assert vendor.vendor.delivered == [], "nothing leaves inside the transaction"
